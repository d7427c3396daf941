// Out-of-sample figures and the baselines every model is shown beside, on the same rows:
// classifiers — accuracy, balanced accuracy, macro F1, MCC (multiclass, Gorodkin's R_K) against the majority
// class of the training rows and "same as last candle"; forecasters — MAE and directional accuracy against
// persistence (the next h candles repeat the last h).
import type { CandleSeries } from '../core/candle.js';
import { CLASS_DOWN, CLASS_FLAT, CLASS_UP } from './labels.js';
import type { ClassifierMetrics, ForecastMetrics } from './registry.js';

export function classifierMetrics(truth: ArrayLike<number>, pred: ArrayLike<number>, classes = 3): ClassifierMetrics {
  const n = truth.length;
  const cm = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < n; i++) cm[truth[i]!]![pred[i]!]!++;
  let correct = 0;
  for (let c = 0; c < classes; c++) correct += cm[c]![c]!;
  const recalls: number[] = [];
  const f1s: number[] = [];
  for (let c = 0; c < classes; c++) {
    const actual = cm[c]!.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((a, row) => a + row[c]!, 0);
    const tp = cm[c]![c]!;
    if (actual > 0) recalls.push(tp / actual);
    if (actual > 0 || predicted > 0) f1s.push(actual + predicted === 0 ? 0 : (2 * tp) / (actual + predicted));
  }
  // Multiclass MCC from the confusion matrix.
  const t = cm.map((row) => row.reduce((a, b) => a + b, 0));
  const p = Array.from({ length: classes }, (_, c) => cm.reduce((a, row) => a + row[c]!, 0));
  const cov = correct * n - t.reduce((s, tk, k) => s + tk * p[k]!, 0);
  const den = Math.sqrt((n * n - p.reduce((s, x) => s + x * x, 0)) * (n * n - t.reduce((s, x) => s + x * x, 0)));
  return {
    accuracy: n === 0 ? 0 : correct / n,
    balancedAccuracy: recalls.length === 0 ? 0 : recalls.reduce((a, b) => a + b, 0) / recalls.length,
    f1: f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length,
    mcc: den === 0 ? 0 : cov / den,
  };
}

export function forecastMetrics(truth: ArrayLike<number>, pred: ArrayLike<number>): ForecastMetrics {
  const n = truth.length;
  let abs = 0;
  let same = 0;
  for (let i = 0; i < n; i++) {
    abs += Math.abs(truth[i]! - pred[i]!);
    if (Math.sign(truth[i]!) === Math.sign(pred[i]!)) same++;
  }
  return { mae: n === 0 ? 0 : abs / n, directionalAccuracy: n === 0 ? 0 : same / n };
}

/** The most frequent class among the training labels. */
export function majorityClass(labels: Float64Array, rows: readonly number[]): number {
  const counts = [0, 0, 0];
  for (const i of rows) counts[labels[i]!]!++;
  return counts.indexOf(Math.max(...counts));
}

/** "Same as last candle": up when candle i closed above candle i-1, down when below, flat when equal. */
export function lastCandleClass(candles: CandleSeries, i: number): number {
  const d = candles.close[i]! - candles.close[i - 1]!;
  return d > 0 ? CLASS_UP : d < 0 ? CLASS_DOWN : CLASS_FLAT;
}

/** Persistence: the return of the last h candles, repeated. */
export function persistenceForecast(candles: CandleSeries, i: number, h: number): number {
  return i >= h ? Math.log(candles.close[i]! / candles.close[i - h]!) : 0;
}
