// What the main thread and the pool's workers exchange: the run's setup, sent once with the candles in one
// SharedArrayBuffer (six Float64 columns, read in place by every worker), and per-trial tasks that carry only
// parameters, a span and a cost multiplier.
import type { CandleSeries, MarketKey } from '../core/candle.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { AccountSettings } from '../backtest/run.js';
import type { Params } from '../strategy/contract.js';
import type { ObjectiveName, Span } from './trial.js';

export interface SharedCandles {
  buffer: SharedArrayBuffer;
  length: number;
}

export interface WorkerSetup {
  strategy: string;
  /** Folder of the trader's own strategies (config strategiesDir), or null for built-ins only. */
  strategiesDir: string | null;
  key: MarketKey;
  candles: SharedCandles;
  account: AccountSettings;
  risk: RiskConfig;
  stakePct?: number;
  objective: ObjectiveName;
  minTrades: number;
}

export interface TrialTask {
  params: Params;
  span: Span;
  /** Fee and slippage multiplier; 1 for search trials. */
  costs?: number;
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Copies candles once into shared memory. */
export function candlesToShared(s: CandleSeries): SharedCandles {
  const n = s.length;
  const buffer = new SharedArrayBuffer(Math.max(1, n * COLUMNS.length * 8));
  COLUMNS.forEach((c, k) => new Float64Array(buffer, k * n * 8, n).set(s[c].subarray(0, n)));
  return { buffer, length: n };
}

/** Views over shared candles (no copy). */
export function candlesFromShared(sc: SharedCandles): CandleSeries {
  const n = sc.length;
  const col = (k: number): Float64Array => new Float64Array(sc.buffer, k * n * 8, n);
  return { length: n, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}
