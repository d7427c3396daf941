// What the live–paper parity meter adds to each live candle: the shadow (same strategies on the simulated
// broker) runs inside the live engine's step, so its time is added before the step's orders leave. Measured on
// the engine itself over real BTC/USDT 1h candles fed one at a time (as a live feed does), two instances on the
// market, with and without the meter (its records in an in-memory SQLite database).
import { performance } from 'node:perf_hooks';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { createSimulatedKernel, type AccountSettings } from '../src/backtest/run.js';
import { parseConfig } from '../src/config/load.js';
import { candleAt, seriesFromCandles, seriesPrefix, type CandleSeries, type MarketKey } from '../src/core/candle.js';
import { EventBus } from '../src/engine/bus.js';
import { ParityMeter } from '../src/live/parity.js';
import { builtinStrategies, getStrategy } from '../src/strategy/registry.js';
import { resolveParams } from '../src/strategy/params.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { shippedDataDir } from '../src/data/seed.js';

export interface ParityBench {
  candles: number;
  instances: string[];
  /** Per candle, ms: the engine alone, the engine with the meter. */
  alone: { p50: number; p95: number };
  withMeter: { p50: number; p95: number };
  decisions: number;
  paired: number;
}

const account: AccountSettings = { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false };
const key: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };

/** The first `n` candles of the shipped BTC/USDT 1h file (gzipped beside the package, from sources or dist/). */
function shippedCandles(n: number): CandleSeries {
  const text = gunzipSync(readFileSync(join(shippedDataDir(), 'binance_BTCUSDT_1h.csv.gz'))).toString('utf8');
  const rows = text.split('\n').slice(1, n + 1).filter(Boolean).map((l) => l.split(',').map(Number));
  return seriesFromCandles(rows.map(([time, open, high, low, close, volume]) => ({ time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! })));
}

function run(candles: number, warmup: number, meter: boolean): { ms: number[]; decisions: number; paired: number } {
  const series = shippedCandles(warmup + candles);
  const risk = parseConfig({}).risk;
  const strategies = builtinStrategies();
  const bus = new EventBus();
  // The live app's store listens to every event: the engine builds them all in both runs.
  bus.onAny(() => undefined);
  const live = createSimulatedKernel({ account, risk, bus, now: () => 0 });
  for (const name of ['ma-cross', 'rsi-macd']) {
    const strategy = getStrategy(name, strategies);
    const r = live.addInstance({ id: `${name}@binance:BTC/USDT:1h`, strategy, params: resolveParams(strategy, {}), key, running: true });
    // Warm-up history copied, as a live feed's history() gives it.
    const history = seriesPrefix(series, warmup);
    r.preload({ ...history, time: history.time.slice(), open: history.open.slice(), high: history.high.slice(), low: history.low.slice(), close: history.close.slice(), volume: history.volume.slice() });
    r.skipTo(Infinity);
  }
  const db = meter ? openDb(':memory:') : null;
  const m = db ? new ParityMeter({ db, live, liveBus: bus, account, risk, now: () => 0 }) : null;
  const ms: number[] = [];
  for (let i = warmup; i < series.length; i++) {
    const c = candleAt(series, i);
    const t0 = performance.now();
    if (db) db.transaction(() => live.onCandle(key, c))();
    else live.onCandle(key, c);
    ms.push(performance.now() - t0);
  }
  const paired = m ? m.status().summary.paired : 0;
  m?.close();
  db?.close();
  return { ms, decisions: live.decisions, paired };
}

export function benchParity(candles = 2_000, warmup = 300): ParityBench {
  const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  // Alternated twice, the faster of the two per candle, so machine load hits both alike.
  const alone = run(candles, warmup, false);
  const withMeter = run(candles, warmup, true);
  const alone2 = run(candles, warmup, false);
  const withMeter2 = run(candles, warmup, true);
  const a = alone.ms.map((x, i) => Math.min(x, alone2.ms[i]!));
  const w = withMeter.ms.map((x, i) => Math.min(x, withMeter2.ms[i]!));
  return {
    candles,
    instances: ['ma-cross', 'rsi-macd'],
    alone: { p50: q(a, 0.5), p95: q(a, 0.95) },
    withMeter: { p50: q(w, 0.5), p95: q(w, 0.95) },
    decisions: withMeter.decisions,
    paired: withMeter.paired,
  };
}
