// The column files beside the SQLite candle cache: large reads come from them, and only while SQLite's candles
// are the ones they were written from (any insert, update or delete of a market's chunks makes them stale).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptySeries, type CandleSeries, type MarketKey } from '../../../src/core/candle.js';
import { parseDate } from '../../../src/core/time.js';
import { openDb, type Db } from '../../../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { MIN_COLUMN_CANDLES } from '../../../src/adapters/store/sqlite/candle-columns.js';
import { MIGRATIONS } from '../../../src/adapters/store/sqlite/migrations.js';

const KEY: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const T0 = parseDate('2024-01-01T00:00:00Z');
const MIN = 60_000;
const N = MIN_COLUMN_CANDLES + 10_000;

/** `n` 1m candles from `start` with distinct values that are not round numbers; every 1000th minute missing. */
function candles(start: number, n: number): CandleSeries {
  const s = emptySeries(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 999) continue;
    const base = 100 + Math.sin(i / 50) * 10 + i / 3;
    s.time[k] = start + i * MIN;
    s.open[k] = base;
    s.high[k] = base + 1.1;
    s.low[k] = base - 0.7;
    s.close[k] = base + 0.3;
    s.volume[k] = 1 + (i % 17) / 7;
    k++;
  }
  s.length = k;
  return s;
}

/** The series' candles as text, one line each: a quick exact comparison (String(x) round-trips every double). */
function rows(s: CandleSeries): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(`${s.time[i]} ${s.open[i]} ${s.high[i]} ${s.low[i]} ${s.close[i]} ${s.volume[i]}`);
  return out.join('\n');
}

/** What the chunk rows alone answer (a store on a copy of the rows without column files). */
function fromChunks(db: Db, from?: number, to?: number): string {
  const mem = openDb(':memory:');
  const copy = new SqliteCandleStore(mem);
  for (const k of new SqliteCandleStore(db).markets()) copy.write(k, sqliteOnly(db, k));
  const r = rows(copy.read(KEY, from, to));
  mem.close();
  return r;
}

function sqliteOnly(db: Db, key: MarketKey): CandleSeries {
  // An in-memory store never has column files: read each chunk blob back into a series.
  const blobs = db.prepare('SELECT data, count FROM candle_chunks WHERE exchange = ? AND symbol = ? AND timeframe = ? ORDER BY chunk_start').raw().all(key.exchange, key.symbol, key.timeframe) as [Buffer, number][];
  const total = blobs.reduce((a, b) => a + b[1], 0);
  const s = emptySeries(total);
  let n = 0;
  for (const [data, count] of blobs) {
    for (let i = 0; i < count; i++, n++) {
      s.time[n] = data.readDoubleLE(i * 48);
      s.open[n] = data.readDoubleLE(i * 48 + 8);
      s.high[n] = data.readDoubleLE(i * 48 + 16);
      s.low[n] = data.readDoubleLE(i * 48 + 24);
      s.close[n] = data.readDoubleLE(i * 48 + 32);
      s.volume[n] = data.readDoubleLE(i * 48 + 40);
    }
  }
  s.length = n;
  return s;
}

let dir: string;
let db: Db;
let store: SqliteCandleStore;
const columnFiles = (): string[] => {
  try {
    return readdirSync(join(dir, 'candle-columns'));
  } catch {
    return [];
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tradetui-columns-'));
  db = openDb(join(dir, 'tradetui.db'));
  store = new SqliteCandleStore(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('candle column files', () => {
  it('a large read of a large market writes its file; later reads come from it with exactly the chunk rows’ candles', () => {
    store.write(KEY, candles(T0, N));
    const first = store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite+columns-written');
    expect(columnFiles()).toHaveLength(1);
    expect(rows(first)).toEqual(fromChunks(db));
    const windows: Array<[number | undefined, number | undefined]> = [
      [undefined, undefined],
      [T0 + 123 * MIN + 17, T0 + 40_000 * MIN],
      [T0 + 999 * MIN, T0 + 1999 * MIN], // both bounds on missing minutes
      [T0 - 10 * MIN, T0 + 5 * MIN],
      [T0 + (N - 3) * MIN, T0 + (N + 50) * MIN],
      [T0 + (N + 10) * MIN, T0 + (N + 20) * MIN], // after the last candle: empty
      [T0 + 50 * MIN, T0 + 50 * MIN], // one candle
    ];
    for (const [from, to] of windows) {
      const got = store.read(KEY, from, to);
      expect(store.lastReadSource).toBe('columns');
      expect(rows(got)).toEqual(fromChunks(db, from, to));
    }
    // A new store (another process) finds the same file.
    const again = new SqliteCandleStore(db);
    expect(rows(again.read(KEY, T0, T0 + 100 * MIN))).toEqual(fromChunks(db, T0, T0 + 100 * MIN));
    expect(again.lastReadSource).toBe('columns');
  });

  it('new candles make the file stale: the next read returns them and rewrites the file', () => {
    store.write(KEY, candles(T0, N));
    store.read(KEY);
    const more = candles(T0 + N * MIN, 10);
    store.write(KEY, more);
    const got = store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite+columns-written');
    expect(got.length).toBe(candles(T0, N).length + 10);
    expect(got.time[got.length - 1]).toBe(more.time[9]);
    expect(rows(got)).toEqual(fromChunks(db));
    store.read(KEY);
    expect(store.lastReadSource).toBe('columns');
  });

  it('a change made by plain SQL (any writer) makes the file stale too: deleted chunks are not read from it', () => {
    store.write(KEY, candles(T0, N));
    store.read(KEY);
    const before = store.read(KEY).length;
    db.prepare('DELETE FROM candle_chunks WHERE chunk_start = (SELECT MAX(chunk_start) FROM candle_chunks)').run();
    const got = store.read(KEY);
    expect(store.lastReadSource).not.toBe('columns');
    expect(got.length).toBeLessThan(before);
    expect(rows(got)).toEqual(fromChunks(db));
    db.prepare('UPDATE candle_chunks SET gaps = NULL').run();
    store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite+columns-written');
  });

  it('a damaged, cut or foreign file is not read: SQLite answers', () => {
    store.write(KEY, candles(T0, N));
    store.read(KEY);
    const file = join(dir, 'candle-columns', columnFiles()[0]!);
    const good = readFileSync(file);
    truncateSync(file, good.length - 8);
    expect(rows(store.read(KEY, T0, T0 + 10 * MIN))).toEqual(fromChunks(db, T0, T0 + 10 * MIN));
    expect(store.lastReadSource).toBe('sqlite');
    // Right size, another version in the header.
    const foreign = Buffer.from(good);
    foreign.write('0123456789abcdef', 8, 'latin1');
    writeFileSync(file, foreign);
    expect(rows(store.read(KEY, T0, T0 + 10 * MIN))).toEqual(fromChunks(db, T0, T0 + 10 * MIN));
    expect(store.lastReadSource).toBe('sqlite');
    writeFileSync(file, 'not a column file');
    store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite+columns-written');
    expect(readFileSync(file).equals(good)).toBe(true);
  });

  it('a file that cannot be written is no error: the read answers from SQLite', () => {
    writeFileSync(join(dir, 'candle-columns'), 'a file where the folder would be');
    store.write(KEY, candles(T0, N));
    expect(rows(store.read(KEY))).toEqual(fromChunks(db));
    expect(store.read(KEY, T0, T0 + 10 * MIN).length).toBe(11);
    expect(store.lastReadSource).not.toBe('columns');
  });

  it('small markets, small reads and in-memory databases write no file', () => {
    store.write(KEY, candles(T0, MIN_COLUMN_CANDLES - 100));
    store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite');
    const big = { ...KEY, symbol: 'ETH/USDT' };
    store.write(big, candles(T0, N));
    store.read(big, T0, T0 + 1000 * MIN);
    expect(store.lastReadSource).toBe('sqlite');
    expect(columnFiles()).toEqual([]);
    const mem = new SqliteCandleStore(openDb(':memory:'));
    mem.write(KEY, candles(T0, N));
    mem.read(KEY);
    expect(mem.lastReadSource).toBe('sqlite');
  });

  it('markets cached before the versions existed get one when the database is upgraded', () => {
    db.close();
    rmSync(join(dir, 'tradetui.db'));
    const old = openDb(join(dir, 'tradetui.db'), MIGRATIONS.filter((m) => m.version !== 76));
    new SqliteCandleStore(old).write(KEY, candles(T0, N));
    old.close();
    db = openDb(join(dir, 'tradetui.db'));
    store = new SqliteCandleStore(db);
    expect(db.prepare('SELECT COUNT(*) FROM candle_versions').pluck().get()).toBe(1);
    store.read(KEY);
    expect(store.lastReadSource).toBe('sqlite+columns-written');
    store.read(KEY);
    expect(store.lastReadSource).toBe('columns');
  });
});
