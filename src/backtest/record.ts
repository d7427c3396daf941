// One backtest run, measured and stored: the path `tradetui backtest` and the TUI's `b` key share.
import type { Db } from '../adapters/store/sqlite/db.js';
import { timeframeMs } from '../core/time.js';
import { accountSettingsOf } from './runs.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { runBacktest, type BacktestResult, type BacktestSpec } from './run.js';
import { storeRun, type LookaheadSummary, type StoredRun } from './runs.js';

export interface RecordedRun {
  id: number;
  /** The run as `getRun(db, id)` reads it back (built from what was stored, not re-read). */
  run: StoredRun;
  result: BacktestResult;
  metrics: Metrics;
}

/** Runs `spec` and computes its metrics over the span (from tradeFrom): what a stored run and a trial share. */
export function measureBacktest(spec: BacktestSpec): { result: BacktestResult; metrics: Metrics } {
  const { candles: c, tradeFrom, key, account } = spec;
  const result = runBacktest(spec);
  const metrics = computeMetrics({
    trades: result.trades,
    equityTimes: result.equityTimes,
    equity: result.equity,
    initialBalance: account.balance,
    timeframe: key.timeframe,
    exposureCandles: result.exposureCandles,
    feesPaid: result.feesPaid,
    firstPrice: c.open[tradeFrom]!,
    lastPrice: c.close[c.length - 1]!,
  });
  return { result, metrics };
}

/** Runs `spec`, computes its metrics over the span (from tradeFrom), stores the run and returns it as stored. */
export function backtestAndStore(db: Db, spec: BacktestSpec, opts: { lookahead?: LookaheadSummary | null } = {}): RecordedRun {
  const { candles: c, tradeFrom, key, account } = spec;
  const { result, metrics } = measureBacktest(spec);
  const last = c.length - 1;
  const run = storeRun(db, {
    strategy: spec.strategy.name,
    exchange: key.exchange,
    symbol: key.symbol,
    timeframe: key.timeframe,
    from: c.time[tradeFrom]!,
    to: c.time[last]! + timeframeMs(key.timeframe),
    params: spec.params,
    settings: {
      ...accountSettingsOf(account, spec.stakePct, spec.risk),
      warmupCandles: tradeFrom,
    },
    result,
    metrics,
    lookahead: opts.lookahead ?? null,
  });
  return { id: run.id, run, result, metrics };
}
