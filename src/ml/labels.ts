// Labels: what a model learns to predict at candle i, from candles after i. Each label also says how far
// ahead it reads (its horizon), so the split can purge training rows whose label reaches into validation.
//
// - direction: log return over h candles against a volatility dead zone k·σ·√h (σ = 24-candle std of
//   1-candle log returns at i): up / down / flat.
// - return: the log return over h candles (forecasters).
// - triple-barrier: take-profit at close·(1 + k·σ·√h) and stop-loss at close·(1 − k·σ·√h) watched on highs and
//   lows of candles i+1..i+h; the first touched decides up / down, none is flat (the vertical barrier). A
//   candle touching both counts as down: the stop is assumed hit first.
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { computeFeatures } from './features.js';

export const CLASS_DOWN = 0;
export const CLASS_FLAT = 1;
export const CLASS_UP = 2;
export const CLASS_NAMES = ['down', 'flat', 'up'] as const;

export type LabelSpec =
  | { kind: 'direction'; horizon: number; deadZone: number }
  | { kind: 'return'; horizon: number }
  | { kind: 'triple-barrier'; horizon: number; barrier: number };

export function isClassification(l: LabelSpec): boolean {
  return l.kind !== 'return';
}

export function labelText(l: LabelSpec): string {
  switch (l.kind) {
    case 'direction':
      return `direction over ${l.horizon} candles, dead zone ${l.deadZone}·σ`;
    case 'return':
      return `log return over ${l.horizon} candles`;
    case 'triple-barrier':
      return `triple barrier at ±${l.barrier}·σ, vertical at ${l.horizon} candles`;
  }
}

/**
 * "direction:h=4,k=0.5", "return:h=4", "triple-barrier:h=24,k=1.5" (all parts after the kind optional).
 */
export function parseLabel(input: string, where = '--label'): LabelSpec {
  const [kind, rest = ''] = input.trim().split(':', 2) as [string, string?];
  const opts: Record<string, number> = {};
  for (const part of rest.split(',').filter((s) => s.trim() !== '')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const x = Number(v);
    if (!k || v === undefined || !Number.isFinite(x)) throw new UserError(`"${part}" in label "${input}" is not key=number`, where);
    opts[k] = x;
  }
  const horizon = opts.h ?? 4;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 500) throw new UserError(`label horizon h must be a whole number 1..500, got ${horizon}`, where);
  const allowed = (keys: string[]): void => {
    const bad = Object.keys(opts).filter((k) => !keys.includes(k));
    if (bad.length > 0) throw new UserError(`label ${kind} has no option ${bad.join(', ')} (options: ${keys.join(', ')})`, where);
  };
  switch (kind) {
    case 'direction': {
      allowed(['h', 'k']);
      const deadZone = opts.k ?? 0.25;
      if (!(deadZone >= 0 && deadZone <= 10)) throw new UserError(`dead zone k must be 0..10, got ${deadZone}`, where);
      return { kind, horizon, deadZone };
    }
    case 'return':
      allowed(['h']);
      return { kind, horizon };
    case 'triple-barrier': {
      allowed(['h', 'k']);
      const barrier = opts.k ?? 1.5;
      if (!(barrier > 0 && barrier <= 20)) throw new UserError(`barrier k must be above 0 and at most 20, got ${barrier}`, where);
      return { kind, horizon, barrier };
    }
    default:
      throw new UserError(`unknown label "${kind}"; use direction, return or triple-barrier (e.g. direction:h=4,k=0.25)`, where);
  }
}

/**
 * The label at every candle (NaN where it is undefined: the last `horizon` candles and the volatility
 * warm-up). Classes are CLASS_DOWN / CLASS_FLAT / CLASS_UP.
 */
export function computeLabels(candles: CandleSeries, spec: LabelSpec): Float64Array {
  const n = candles.length;
  const close = candles.close;
  const h = spec.horizon;
  const out = new Float64Array(n).fill(NaN);
  if (spec.kind === 'return') {
    for (let i = 0; i + h < n; i++) out[i] = Math.log(close[i + h]! / close[i]!);
    return out;
  }
  const [sigma] = computeFeatures(candles, ['vol24'], { timeframeMs: 0 });
  const scale = Math.sqrt(h);
  for (let i = 0; i + h < n; i++) {
    const s = sigma![i]!;
    if (Number.isNaN(s)) continue;
    const band = (spec.kind === 'direction' ? spec.deadZone : spec.barrier) * s * scale;
    if (spec.kind === 'direction') {
      const r = Math.log(close[i + h]! / close[i]!);
      out[i] = r > band ? CLASS_UP : r < -band ? CLASS_DOWN : CLASS_FLAT;
      continue;
    }
    const up = close[i]! * Math.exp(band);
    const down = close[i]! * Math.exp(-band);
    let label = CLASS_FLAT;
    for (let j = i + 1; j <= i + h; j++) {
      if (candles.low[j]! <= down) {
        label = CLASS_DOWN;
        break;
      }
      if (candles.high[j]! >= up) {
        label = CLASS_UP;
        break;
      }
    }
    out[i] = label;
  }
  return out;
}
