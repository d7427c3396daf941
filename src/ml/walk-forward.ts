// Walk-forward for the ML strategies (`tradetui backtest --walk-forward train=180d,test=30d`): the traded
// span is cut into test blocks; before each block a fresh model (the kind and settings of the strategy's
// model) is trained on the `train` span just before it — purged so no label reaches the block, embargoed —
// and predicts that block only. The stitched predictions are the strategy's series, so every traded candle
// is out of sample. Cutting future candles changes no past prediction: a block's model sees only candles
// before the block, and its predictions are recomputed from the (cut) candles' features.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { DAY_MS, timeframeMs } from '../core/time.js';
import type { Params, PrepareEnv, Strategy } from '../strategy/contract.js';
import { scaledMatrix, usableRows } from './dataset.js';
import { computeFeatures } from './features.js';
import { externalFor, loadRowModel, type RowModel } from './predictor.js';
import { findModel, registryDirs, type ModelMeta } from './registry.js';
import { trainModel, type TrainSettings } from './train.js';

export interface WalkForwardSpec {
  trainMs: number;
  testMs: number;
  /** Maximum epochs per retraining (default: the template model's). */
  epochs?: number;
}

function duration(s: string, key: string): number {
  const m = /^(\d+)([hdw])$/.exec(s.trim());
  if (!m) throw new UserError(`${key}=${s} is not a duration like 180d, 4w or 72h`, '--walk-forward');
  const n = Number(m[1]);
  if (n <= 0) throw new UserError(`${key} must be above zero`, '--walk-forward');
  return n * (m[2] === 'h' ? 3_600_000 : m[2] === 'd' ? DAY_MS : 7 * DAY_MS);
}

/** "train=180d,test=30d[,epochs=5]" */
export function parseWalkForward(input: string): WalkForwardSpec {
  const parts = Object.fromEntries(
    input.split(',').map((p) => {
      const [k, v] = p.split('=').map((x) => x?.trim());
      if (!k || v === undefined) throw new UserError(`"${p}" is not key=value (expected train=180d,test=30d)`, '--walk-forward');
      return [k, v];
    }),
  );
  const bad = Object.keys(parts).filter((k) => !['train', 'test', 'epochs'].includes(k));
  if (bad.length > 0) throw new UserError(`unknown walk-forward setting ${bad.join(', ')} (train, test, epochs)`, '--walk-forward');
  if (!parts.train || !parts.test) throw new UserError('give both train and test, e.g. train=180d,test=30d', '--walk-forward');
  const epochs = parts.epochs === undefined ? undefined : Number(parts.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000)) throw new UserError(`epochs must be a whole number 1..1000, got ${parts.epochs}`, '--walk-forward');
  return { trainMs: duration(parts.train, 'train'), testMs: duration(parts.test, 'test'), epochs };
}

interface Block {
  start: number;
  end: number;
  meta: ModelMeta;
  model: RowModel;
}

export interface WalkForwardProgress {
  block: number;
  blocks: number;
  from: number;
  to: number;
  seconds: number;
}

/** Candles needed before the first traded candle: the training span plus the template model's warm-up. */
export function walkForwardWarmup(spec: WalkForwardSpec, timeframe: string, modelWarmup: number): number {
  return Math.ceil(spec.trainMs / timeframeMs(timeframe as never)) + modelWarmup;
}

/**
 * Trains one model per test block over `candles` (trading from index `tradeFrom`) and returns `base` bound to
 * the stitched predictions. The template is the model named by params.model.
 */
export async function prepareWalkForward<P extends Params & { model: string }>(
  base: Strategy<P>,
  params: P,
  env: PrepareEnv,
  spec: WalkForwardSpec,
  candles: CandleSeries,
  tradeFrom: number,
  onBlock?: (p: WalkForwardProgress) => void,
): Promise<Strategy<P> & { walkForward: { blocks: { from: string; to: string; trainFrom: string; trainTo: string }[] } }> {
  const template = findModel(registryDirs(env.dataDir), params.model, '--param model').meta;
  if (template.kind === 'ensemble') {
    throw new UserError(`walk-forward retrains one model per block; ${params.model} is an ensemble (its members would each need retraining): walk forward ml-classifier with one of its members`, '--walk-forward');
  }
  const external = externalFor(template, env);
  const tfMs = timeframeMs(env.timeframe);
  const first = candles.time[tradeFrom]!;
  const last = candles.time[candles.length - 1]!;
  const root = join(tmpdir(), `tradetui-wf-${process.pid}-${Date.now()}`);
  const blocks: Block[] = [];
  try {
    const count = Math.ceil((last + tfMs - first) / spec.testMs);
    for (let k = 0, start = first; start <= last; k++, start += spec.testMs) {
      const started = Date.now();
      const trainStart = start - spec.trainMs;
      const lo = candles.time.findIndex((t) => t >= trainStart);
      const hi = candles.time.findIndex((t) => t >= start);
      // Training candles end before the block; trainModel's own split purges labels reaching past them.
      const window: CandleSeries = {
        length: hi - lo,
        time: candles.time.subarray(lo, hi),
        open: candles.open.subarray(lo, hi),
        high: candles.high.subarray(lo, hi),
        low: candles.low.subarray(lo, hi),
        close: candles.close.subarray(lo, hi),
        volume: candles.volume.subarray(lo, hi),
      };
      const settings: TrainSettings = {
        kind: template.kind,
        key: { ...template.market, timeframe: env.timeframe },
        features: template.featureSpec.features,
        label: template.label,
        lookback: template.featureSpec.lookback,
        units: template.units,
        epochs: spec.epochs ?? template.epochs.max,
        batchSize: 64,
        seed: template.seed,
        validFraction: 0.2,
        embargo: template.embargo,
        patience: 3,
      };
      const id = `wf-${k}`;
      const r = await trainModel(settings, { candles: window, external }, { root, id });
      const model = await loadRowModel({ id, dir: r.dir, source: 'data', meta: r.meta });
      blocks.push({ start, end: start + spec.testMs, meta: r.meta, model });
      onBlock?.({ block: k + 1, blocks: count, from: start, to: Math.min(start + spec.testMs, last + tfMs), seconds: (Date.now() - started) / 1000 });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const task = template.task;
  const names = task === 'classify' ? ['pDown', 'pFlat', 'pUp'] : ['forecast'];
  const compute = (c: CandleSeries): Record<string, Float64Array> => {
    const n = c.length;
    const out: Record<string, Float64Array> = Object.fromEntries(names.map((x) => [x, new Float64Array(n).fill(NaN)]));
    const features = computeFeatures(c, template.featureSpec.features, { timeframeMs: tfMs, external });
    const usable = usableRows(features, null, template.featureSpec.lookback, n);
    for (const b of blocks) {
      const rows = usable.filter((i) => c.time[i]! >= b.start && c.time[i]! < b.end);
      if (rows.length === 0) continue;
      // Each block's model scales with the scaler fitted on its own training rows.
      const y = b.model.predict(scaledMatrix(features, b.meta.scaler, n), features.length, rows, template.featureSpec.lookback);
      rows.forEach((i, k) => {
        if (task === 'classify') {
          out.pDown![i] = y[k * 3]!;
          out.pFlat![i] = y[k * 3 + 1]!;
          out.pUp![i] = y[k * 3 + 2]!;
        } else out.forecast![i] = y[k]! * b.meta.targetScale;
      });
    }
    return out;
  };
  return {
    ...base,
    compute,
    update: undefined,
    prepare: undefined,
    walkForward: { blocks: blocks.map((b) => ({ from: new Date(b.start).toISOString(), to: new Date(b.end).toISOString(), trainFrom: b.meta.train.from, trainTo: b.meta.train.to })) },
  };
}
