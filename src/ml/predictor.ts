// A loaded model as a series over candles: the ML strategies' compute() and update(). Features are
// recomputed over every candle (microseconds per candle, and exactly what the backtest computed), but the
// model only predicts windows it has not predicted yet, so paper and live infer on the newest window only.
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { timeframeMs, type Timeframe } from '../core/time.js';
import type { ExternalSeriesData, PrepareEnv } from '../strategy/contract.js';
import { scaledMatrix, usableRows } from './dataset.js';
import { computeFeatures, featureSpecMismatch, featureWarmup, isExternalFeature, type ExternalSeries } from './features.js';
import { fileHandler } from './io.js';
import { registerCustomLayers } from './attention.js';
import { findModel, registryDirs, type ModelEntry, type ModelMeta } from './registry.js';
import { MODEL_KINDS } from './models.js';
import { predictRows } from './train.js';
import { useBackend, type BackendNeed, type Tf } from './tf.js';
import type * as tfTypes from '@tensorflow/tfjs';

/** Names of the series a predictor writes: class probabilities or the forecast log return. */
export const CLASSIFIER_SERIES = ['pDown', 'pFlat', 'pUp'] as const;
export const FORECAST_SERIES = ['forecast'] as const;

/** What a loaded model predicts from: a network or a tree model, over rows of one scaled feature matrix. */
export interface RowModel {
  predict(matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number): Float32Array;
  dispose(): void;
}

/** Class probabilities (3 per row) or forecasts (1 per row) for chosen rows of a candle series. */
export interface Scorer {
  readonly meta: ModelMeta;
  /** Candles needed before the first prediction. */
  readonly warmup: number;
  /** Predicts the rows (ascending) that pass `want` and have a full window; returns them with the outputs. */
  score(candles: CandleSeries, want: (i: number) => boolean): { rows: number[]; out: Float32Array };
  dispose(): void;
}

/** One model (network or trees): features recomputed over the candles, predictions for the wanted rows only. */
export class ModelScorer implements Scorer {
  constructor(
    readonly meta: ModelMeta,
    private readonly model: RowModel,
    private readonly external: Map<string, ExternalSeries>,
    private readonly timeframe: Timeframe,
  ) {}

  get warmup(): number {
    return featureWarmup(this.meta.featureSpec.features) + this.meta.featureSpec.lookback;
  }

  score(candles: CandleSeries, want: (i: number) => boolean): { rows: number[]; out: Float32Array } {
    const n = candles.length;
    const spec = this.meta.featureSpec;
    const features = computeFeatures(candles, spec.features, { timeframeMs: timeframeMs(this.timeframe), external: this.external });
    const rows = usableRows(features, null, spec.lookback, n).filter(want);
    if (rows.length === 0) return { rows, out: new Float32Array(0) };
    const matrix = scaledMatrix(features, this.meta.scaler, n);
    return { rows, out: this.model.predict(matrix, features.length, rows, spec.lookback) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A loaded model as series over candles: the ML strategies' compute() and update(). */
export class Predictor {
  readonly seriesNames: readonly string[];

  constructor(private readonly scorer: Scorer) {
    this.seriesNames = scorer.meta.task === 'classify' ? CLASSIFIER_SERIES : FORECAST_SERIES;
  }

  get meta(): ModelMeta {
    return this.scorer.meta;
  }

  /** Candles needed before the first prediction. */
  get warmup(): number {
    return this.scorer.warmup;
  }

  /** Series over all candles (NaN before the first full window). */
  compute(candles: CandleSeries): Record<string, Float64Array> {
    return this.extend(candles, null, 0);
  }

  /** Series over all candles, reusing `previous` for the first `previousLength`. */
  extend(candles: CandleSeries, previous: Record<string, Float64Array> | null, previousLength: number): Record<string, Float64Array> {
    const n = candles.length;
    const out: Record<string, Float64Array> = {};
    for (const name of this.seriesNames) {
      const a = new Float64Array(n).fill(NaN);
      if (previous?.[name]) a.set(previous[name]!.subarray(0, Math.min(previousLength, n)));
      out[name] = a;
    }
    const from = previous ? previousLength : 0;
    const { rows, out: y } = this.scorer.score(candles, (i) => i >= from);
    if (this.meta.task === 'classify') {
      rows.forEach((i, k) => {
        out.pDown![i] = y[k * 3]!;
        out.pFlat![i] = y[k * 3 + 1]!;
        out.pUp![i] = y[k * 3 + 2]!;
      });
    } else {
      rows.forEach((i, k) => (out.forecast![i] = y[k]! * this.meta.targetScale));
    }
    return out;
  }

  dispose(): void {
    this.scorer.dispose();
  }
}

/** External series a model needs, from the env; a missing one is an error naming the import command. */
export function externalFor(meta: ModelMeta, env: Pick<PrepareEnv, 'externalSeries'>): Map<string, ExternalSeries> {
  const out = new Map<string, ExternalSeries>();
  for (const f of meta.featureSpec.features.filter(isExternalFeature)) {
    const name = f.slice(4);
    const s: ExternalSeriesData | null = env.externalSeries(name);
    if (!s) throw new UserError(`model ${meta.id} uses the external series "${name}", which is not imported: run "tradetui data import-series FILE --name ${name}"`, 'model');
    out.set(name, s);
  }
  return out;
}

/** Loads a model folder; refuses when its feature spec differs from what this code computes. */
export async function loadLayersModel(entry: ModelEntry): Promise<{ tf: Tf; model: tfTypes.LayersModel; backend: string }> {
  const problem = featureSpecMismatch(entry.meta.featureSpec);
  if (problem) throw new UserError(`model ${entry.id} cannot be used: ${problem}`, entry.dir);
  if (!(entry.meta.kind in MODEL_KINDS)) throw new UserError(`model ${entry.id} is of unknown kind "${entry.meta.kind}"`, entry.dir);
  const { tf, backend } = await useBackend(MODEL_KINDS[entry.meta.kind].need as BackendNeed);
  registerCustomLayers(tf);
  const model = await tf.loadLayersModel(fileHandler(entry.dir));
  const input = model.inputs[0]!.shape;
  const spec = entry.meta.featureSpec;
  if (input[1] !== spec.lookback || input[2] !== spec.features.length) {
    throw new UserError(`model ${entry.id}: its network takes windows ${input[1]}×${input[2]} but meta.json says ${spec.lookback}×${spec.features.length}`, entry.dir);
  }
  return { tf, model, backend };
}

/** A network or tree model from its folder, as a RowModel. */
export async function loadRowModel(entry: ModelEntry): Promise<RowModel> {
  const problem = featureSpecMismatch(entry.meta.featureSpec);
  if (problem) throw new UserError(`model ${entry.id} cannot be used: ${problem}`, entry.dir);
  if (entry.meta.kind === 'gbt') {
    const { TreeModel } = await import('./tree.js');
    return TreeModel.load(entry.dir);
  }
  const { tf, model } = await loadLayersModel(entry);
  return { predict: (matrix, F, rows, lookback) => predictRows(tf, model, matrix, F, rows, lookback), dispose: () => model.dispose() };
}

/** The scorer of any model: one model, or an ensemble of members (each loaded with its own features). */
export async function loadScorer(entry: ModelEntry, env: Pick<PrepareEnv, 'dataDir' | 'externalSeries'>, timeframe: Timeframe): Promise<Scorer> {
  if (entry.meta.kind === 'ensemble') {
    const { loadEnsemble } = await import('./ensemble.js');
    return loadEnsemble(entry, env, timeframe);
  }
  const external = externalFor(entry.meta, env);
  return new ModelScorer(entry.meta, await loadRowModel(entry), external, timeframe);
}

export async function loadPredictor(id: string, env: PrepareEnv, timeframe: Timeframe): Promise<Predictor> {
  const entry = findModel(registryDirs(env.dataDir), id, 'model');
  const scorer = await loadScorer(entry, env, timeframe);
  if (entry.meta.market.timeframe !== timeframe) {
    env.note?.(`model ${id} was trained on ${entry.meta.market.timeframe} candles and runs here on ${timeframe}`);
  }
  if (!entry.meta.featureSpec.features.some(isExternalFeature)) env.note?.(`model ${id}: no external series, price features only`);
  return new Predictor(scorer);
}
