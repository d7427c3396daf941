// What the ML built-ins (strategies/ml-*.ts) share: the model's warm-up read from meta.json without loading
// TensorFlow.js, and prepare(), which loads the model (TensorFlow.js is imported only here, lazily) and
// returns the strategy bound to it, with compute() and an incremental update() over the model's predictions.
import { UserError } from '../core/errors.js';
import type { ModelSummary } from '../core/events.js';
import type { Decision, PositionSide } from '../core/trading.js';
import type { ParamSpec, Params, PrepareEnv, Strategy, StrategyInput } from '../strategy/contract.js';
import { explains } from '../strategy/format.js';
import { featureWarmup } from './features.js';
import { modelsDataDir } from './model-ids.js';
import { listModels, registryDirs } from './registry.js';

/** Candles before the model's first prediction, from its meta.json; `fallback` when it is not found yet. */
export function modelWarmup(id: string, fallback = 200): number {
  try {
    const e = listModels(registryDirs(modelsDataDir())).find((m) => m.id === id);
    return e ? featureWarmup(e.meta.featureSpec.features) + e.meta.featureSpec.lookback : fallback;
  } catch {
    return fallback;
  }
}

/** The series an unprepared ML strategy cannot compute. */
export function unprepared(name: string): never {
  throw new UserError(`${name} needs its model loaded first (prepareStrategy); this caller skipped the preparation step`, name);
}

/**
 * Loads `params.model` and returns `base` bound to it. `task` is what the strategy needs from the model:
 * a classifier's probabilities or a forecaster's return.
 */
export async function prepareWithModel<P extends Params & { model: string }>(base: Strategy<P>, params: P, env: PrepareEnv, task: 'classify' | 'forecast' | 'ensemble'): Promise<Strategy<P>> {
  const { loadPredictor } = await import('./predictor.js');
  const predictor = await loadPredictor(params.model, env, env.timeframe);
  const m = predictor.meta;
  const fits = task === 'ensemble' ? m.kind === 'ensemble' : m.task === task;
  if (!fits) {
    predictor.dispose();
    const what = m.kind === 'ensemble' ? 'an ensemble' : m.task === 'classify' ? 'a classifier' : 'a forecaster';
    const needs = { classify: 'a classifier (mlp, lstm, gru, cnn-lstm, gbt)', forecast: 'a forecaster (lstm-forecast, gru-forecast, transformer)', ensemble: 'an ensemble (ml train --model ensemble --members …)' }[task];
    throw new UserError(`model ${params.model} is ${what}; ${base.name} needs ${needs}`, '--param model');
  }
  const v = m.validation;
  const model: ModelSummary = {
    id: m.id,
    kind: m.kind,
    train: { from: m.train.from, to: m.train.to },
    valid: { from: m.valid.from, to: m.valid.to },
    figures: [{ name: 'model', metrics: { ...v.model } }, ...Object.entries(v.baselines).map(([name, x]) => ({ name, metrics: { ...x } }))],
    series: [...predictor.seriesNames],
    horizon: m.label.horizon,
  };
  return {
    ...base,
    model,
    warmup: () => predictor.warmup,
    compute: (candles) => predictor.compute(candles),
    update: (candles, _p, _ta, previous, previousLength) => predictor.extend(candles, previous, previousLength),
    prepare: undefined,
  };
}

/**
 * A warning when a backtest over [from, to] overlaps the training span of the model in `params.model`
 * (its figures are then in-sample), or null.
 */
export function inSampleWarning(params: Params, from: number, to: number): string | null {
  const id = params.model;
  if (typeof id !== 'string') return null;
  try {
    const e = listModels(registryDirs(modelsDataDir())).find((m) => m.id === id);
    if (!e) return null;
    const trainFrom = Date.parse(e.meta.train.from);
    // Validation candles chose the epoch (early stopping): they are not out of sample either.
    const seenTo = Date.parse(e.meta.valid.to);
    if (to < trainFrom || from > seenTo) return null;
    return `IN-SAMPLE: these candles overlap the span model ${id} was trained and validated on (${e.meta.train.from} → ${e.meta.valid.to}); its results overstate the strategy`;
  } catch {
    return null;
  }
}

/** Parameters of a probability-threshold strategy (ml-classifier, ml-ensemble); `whose` names the probabilities. */
export type ProbabilityParams = { model: string; enter: number; exit: number; short: boolean };

export function probabilityThresholdParams(whose: string): ParamSpec[] {
  return [
    { name: 'enter', type: 'float', default: 0.45, min: 0.34, max: 0.99, step: 0.01, description: `${whose}probability of "up" needed to enter long` },
    { name: 'exit', type: 'float', default: 0.45, min: 0.34, max: 0.99, step: 0.01, description: `${whose}probability of "down" that closes a long` },
    { name: 'short', type: 'bool', default: false, description: 'enter short when P(down) clears the entry threshold' },
  ];
}

const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;

/**
 * Flat: long when P(up) >= enter and P(up) > P(down) (short the other way, with `short`). Long: out when
 * P(down) >= exit; short: out when P(up) >= exit. No decision while the model has no prediction.
 */
export function probabilityDecide(i: number, input: StrategyInput<ProbabilityParams>, position: PositionSide | null): Decision | null {
  const { ind, params } = input;
  const up = ind.pUp![i]!;
  const down = ind.pDown![i]!;
  if (Number.isNaN(up) || Number.isNaN(down)) return null;
  // The text is made only for a decision, not on every candle.
  const action =
    position === 'long' ? (down >= params.exit ? 'exit' : null)
    : position === 'short' ? (up >= params.exit ? 'exit' : null)
    : up >= params.enter && up > down ? 'enter-long'
    : params.short && down >= params.enter && down > up ? 'enter-short'
    : null;
  if (action === null) return null;
  return { action, reason: explains(input) ? `${params.model}: P(up) ${pct(up)}, P(down) ${pct(down)}` : '' };
}
