// The exchange feed through real ccxt against a local Binance-speaking server, on an unlucky day: the
// exchange is down at the very first request, the warm-up history fails, the exchange name is wrong,
// or the trader quits while a request hangs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeFeed } from '../../../src/adapters/feed/exchange.js';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Candle, MarketKey } from '../../../src/core/candle.js';
import { UserError } from '../../../src/core/errors.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { FeedSink, FeedStatus } from '../../../src/engine/ports.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { tempDir } from '../../support/run-cli.js';

const HOUR = 3_600_000;
const KEY: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
let fake: FakeBinance | undefined;
let app: App | undefined;
let feed: ExchangeFeed | undefined;
let hanging: Server | undefined;
afterEach(async () => {
  feed?.stop();
  await app?.stop();
  await fake?.close();
  if (hanging) {
    hanging.closeAllConnections();
    await new Promise((r) => hanging!.close(r));
  }
  app = fake = feed = hanging = undefined;
});

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function recordingSink(): FeedSink & { candles: Candle[]; warm: Candle[]; statuses: FeedStatus[] } {
  const sink = {
    candles: [] as Candle[],
    warm: [] as Candle[],
    statuses: [] as FeedStatus[],
    candle: (_k: MarketKey, c: Candle) => void sink.candles.push(c),
    warmup: (_k: MarketKey, cs: Candle[]) => void sink.warm.push(...cs),
    status: (s: FeedStatus) => void sink.statuses.push(s),
  };
  return sink;
}

describe('exchange feed outages', () => {
  it('recovers when the exchange answers 500 from the very first request (market loading included)', async () => {
    const t0 = Date.UTC(2026, 2, 10, 10, 30);
    fake = await FakeBinance.start({ now: t0 });
    fake.failEvery(1, 500); // every request, exchangeInfo first
    feed = new ExchangeFeed({ name: 'binance', options: fake.ccxtOptions() }, { pollSeconds: 0.1, maxBackoffMs: 200, now: () => fake!.now });
    await feed.open();
    expect((await feed.history(KEY, 50)).length).toBe(0);
    feed.watch(KEY);
    const sink = recordingSink();
    const running = feed.run(sink);
    await until(() => sink.statuses.filter((s) => s.status !== 'connected').length >= 3);
    fake.failEvery(0); // the exchange is back
    const before = fake.requests.length;
    await until(() => sink.candles.length === 1);
    // It asked for the markets again (a fresh client), not the cached failure.
    expect(fake.requests.slice(before).some((r) => r.path === '/api/v3/exchangeInfo' && r.status === 200)).toBe(true);
    // Only the newest closed candle is traded; the 98 older closed ones it caught up on are warm-up.
    expect(sink.candles[0]!.time).toBe(Date.UTC(2026, 2, 10, 9));
    expect(sink.warm.length).toBe(98);
    expect(sink.warm.every((c) => c.time < sink.candles[0]!.time)).toBe(true);
    expect(sink.statuses.at(-1)).toMatchObject({ status: 'connected' });
    expect(sink.statuses.at(-1)!.detail).toMatch(/skipped 98 older closed candles of binance:BTC\/USDT:1h/);
    // And candles keep flowing as the exchange's clock moves on.
    fake.now += HOUR;
    await until(() => sink.candles.length === 2);
    expect(sink.candles[1]!.time).toBe(Date.UTC(2026, 2, 10, 10));
    feed.stop();
    await running;
  }, 30_000);

  it('after a failed warm-up, the first poll trades no stale candle (paper app, fills counted)', async () => {
    const t0 = Date.UTC(2026, 2, 10, 10, 30);
    fake = await FakeBinance.start({ now: t0 });
    fake.failEvery(1, 500, { path: '/api/v3/klines' }); // the history request fails
    const config = parseConfig({
      exchange: { name: 'binance', options: fake.ccxtOptions() },
      paper: {
        feed: 'exchange',
        pollSeconds: 1,
        // sma fast 2 / slow 3 crosses many times within 99 candles: stale candles would trade.
        instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 2, slow: 3 } }],
      },
    });
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null), now: () => fake!.now });
    fake.failEvery(0);
    const events: EngineEvent[] = [];
    app.bus.onAny((e) => events.push(e));
    await app.start();
    await until(() => events.some((e) => e.type === 'feed' && e.status === 'connected'));
    const candles = events.filter((e) => e.type === 'candle');
    expect(candles).toHaveLength(1);
    expect(events.filter((e) => e.type === 'fill').length).toBeLessThanOrEqual(1);
    expect(events.filter((e) => e.type === 'decision').length).toBeLessThanOrEqual(1);
    const status = events.find((e): e is Extract<EngineEvent, { type: 'feed' }> => e.type === 'feed' && e.status === 'connected')!;
    expect(status.detail).toMatch(/skipped 98 older closed candles/);
    // The strategy still has its history: the indicators are computed over the caught-up candles.
    const runner = [...app.kernel.instances.values()][0]!;
    expect(runner.cursor).toBeGreaterThanOrEqual(98);
  }, 30_000);

  it('an unknown exchange name is a config error naming exchange.name, not a feed retrying for ever', async () => {
    const config = parseConfig({ exchange: { name: 'no-such-exchange' }, paper: { feed: 'exchange' } });
    const err = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('exchange.name');
    expect((err as UserError).exitCode).toBe(2);
  }, 30_000);

  it('stop() returns within a second while a request hangs on an unresponsive exchange', async () => {
    hanging = createServer(() => {}); // accepts and never answers
    await new Promise<void>((r) => hanging!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    feed = new ExchangeFeed(
      { name: 'binance', options: { urls: { api: { public: `${url}/api/v3`, private: `${url}/api/v3` } }, options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false }, timeout: 30_000 } },
      { pollSeconds: 1 },
    );
    await feed.open();
    feed.watch(KEY);
    const sink = recordingSink();
    const running = feed.run(sink);
    await new Promise((r) => setTimeout(r, 300));
    const t = Date.now();
    feed.stop();
    await running;
    expect(Date.now() - t).toBeLessThan(1000);
    // history() during shutdown gives up at once too.
    expect((await feed.history(KEY, 10)).length).toBe(0);
  }, 30_000);
});
