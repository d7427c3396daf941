// Benchmark inputs and figures for the candle data layer: a year of 1m candles (real BTC/USDT minutes,
// extended by a seeded random walk), CSV import throughput, and the cache load of that year from SQLite.
// Called by bench/run.ts; compare ratios measured in one run, not absolute times (noisy machines).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { emptySeries, type CandleSeries, type MarketKey } from '../src/core/candle.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { importCsv } from '../src/data/import.js';
import { shippedDataDir } from '../src/data/seed.js';
import { mulberry32 } from '../src/core/random.js';

export const YEAR_1M = 525_600;
const MINUTE = 60_000;
const REAL_1M_FILE = 'binance_BTCUSDT_1m_2025-06.csv.gz';

export interface Throughput {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}


/**
 * Exactly 525,600 consecutive 1m candles: the shipped real BTC/USDT June 2025 minutes (no gaps), then a
 * seeded random walk from their last close with BTC-like 1m volatility. Valid OHLCV throughout.
 */
export function yearOf1m(seed = 42): CandleSeries {
  const s = emptySeries(YEAR_1M);
  const text = gunzipSync(readFileSync(join(shippedDataDir(), REAL_1M_FILE))).toString('utf8');
  const lines = text.split('\n');
  let n = 0;
  // The shipped file is validated when it is seeded; a plain split is enough for a benchmark input.
  for (let i = 1; i < lines.length && n < YEAR_1M; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const f = line.split(',');
    const t = Number(f[0]);
    if (n > 0 && t !== s.time[n - 1]! + MINUTE) throw new Error(`${REAL_1M_FILE}:${i + 1}: not the next minute`);
    s.time[n] = t;
    s.open[n] = Number(f[1]);
    s.high[n] = Number(f[2]);
    s.low[n] = Number(f[3]);
    s.close[n] = Number(f[4]);
    s.volume[n] = Number(f[5]);
    n++;
  }
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let close = s.close[n - 1]!;
  for (; n < YEAR_1M; n++) {
    const open = close;
    close = open * Math.exp(0.0008 * normal());
    s.time[n] = s.time[n - 1]! + MINUTE;
    s.open[n] = open;
    s.close[n] = close;
    s.high[n] = Math.max(open, close) * (1 + 0.0003 * Math.abs(normal()));
    s.low[n] = Math.min(open, close) * (1 - 0.0003 * Math.abs(normal()));
    s.volume[n] = 5 * Math.exp(0.8 * normal());
  }
  s.length = n;
  return s;
}

function withTempDb<T>(fn: (store: SqliteCandleStore) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-'));
  const db = openDb(join(dir, 'bench.db'));
  try {
    return fn(new SqliteCandleStore(db));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CSV import into a fresh SQLite cache (parse + validate + one transaction); default: shipped BTC/USDT 1h. */
export async function benchImport(file = join(shippedDataDir(), 'binance_BTCUSDT_1h.csv.gz')): Promise<Throughput> {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-'));
  const db = openDb(join(dir, 'bench.db'));
  try {
    const store = new SqliteCandleStore(db);
    const t0 = performance.now();
    const r = await importCsv(store, file, { exchange: 'bench', symbol: 'BTC/USDT', timeframe: '1h' });
    const seconds = (performance.now() - t0) / 1000;
    return { rows: r.rows, seconds, rowsPerSecond: r.rows / seconds };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** store.read of 525,600 1m candles from a SQLite file cache: the best of `repeats` reads. */
export function benchCacheLoad(repeats = 5): Throughput & { writeSeconds: number; firstReadSeconds: number } {
  const year = yearOf1m();
  const key: MarketKey = { exchange: 'bench', symbol: 'BTC/USDT', timeframe: '1m' };
  return withTempDb((store) => {
    const w0 = performance.now();
    store.write(key, year);
    const writeSeconds = (performance.now() - w0) / 1000;
    let best = Infinity;
    let first = NaN;
    let rows = 0;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      rows = store.read(key).length;
      const s = (performance.now() - t0) / 1000;
      if (i === 0) first = s;
      best = Math.min(best, s);
    }
    if (rows !== YEAR_1M) throw new Error(`cache load returned ${rows} candles, expected ${YEAR_1M}`);
    return { rows, seconds: best, rowsPerSecond: rows / best, writeSeconds, firstReadSeconds: first };
  });
}
