// One optimisation trial: the same backtest `tradetui backtest` runs (measureBacktest: runBacktest + computeMetrics over the
// same candle window), scored by the objective, with its daily return series for the overfitting statistics.
// Runs inside a pool worker over candles shared with every worker; pure apart from the indicator cache.
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { seriesSlice } from '../core/candle.js';
import { DAY_MS } from '../core/time.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { Metrics } from '../backtest/metrics.js';
import { scaledCosts, type AccountSettings, type CurveMemory } from '../backtest/run.js';
import { measureBacktest } from '../backtest/record.js';
import type { Params, Strategy } from '../strategy/contract.js';
import type { Indicators } from '../strategy/indicators.js';

export type ObjectiveName = 'sharpe' | 'sortino' | 'calmar' | 'profit' | 'profit-drawdown' | 'expectancy';
export const OBJECTIVES: readonly ObjectiveName[] = ['sharpe', 'sortino', 'calmar', 'profit', 'profit-drawdown', 'expectancy'];

/** The metrics a trial keeps (the full report is one `tradetui backtest` away). */
export interface TrialMetrics {
  totalReturnPct: number;
  cagrPct: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownPct: number;
  trades: number;
  winRatePct: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  exposurePct: number;
  feesPaid: number;
  finalEquity: number;
}

export interface TrialOutcome {
  metrics: TrialMetrics;
  /** Objective value; -Infinity when the trial has fewer than --min-trades trades or no value. */
  score: number;
  /** Simple return of each UTC day of the span (equity at the day's last close over the previous day's). */
  daily: Float64Array;
}

/** What every trial of a run shares; sent to each worker once. */
export interface TrialSetup {
  strategy: Strategy;
  key: MarketKey;
  /** All candles: warm-up for the largest warm-up in the space, then the span. */
  candles: CandleSeries;
  account: AccountSettings;
  risk: RiskConfig;
  stakePct?: number;
  objective: ObjectiveName;
  minTrades: number;
}

/** A span of candle indexes [from, to) inside TrialSetup.candles; walk-forward windows are spans too. */
export interface Span {
  from: number;
  to: number;
}

/** Objective of a trial, higher is better; -Infinity when undefined (no trades, flat equity). */
export function objectiveScore(objective: ObjectiveName, m: TrialMetrics, minTrades: number): number {
  if (m.trades < minTrades) return -Infinity;
  let v: number | null;
  switch (objective) {
    case 'sharpe':
      v = m.sharpe;
      break;
    case 'sortino':
      v = m.sortino;
      break;
    case 'calmar':
      v = m.calmar;
      break;
    case 'profit':
      v = m.totalReturnPct;
      break;
    case 'profit-drawdown':
      // Return minus the deepest fall, both in percent: 40% made through a 30% drawdown scores 10.
      v = m.totalReturnPct - m.maxDrawdownPct;
      break;
    case 'expectancy':
      v = m.expectancy;
      break;
  }
  return v === null || !Number.isFinite(v) ? -Infinity : v;
}

export function trialMetrics(m: Metrics): TrialMetrics {
  return {
    totalReturnPct: m.totalReturnPct,
    cagrPct: m.cagrPct,
    sharpe: m.sharpe,
    sortino: m.sortino,
    calmar: m.calmar,
    maxDrawdownPct: m.maxDrawdownPct,
    trades: m.trades,
    winRatePct: m.winRatePct,
    profitFactor: m.profitFactor,
    expectancy: m.expectancy,
    exposurePct: m.exposurePct,
    feesPaid: m.feesPaid,
    finalEquity: m.finalEquity,
  };
}

/**
 * The candle window `tradetui backtest --from <span start>` gives the strategy: `warmup(params)` candles
 * before the span (fewer if the data starts later), then the span.
 */
export function trialWindow(setup: TrialSetup, params: Params, span: Span): { begin: number; tradeFrom: number } {
  const warmup = Math.max(0, Math.ceil(setup.strategy.warmup(params)));
  const begin = Math.max(0, span.from - warmup);
  return { begin, tradeFrom: span.from - begin };
}

/** Runs one trial. `costs` multiplies every trading cost (2 for the doubled-costs re-run). */
export function runTrial(
  setup: TrialSetup,
  params: Params,
  span: Span,
  opts: { ta?: Indicators; costs?: number; onWindow?: (window: CandleSeries, begin: number) => void; curves?: CurveMemory } = {},
): TrialOutcome & { equityTimes: Float64Array; equity: Float64Array } {
  const { begin, tradeFrom } = trialWindow(setup, params, span);
  const candles = seriesSlice(setup.candles, begin, span.to);
  opts.onWindow?.(candles, begin);
  const account = scaledCosts(setup.account, opts.costs ?? 1);
  const { result, metrics: m } = measureBacktest({ strategy: setup.strategy, params, key: setup.key, candles, tradeFrom, account, stakePct: setup.stakePct, risk: setup.risk, ta: opts.ta, curves: opts.curves });
  const metrics = trialMetrics(m);
  return {
    metrics,
    score: objectiveScore(setup.objective, metrics, setup.minTrades),
    daily: dailyReturns(result.equityTimes, result.equity, account.balance),
    equityTimes: result.equityTimes,
    equity: result.equity,
  };
}

/** Days of a span: how many distinct UTC days its candles open on (the length of every daily series). */
export function dailyReturns(times: Float64Array, equity: Float64Array, initial: number): Float64Array {
  const out: number[] = [];
  let prevClose = initial;
  for (let i = 0; i < times.length; i++) {
    const day = Math.floor(times[i]! / DAY_MS);
    const lastOfDay = i === times.length - 1 || Math.floor(times[i + 1]! / DAY_MS) !== day;
    if (lastOfDay) {
      const e = equity[i]!;
      // A wiped-out account stays at -100% then 0: no division by zero.
      out.push(prevClose > 0 ? e / prevClose - 1 : 0);
      prevClose = e;
    }
  }
  return Float64Array.from(out);
}
