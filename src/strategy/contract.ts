// The public strategy contract: what a trader writes in one file under strategies/ (or their own folder).
//
// A strategy computes its indicator series once over the candles it is given (compute), then decides on
// each closed candle i (decide). compute() must be causal: the value at i may depend only on candles 0..i.
// decide(i) may read series and candles at indexes <= i only. `tradetui backtest --lookahead-check`
// proves both by re-running on cut data.
import type { CandleSeries } from '../core/candle.js';
import type { ModelSummary } from '../core/events.js';
import type { Timeframe } from '../core/time.js';
import type { Decision, PositionSide } from '../core/trading.js';
import type { Indicators } from './indicators.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export type ParamSpec =
  | { name: string; type: 'int' | 'float'; default: number; min: number; max: number; step?: number; description: string }
  | { name: string; type: 'enum'; default: string; values: readonly string[]; description: string }
  | { name: string; type: 'bool'; default: boolean; description: string };

/** Risk hints a strategy may carry; the risk layer reads them and still clips everything. */
export interface StrategyRiskHints {
  /** Multiplies the default position size (e.g. 2 for an aggressive strategy). */
  sizeMultiplier?: number;
  /** Default stop-loss as a fraction of entry (0.02 = 2%). */
  stopLossPct?: number;
  takeProfitPct?: number;
  trailingPct?: number;
}

export interface StrategyInput<P extends Params = Params> {
  candles: CandleSeries;
  /** The series compute() returned, aligned with candles (NaN during warm-up). */
  ind: Record<string, Float64Array>;
  params: P;
  /**
   * False when nothing will read the reason of this decision (a backtest no one listens to): the strategy may
   * return an empty reason instead of building one: reason: explains(input) ? `…` : '' (src/strategy/format.js).
   * True or absent otherwise: paper and live trading always explain.
   */
  explain?: boolean;
}

/** A (publication time, value) series imported with `tradetui data import-series`, ascending by time. */
export interface ExternalSeriesData {
  name: string;
  /** When each value became known (UTC ms). */
  availableFrom: Float64Array;
  value: Float64Array;
}

/** What prepare() may use: where models live and the imported external series. */
export interface PrepareEnv {
  /** The data directory (the trader's own models are in its models/). */
  dataDir: string;
  /** An imported external series by name, or null when none was imported. */
  externalSeries(name: string): ExternalSeriesData | null;
  /** Timeframe of the market the instance runs on. */
  timeframe: Timeframe;
  /** Where prepare() reports what it did (e.g. "no external series: price features only"). */
  note?(message: string): void;
}

export interface Strategy<P extends Params = Params> {
  name: string;
  description: string;
  /** Timeframe it was designed for; users may run it on another. */
  timeframe: Timeframe;
  params: readonly ParamSpec[];
  /** Candles needed before the first decision can be made. */
  warmup(params: P): number;
  /** Indicator series over all given candles, each a Float64Array of candles.length. Must be causal. */
  compute(candles: CandleSeries, params: P, ta: Indicators): Record<string, Float64Array>;
  /** Decision at closed candle i, given the instance's open position (or null when flat). */
  decide(i: number, input: StrategyInput<P>, position: PositionSide | null): Decision | null;
  /**
   * Cross-parameter constraints the per-parameter ranges cannot express (e.g. fast < slow). Returns a message
   * naming what is wrong, or null when the parameters are fine. Called by resolveParams after range checks.
   */
  validate?(params: P): string | null;
  /** Names of computed series drawn over price on the chart. */
  overlays?: readonly string[];
  risk?: StrategyRiskHints;
  /**
   * Optional asynchronous preparation before the first compute (e.g. loading a model). Returns the strategy
   * that runs for this instance (the same object, or one bound to what was loaded). Called once per instance
   * by backtest, paper and live alike (prepareStrategy).
   */
  prepare?(params: P, env: PrepareEnv): Promise<Strategy<P>>;
  /**
   * Optional incremental compute for paper/live: the series over `candles` given `previous`, the series
   * computed over its first `previousLength` candles. Must return exactly what compute() returns on the same
   * candles; it exists so a costly series (a model's predictions) is extended, not recomputed, on each candle.
   */
  update?(candles: CandleSeries, params: P, ta: Indicators, previous: Record<string, Float64Array>, previousLength: number): Record<string, Float64Array>;
  /** ML strategies, once prepared: the model they trade on (shown by the TUI and Telegram). */
  model?: ModelSummary;
}

export function defineStrategy<P extends Params>(s: Strategy<P>): Strategy<P> {
  return s;
}

/** The strategy to run for one instance: prepared when it has a prepare step, else itself. */
export async function prepareStrategy<P extends Params>(s: Strategy<P>, params: P, env: PrepareEnv): Promise<Strategy<P>> {
  return s.prepare ? s.prepare(params, env) : s;
}
