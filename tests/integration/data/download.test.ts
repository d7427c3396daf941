// downloadCandles through the REAL ccxt binance client against a local Binance REST server.
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lowerBound, type CandleSeries, type MarketKey } from '../../../src/core/candle.js';
import { OutageError, UserError } from '../../../src/core/errors.js';
import { iso, parseDate } from '../../../src/core/time.js';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { createExchange, type Exchange } from '../../../src/adapters/exchange/ccxt.js';
import { readCandleCsv } from '../../../src/data/csv.js';
import { downloadCandles } from '../../../src/data/download.js';
import { FakeBinance, REPO_DATA_DIR } from '../../support/fake-binance.js';

const H = 3_600_000;
const BTC_1H: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
let real: CandleSeries;
let fake: FakeBinance | undefined;

beforeAll(async () => {
  real = (await readCandleCsv(join(REPO_DATA_DIR, 'binance_BTCUSDT_1h.csv.gz'), { timeframe: '1h' })).series;
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(now: string): Promise<{ fake: FakeBinance; ex: Exchange; store: SqliteCandleStore }> {
  fake = await FakeBinance.start({ now: parseDate(now) });
  // A short rateLimit keeps the test quick; ccxt's limiter still spaces the requests.
  const ex = await createExchange({ name: 'binance', options: fake.ccxtOptions({ rateLimit: 5 }) });
  return { fake, ex, store: new SqliteCandleStore(openDb(':memory:')) };
}

/** The real candles with from <= time <= to. */
function expected(from: number, to: number): number[][] {
  const out: number[][] = [];
  for (let i = lowerBound(real, from); i < real.length && real.time[i]! <= to; i++) {
    out.push([real.time[i]!, real.open[i]!, real.high[i]!, real.low[i]!, real.close[i]!, real.volume[i]!]);
  }
  return out;
}

function rows(s: CandleSeries): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < s.length; i++) out.push([s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!]);
  return out;
}

describe('downloadCandles via ccxt binance', () => {
  it('downloads a range page by page and stores exactly the exchange candles', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const from = parseDate('2025-01-01');
    const to = parseDate('2025-03-01');
    const r = await downloadCandles(store, ex, BTC_1H, { from, to, limit: 500 });
    const want = expected(from, to);
    expect(want.length).toBe(59 * 24 + 1);
    expect(r).toMatchObject({ fetched: want.length, inserted: want.length, unchanged: 0, first: from, last: to, gaps: 0, pages: 3 });
    expect(rows(store.read(BTC_1H))).toEqual(want);
    const starts = fake.klineRequests().map((q) => Number(q.query.startTime));
    expect(starts).toEqual([from, from + 500 * H, from + 1000 * H]);
    expect(fake.klineRequests().every((q) => q.query.limit === '500' && q.query.symbol === 'BTCUSDT' && q.query.interval === '1h')).toBe(true);
  });

  it('resumes after the last cached candle: a second run fetches only the new candles', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const from = parseDate('2025-01-01');
    await downloadCandles(store, ex, BTC_1H, { from, to: parseDate('2025-01-10') });
    const before = fake.klineRequests().length;
    const r = await downloadCandles(store, ex, BTC_1H, { from, to: parseDate('2025-01-12') });
    const second = fake.klineRequests().slice(before);
    expect(second.map((q) => Number(q.query.startTime))).toEqual([parseDate('2025-01-10') + H]);
    expect(r).toMatchObject({ fetched: 48, inserted: 48, unchanged: 0 });
    expect(rows(store.read(BTC_1H))).toEqual(expected(from, parseDate('2025-01-12')));
    // Nothing new: no request at all.
    const r3 = await downloadCandles(store, ex, BTC_1H, { from, to: parseDate('2025-01-12') });
    expect(r3.fetched).toBe(0);
    expect(fake.klineRequests().length).toBe(before + 1);
  });

  it('also fills the part before the cached range when asked for an earlier start', async () => {
    const { ex, store } = await setup('2026-11-20T00:00:00Z');
    await downloadCandles(store, ex, BTC_1H, { from: parseDate('2025-01-05'), to: parseDate('2025-01-06') });
    const r = await downloadCandles(store, ex, BTC_1H, { from: parseDate('2025-01-01'), to: parseDate('2025-01-07') });
    // Head: Jan 1 00:00 to Jan 4 23:00 (96); tail: Jan 6 01:00 to Jan 7 00:00 (24).
    expect(r.fetched).toBe(96 + 24);
    expect(rows(store.read(BTC_1H))).toEqual(expected(parseDate('2025-01-01'), parseDate('2025-01-07')));
  });

  it('never stores the still-open candle; it is stored with its final values once closed', async () => {
    const { fake, ex, store } = await setup('2026-03-10T12:30:00Z');
    const from = parseDate('2026-03-09');
    const r = await downloadCandles(store, ex, BTC_1H, { from, now: fake.now });
    expect(iso(r.last!)).toBe('2026-03-10T11:00:00.000Z');
    expect(store.last(BTC_1H)).toBe(parseDate('2026-03-10T11:00:00Z'));
    // The server did send the open 12:00 candle (with its partial values).
    expect(fake.klineRequests().length).toBeGreaterThan(0);
    fake.now = parseDate('2026-03-10T14:05:00Z');
    const r2 = await downloadCandles(store, ex, BTC_1H, { from, now: fake.now });
    expect(r2).toMatchObject({ fetched: 2, inserted: 2 });
    expect(rows(store.read(BTC_1H))).toEqual(expected(from, parseDate('2026-03-10T13:00:00Z')));
  });

  it('completes despite a 429 (Retry-After) or a 500 now and then', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const from = parseDate('2024-06-01');
    const to = parseDate('2024-07-01');
    fake.failEvery(3, 429, { path: '/api/v3/klines', retryAfter: 0 });
    const retries: number[] = [];
    const r = await downloadCandles(store, ex, BTC_1H, { from, to, limit: 100, baseDelayMs: 5, onRetry: (i) => retries.push(i.attempt) });
    expect(r.fetched).toBe(30 * 24 + 1);
    expect(fake.requests.some((q) => q.status === 429)).toBe(true);
    expect(retries.length).toBeGreaterThan(0);
    fake.failEvery(2, 500, { path: '/api/v3/klines' });
    const r2 = await downloadCandles(store, ex, BTC_1H, { from, to: parseDate('2024-07-15'), limit: 100, baseDelayMs: 5 });
    expect(r2.fetched).toBe(14 * 24);
    expect(fake.requests.some((q) => q.status === 500)).toBe(true);
    expect(rows(store.read(BTC_1H))).toEqual(expected(from, parseDate('2024-07-15')));
  });

  it('waits at least as long as a 429 Retry-After asks', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    await ex.loadMarkets();
    fake.failNext(1, 429, 1);
    const delays: number[] = [];
    const r = await downloadCandles(store, ex, BTC_1H, { from: parseDate('2024-01-01'), to: parseDate('2024-01-02'), baseDelayMs: 5, onRetry: (i) => delays.push(i.delayMs) });
    expect(r.fetched).toBe(25);
    expect(delays).toEqual([1000]);
  });

  it('a server that stays down ends in a clear OutageError, keeping every page fetched before', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const from = parseDate('2024-01-01');
    let pages = 0;
    const err = await downloadCandles(store, ex, BTC_1H, {
      from,
      to: parseDate('2024-03-01'),
      limit: 200,
      retries: 2,
      baseDelayMs: 5,
      onProgress: () => {
        pages++;
        if (pages === 2) fake.setDown(true);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutageError);
    expect((err as Error).message).toMatch(/^binance: fetching BTC\/USDT 1h candles from 2024-01-17T16:00:00.000Z failed after 3 attempts/);
    expect(store.read(BTC_1H).length).toBe(400);
    expect(store.last(BTC_1H)).toBe(from + 399 * H);
    // Back up: the next run resumes where it stopped.
    fake.setDown(false);
    const r = await downloadCandles(store, ex, BTC_1H, { from, to: parseDate('2024-03-01'), limit: 200 });
    expect(r.first).toBe(from + 400 * H);
    expect(rows(store.read(BTC_1H))).toEqual(expected(from, parseDate('2024-03-01')));
  });

  it('stops cleanly at the end of the data (an empty page)', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const sol: MarketKey = { exchange: 'binance', symbol: 'SOL/USDT', timeframe: '1h' };
    const r = await downloadCandles(store, ex, sol, { from: parseDate('2023-03-01') });
    expect(iso(r.last!)).toBe('2023-03-03T10:00:00.000Z');
    expect(r.fetched).toBe(2 * 24 + 11);
    expect(fake.klineRequests().length).toBe(2);
    expect(r.pages).toBe(2);
  });

  it('an unknown symbol is a UserError and nothing is requested for candles', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    const err = await downloadCandles(store, ex, { ...BTC_1H, symbol: 'NOPE/USDT' }, { from: parseDate('2024-01-01') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('NOPE/USDT');
    expect(fake.klineRequests()).toEqual([]);
  });

  it('recovers when loading the markets failed at first', async () => {
    const { fake, ex, store } = await setup('2026-11-20T00:00:00Z');
    fake.failNext(2, 500);
    const r = await downloadCandles(store, ex, BTC_1H, { from: parseDate('2024-01-01'), to: parseDate('2024-01-02'), baseDelayMs: 5 });
    expect(r.fetched).toBe(25);
    expect(fake.requests.filter((q) => q.path === '/api/v3/exchangeInfo').map((q) => q.status)).toEqual([500, 500, 200]);
  });
});
