// Training one model, honestly: causal features, labels, a time-ordered split with purge and embargo, a
// scaler fitted on training rows only, seeded initialisers and no shuffling (same data + settings + seed →
// same weights on the same backend), early stopping on validation loss (best weights kept), and the
// validation figures beside the baselines. Runs wherever it is called: the CLI runs it in a worker thread
// (src/ml/worker.ts) so the caller stays responsive; cancel stops after the current batch and writes nothing.
import { createHash } from 'node:crypto';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, timeframeMs } from '../core/time.js';
import { fitScaler, purgedSplit, scaledMatrix, usableRows, windows, type Scaler } from './dataset.js';
import { computeFeatures, FEATURE_VERSION, isExternalFeature, type ExternalSeries } from './features.js';
import { fileHandler } from './io.js';
import { computeLabels, isClassification, type LabelSpec } from './labels.js';
import { classifierMetrics, forecastMetrics, lastCandleClass, majorityClass, persistenceForecast } from './metrics.js';
import { buildModel, MODEL_KINDS, type ModelKind } from './models.js';
import { saveModelFolder, type Evaluation, type ModelMeta } from './registry.js';
import { useBackend, type BackendNeed, type Tf } from './tf.js';
import type * as tfTypes from '@tensorflow/tfjs';

export interface TrainSettings {
  kind: ModelKind;
  key: MarketKey;
  features: string[];
  label: LabelSpec;
  lookback: number;
  units: number;
  epochs: number;
  batchSize: number;
  seed: number;
  validFraction: number;
  /** Candles dropped between training and validation beyond the label horizon. */
  embargo: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
}

export const DEFAULT_TRAIN: Omit<TrainSettings, 'kind' | 'key' | 'label' | 'features'> = {
  lookback: 120,
  units: 32,
  epochs: 20,
  batchSize: 64,
  seed: 42,
  validFraction: 0.2,
  embargo: 24,
  patience: 3,
};

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number;
  /** Validation accuracy (classifiers) or MAE of the scaled target (forecasters). */
  valMetric: number;
  valMetricName: string;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface TrainHooks {
  onStart?(info: { backend: string; trainRows: number; validRows: number }): void;
  onEpoch?(p: TrainProgress): void;
  /** Polled after each batch; true stops training, and nothing is saved. */
  cancelled?(): boolean;
}

export class TrainingCancelled extends Error {
  constructor() {
    super('training cancelled; nothing was saved');
  }
}

export interface TrainData {
  candles: CandleSeries;
  external: Map<string, ExternalSeries>;
}

/** Where the trained model goes: the registry folder and the id it gets. */
export interface SaveTarget {
  root: string;
  id: string;
}

export interface TrainResult {
  meta: ModelMeta;
  dir: string;
}

/** Output per row: 3 class probabilities, or 1 scaled return. */
export function predictRows(tf: Tf, model: tfTypes.LayersModel, matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number, batch = 512): Float32Array {
  const outDim = (model.outputs[0]!.shape[1] as number) ?? 1;
  const out = new Float32Array(rows.length * outDim);
  for (let start = 0; start < rows.length; start += batch) {
    const part = rows.slice(start, start + batch);
    const x = tf.tensor3d(windows(matrix, featureCount, part, lookback), [part.length, lookback, featureCount]);
    const y = model.predict(x) as tfTypes.Tensor;
    out.set(y.dataSync() as Float32Array, start * outDim);
    x.dispose();
    y.dispose();
  }
  return out;
}

export function argmax3(p: Float32Array, k: number): number {
  const a = p[k * 3]!;
  const b = p[k * 3 + 1]!;
  const c = p[k * 3 + 2]!;
  return a >= b && a >= c ? 0 : b >= c ? 1 : 2;
}

function dataHash(candles: CandleSeries, settings: TrainSettings, external: Map<string, ExternalSeries>): string {
  const h = createHash('sha256');
  const n = candles.length;
  for (const col of [candles.time, candles.open, candles.high, candles.low, candles.close, candles.volume]) {
    h.update(new Uint8Array(col.buffer, col.byteOffset, n * 8));
  }
  for (const [name, e] of [...external].sort((a, b) => a[0].localeCompare(b[0]))) {
    h.update(name);
    h.update(new Uint8Array(e.value.buffer, e.value.byteOffset, e.value.byteLength));
  }
  h.update(JSON.stringify(settings));
  return h.digest('hex');
}

/** Evaluates predictions on `rows` beside the baselines (same rows). */
export function evaluateRows(
  task: 'classify' | 'forecast',
  candles: CandleSeries,
  labels: Float64Array,
  rows: readonly number[],
  out: Float32Array,
  opts: { majority: number; horizon: number; targetScale: number },
): Evaluation {
  const span = { rows: rows.length, from: rows.length ? iso(candles.time[rows[0]!]!) : '', to: rows.length ? iso(candles.time[rows.at(-1)!]!) : '' };
  if (task === 'classify') {
    const truth = rows.map((i) => labels[i]!);
    const pred = rows.map((_, k) => argmax3(out, k));
    return {
      ...span,
      model: classifierMetrics(truth, pred),
      baselines: {
        'majority class': classifierMetrics(truth, rows.map(() => opts.majority)),
        'same as last candle': classifierMetrics(truth, rows.map((i) => lastCandleClass(candles, i))),
      },
    };
  }
  const truth = rows.map((i) => labels[i]!);
  const pred = rows.map((_, k) => out[k]! * opts.targetScale);
  return {
    ...span,
    model: forecastMetrics(truth, pred),
    baselines: { persistence: forecastMetrics(truth, rows.map((i) => persistenceForecast(candles, i, opts.horizon))) },
  };
}

export async function trainModel(settings: TrainSettings, data: TrainData, target: SaveTarget, hooks: TrainHooks = {}): Promise<TrainResult> {
  const started = Date.now();
  const { kind, label, lookback } = settings;
  const task = MODEL_KINDS[kind].task;
  if ((task === 'classify') !== isClassification(label)) {
    throw new UserError(
      task === 'classify' ? `${kind} is a classifier: use a direction or triple-barrier label` : `${kind} is a forecaster: use --label return:h=N`,
      '--label',
    );
  }
  const { candles, external } = data;
  const n = candles.length;
  const features = computeFeatures(candles, settings.features, { timeframeMs: timeframeMs(settings.key.timeframe), external });
  const labels = computeLabels(candles, label);
  const rows = usableRows(features, labels, lookback, n);
  const split = purgedSplit(rows, { validFraction: settings.validFraction, horizon: label.horizon, embargo: settings.embargo });
  if (split.train.length < 50 || split.valid.length < 20) {
    throw new UserError(
      `too few rows to train on (${split.train.length} training, ${split.valid.length} validation from ${n} candles with lookback ${lookback}): widen --from/--to or shorten --lookback`,
      '--from',
    );
  }
  const scaler: Scaler = fitScaler(features, split.train);
  const F = features.length;
  const matrix = scaledMatrix(features, scaler, n);

  let targetScale = 1;
  if (task === 'forecast') {
    let ss = 0;
    for (const i of split.train) ss += labels[i]! ** 2;
    targetScale = Math.sqrt(ss / split.train.length) || 1;
  }
  const target1 = (rowsOf: number[]): Float32Array => {
    if (task === 'forecast') return Float32Array.from(rowsOf, (i) => labels[i]! / targetScale);
    const y = new Float32Array(rowsOf.length * 3);
    rowsOf.forEach((i, k) => (y[k * 3 + labels[i]!] = 1));
    return y;
  };

  const spanOf = (r: number[]) => ({ from: iso(candles.time[r[0]!]!), to: iso(candles.time[r.at(-1)!]!), rows: r.length });
  const baseMeta = (backend: string, tfjsVersion: string, epochs: ModelMeta['epochs'], validation: Evaluation, notes: string[]): ModelMeta => {
    if (!settings.features.some(isExternalFeature)) notes.unshift('no external series: price features only');
    return {
      id: target.id,
      createdAt: new Date().toISOString(),
      kind,
      task,
      market: settings.key,
      featureSpec: { version: FEATURE_VERSION, features: settings.features, lookback },
      label,
      targetScale,
      units: settings.units,
      epochs,
      train: spanOf(split.train),
      valid: spanOf(split.valid),
      purge: label.horizon,
      embargo: settings.embargo,
      scaler,
      seed: settings.seed,
      dataHash: dataHash(candles, settings, external),
      tfjsVersion,
      backend,
      trainSeconds: (Date.now() - started) / 1000,
      validation,
      notes,
    };
  };
  const majority = majorityClass(labels, split.train);

  if (kind === 'gbt') {
    // Trees: one fit of `epochs` boosting rounds (XGBoost has no per-round callback here); cancel is honoured
    // before and after it, and nothing is saved when cancelled.
    const { TreeModel, DEFAULT_TREE } = await import('./tree.js');
    hooks.onStart?.({ backend: 'xgboost-wasm', trainRows: split.train.length, validRows: split.valid.length });
    if (hooks.cancelled?.()) throw new TrainingCancelled();
    const tree = await TreeModel.train(matrix, F, split.train, labels, lookback, { ...DEFAULT_TREE, rounds: settings.epochs }, settings.seed);
    try {
      if (hooks.cancelled?.()) throw new TrainingCancelled();
      const out = tree.predict(matrix, F, split.valid, lookback);
      const validation = evaluateRows(task, candles, labels, split.valid, out, { majority, horizon: label.horizon, targetScale });
      const elapsed = (Date.now() - started) / 1000;
      hooks.onEpoch?.({ epoch: settings.epochs, epochs: settings.epochs, loss: NaN, valLoss: NaN, valMetric: (validation.model as { accuracy: number }).accuracy, valMetricName: 'val acc', elapsedSeconds: elapsed, etaSeconds: 0 });
      const meta = baseMeta('xgboost-wasm', '', { max: settings.epochs, run: settings.epochs, best: settings.epochs }, validation, [
        `${settings.epochs} boosting rounds, depth ${DEFAULT_TREE.maxDepth}, eta ${DEFAULT_TREE.eta}, row subsample ${DEFAULT_TREE.subsample} (seeded)`,
      ]);
      const dir = await saveModelFolder(target.root, meta, async (tmp) => tree.save(tmp));
      return { meta, dir };
    } finally {
      tree.dispose();
    }
  }
  if (kind === 'ensemble') throw new UserError('an ensemble is built from trained models: tradetui ml train --model ensemble --members ID,ID', '--model');

  const { tf, backend } = await useBackend(MODEL_KINDS[kind].need as BackendNeed);
  hooks.onStart?.({ backend, trainRows: split.train.length, validRows: split.valid.length });
  const model = buildModel(tf, kind, { lookback, features: F, units: settings.units, seed: settings.seed });

  const xTrain = tf.tensor3d(windows(matrix, F, split.train, lookback), [split.train.length, lookback, F]);
  const yTrain = task === 'classify' ? tf.tensor2d(target1(split.train), [split.train.length, 3]) : tf.tensor2d(target1(split.train), [split.train.length, 1]);
  const xValid = tf.tensor3d(windows(matrix, F, split.valid, lookback), [split.valid.length, lookback, F]);
  const yValid = task === 'classify' ? tf.tensor2d(target1(split.valid), [split.valid.length, 3]) : tf.tensor2d(target1(split.valid), [split.valid.length, 1]);

  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tfTypes.Tensor[] | null = null;
  let epochsRun = 0;
  let cancelled = false;
  const fitStart = Date.now();
  try {
    await model.fit(xTrain, yTrain, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      shuffle: false,
      validationData: [xValid, yValid],
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          if (hooks.cancelled?.()) {
            cancelled = true;
            model.stopTraining = true;
          }
        },
        onEpochEnd: async (epoch, logs) => {
          epochsRun = epoch + 1;
          const valLoss = logs?.val_loss ?? NaN;
          if (valLoss < best) {
            best = valLoss;
            bestEpoch = epoch + 1;
            bestWeights?.forEach((w) => w.dispose());
            bestWeights = model.getWeights().map((w) => w.clone());
          } else if (epoch + 1 - bestEpoch >= settings.patience) {
            model.stopTraining = true;
          }
          const elapsed = (Date.now() - fitStart) / 1000;
          hooks.onEpoch?.({
            epoch: epoch + 1,
            epochs: settings.epochs,
            loss: logs?.loss ?? NaN,
            valLoss,
            valMetric: (task === 'classify' ? (logs?.val_acc ?? logs?.val_accuracy) : logs?.val_mae) ?? NaN,
            valMetricName: task === 'classify' ? 'val acc' : 'val mae',
            elapsedSeconds: elapsed,
            etaSeconds: (elapsed / (epoch + 1)) * (settings.epochs - epoch - 1),
          });
        },
      },
    });
    if (cancelled) throw new TrainingCancelled();
    if (bestWeights) model.setWeights(bestWeights);

    const out = predictRows(tf, model, matrix, F, split.valid, lookback);
    const validation = evaluateRows(task, candles, labels, split.valid, out, { majority, horizon: label.horizon, targetScale });
    const notes: string[] = [];
    if (kind === 'cnn-lstm' && backend === 'cpu') notes.push('trained on cpu: the wasm backend has no Conv1D gradient');
    if (kind === 'transformer' && backend === 'cpu') notes.push('trained on cpu: the attention layers run faster there than on wasm');
    const meta = baseMeta(backend, tf.version.tfjs, { max: settings.epochs, run: epochsRun, best: bestEpoch }, validation, notes);
    const dir = await saveModelFolder(target.root, meta, async (tmp) => {
      await model.save(fileHandler(tmp));
    });
    return { meta, dir };
  } finally {
    (bestWeights as tfTypes.Tensor[] | null)?.forEach((w) => w.dispose());
    for (const t of [xTrain, yTrain, xValid, yValid]) t.dispose();
    model.dispose();
  }
}
