// From feature series and labels to training data: which candles are usable rows, a time-ordered split
// that purges and embargoes, a scaler fitted on training rows only, and windows of lookback × features.
// Rows are never shuffled across time: the split is by position, and validation always follows training.
import { UserError } from '../core/errors.js';

/** A row is the candle index at which the model predicts. */
export interface Split {
  train: number[];
  valid: number[];
  /** Rows dropped between train and validation: the label horizon (purge) plus the embargo. */
  purged: number;
}

/**
 * Indexes i (ascending) whose window [i-lookback+1, i] has every feature defined and whose label is defined.
 */
export function usableRows(features: readonly Float64Array[], labels: Float64Array | null, lookback: number, n: number): number[] {
  // First index from which every feature is finite (and stays so: features are NaN only in warm-up).
  const bad = new Uint8Array(n);
  for (const f of features) for (let i = 0; i < n; i++) if (!Number.isFinite(f[i]!)) bad[i] = 1;
  const rows: number[] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    run = bad[i] ? 0 : run + 1;
    if (run >= lookback && (labels === null || Number.isFinite(labels[i]!))) rows.push(i);
  }
  return rows;
}

/**
 * Splits rows by time: the first (1 - validFraction) rows train, the rest validate, and training rows whose
 * label reaches into the validation block (i + horizon >= first validation row) are dropped, plus `embargo`
 * more rows before it. Every training row i then satisfies i + horizon + embargo < first validation row.
 */
export function purgedSplit(rows: readonly number[], opts: { validFraction: number; horizon: number; embargo: number }): Split {
  if (!(opts.validFraction > 0 && opts.validFraction < 1)) throw new RangeError('validFraction must be between 0 and 1');
  const cut = Math.floor(rows.length * (1 - opts.validFraction));
  const valid = rows.slice(cut);
  if (valid.length === 0) return { train: [...rows], valid: [], purged: 0 };
  const firstValid = valid[0]!;
  const before = rows.slice(0, cut);
  const train = before.filter((i) => i + opts.horizon + opts.embargo < firstValid);
  return { train, valid, purged: before.length - train.length };
}

/**
 * Rows before `end` for training and rows from `start` for testing, the training ones purged so that no label
 * reaches `testStart` and embargoed by `embargo` more candles (used by walk-forward).
 */
export function trainRowsBefore(rows: readonly number[], testStart: number, horizon: number, embargo: number): number[] {
  return rows.filter((i) => i + horizon + embargo < testStart);
}

export interface Scaler {
  mean: number[];
  std: number[];
}

/** Per-feature mean and standard deviation over the given rows only (the training rows). */
export function fitScaler(features: readonly Float64Array[], rows: readonly number[]): Scaler {
  if (rows.length === 0) throw new UserError('no training rows to fit the scaler on: widen --from/--to or shorten the lookback', 'ml train');
  const mean: number[] = [];
  const std: number[] = [];
  for (const f of features) {
    let s = 0;
    for (const i of rows) s += f[i]!;
    const m = s / rows.length;
    let ss = 0;
    for (const i of rows) ss += (f[i]! - m) ** 2;
    const sd = Math.sqrt(ss / rows.length);
    mean.push(m);
    std.push(sd > 1e-12 ? sd : 1);
  }
  return { mean, std };
}

/**
 * Scaled features as one Float32Array [n × F] (row-major by candle), so a window of row i is the contiguous
 * slice [(i-L+1)·F, (i+1)·F). NaN stays NaN (warm-up rows are never used).
 */
export function scaledMatrix(features: readonly Float64Array[], scaler: Scaler, n: number): Float32Array {
  const F = features.length;
  const out = new Float32Array(n * F);
  for (let f = 0; f < F; f++) {
    const x = features[f]!;
    const m = scaler.mean[f]!;
    const s = scaler.std[f]!;
    for (let i = 0; i < n; i++) out[i * F + f] = (x[i]! - m) / s;
  }
  return out;
}

/** Windows for the given rows: Float32Array [rows × lookback × F]. */
export function windows(matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number): Float32Array {
  const size = lookback * featureCount;
  const out = new Float32Array(rows.length * size);
  rows.forEach((i, k) => out.set(matrix.subarray((i - lookback + 1) * featureCount, (i + 1) * featureCount), k * size));
  return out;
}
