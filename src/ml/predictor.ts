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
import { useBackend, type Tf } from './tf.js';
import type * as tfTypes from '@tensorflow/tfjs';

/** Names of the series a predictor writes: class probabilities or the forecast log return. */
export const CLASSIFIER_SERIES = ['pDown', 'pFlat', 'pUp'] as const;
export const FORECAST_SERIES = ['forecast'] as const;

export class Predictor {
  readonly seriesNames: readonly string[];
  private readonly external: Map<string, ExternalSeries>;

  constructor(
    readonly meta: ModelMeta,
    private readonly tf: Tf,
    private readonly model: tfTypes.LayersModel,
    external: Map<string, ExternalSeries>,
    private readonly timeframe: Timeframe,
  ) {
    this.seriesNames = meta.task === 'classify' ? CLASSIFIER_SERIES : FORECAST_SERIES;
    this.external = external;
  }

  /** Candles needed before the first prediction. */
  get warmup(): number {
    return featureWarmup(this.meta.featureSpec.features) + this.meta.featureSpec.lookback;
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
    const spec = this.meta.featureSpec;
    const features = computeFeatures(candles, spec.features, { timeframeMs: timeframeMs(this.timeframe), external: this.external });
    const rows = usableRows(features, null, spec.lookback, n).filter((i) => i >= (previous ? previousLength : 0));
    if (rows.length === 0) return out;
    const matrix = scaledMatrix(features, this.meta.scaler, n);
    const y = predictRows(this.tf, this.model, matrix, features.length, rows, spec.lookback);
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
    this.model.dispose();
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
  const { tf, backend } = await useBackend(MODEL_KINDS[entry.meta.kind].need);
  registerCustomLayers(tf);
  const model = await tf.loadLayersModel(fileHandler(entry.dir));
  const input = model.inputs[0]!.shape;
  const spec = entry.meta.featureSpec;
  if (input[1] !== spec.lookback || input[2] !== spec.features.length) {
    throw new UserError(`model ${entry.id}: its network takes windows ${input[1]}×${input[2]} but meta.json says ${spec.lookback}×${spec.features.length}`, entry.dir);
  }
  return { tf, model, backend };
}

export async function loadPredictor(id: string, env: PrepareEnv, timeframe: Timeframe): Promise<Predictor> {
  const entry = findModel(registryDirs(env.dataDir), id, 'model');
  const external = externalFor(entry.meta, env);
  const { tf, model } = await loadLayersModel(entry);
  if (entry.meta.market.timeframe !== timeframe) {
    env.note?.(`model ${id} was trained on ${entry.meta.market.timeframe} candles and runs here on ${timeframe}`);
  }
  if (external.size === 0) env.note?.(`model ${id}: no external series, price features only`);
  return new Predictor(entry.meta, tf, model, external, timeframe);
}
