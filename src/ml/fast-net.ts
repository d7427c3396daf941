// A plain-JS forward pass for the small networks tradetui trains (Dense, GRU, LSTM layers; the mlp, lstm, gru,
// lstm-forecast and gru-forecast kinds), with the weights read once from the loaded TensorFlow.js model.
// Why: one window through TensorFlow.js costs ~20 op dispatches per recurrent step (a GRU over 24 candles took
// 17–40 ms per paper candle); the same arithmetic in a JS loop takes microseconds. It follows tfjs-layers'
// definitions (GRU reset-before, LSTM i/f/c/o gate order, hard sigmoid = clip(0.2x + 0.5, 0, 1)) in float64,
// so it agrees with TensorFlow.js to float32 rounding (tested to 1e-5). The strategies use it for every
// candle, backtest and paper alike, so both see the same numbers; other layers (Conv1D, attention) keep
// TensorFlow.js (`compileFastNet` returns null).
import type * as tfTypes from '@tensorflow/tfjs';

type Activation = (x: number) => number;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  hardSigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
};

type Step =
  | { kind: 'flatten' }
  | { kind: 'dense'; w: Float32Array; b: Float32Array | null; in: number; out: number; act: string }
  | { kind: 'gru' | 'lstm'; w: Float32Array; u: Float32Array; b: Float32Array | null; in: number; units: number; act: Activation; rec: Activation };

/** Input to a step: a sequence [T × in] or a vector [in]. */
interface Value {
  data: Float64Array;
  steps: number;
  width: number;
}

function activation(name: unknown): Activation | null {
  return typeof name === 'string' ? (ACTIVATIONS[name] ?? null) : null;
}

export interface FastNet {
  /** Outputs for one window [lookback × features] starting at `offset` in `matrix`. */
  predictWindow(matrix: Float32Array, offset: number, lookback: number, features: number, out: Float32Array, outOffset: number): void;
  readonly outputSize: number;
}

/** The model as a JS forward pass, or null when it has a layer this does not cover. */
export function compileFastNet(model: tfTypes.LayersModel): FastNet | null {
  const steps: Step[] = [];
  let sequence = true; // the input is a window; Flatten or a recurrent layer turns it into a vector
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const weights = layer.getWeights().map((t) => t.dataSync() as Float32Array);
    if (cls === 'InputLayer') continue;
    if (cls === 'Flatten') {
      steps.push({ kind: 'flatten' });
      sequence = false;
      continue;
    }
    if (cls === 'Dense') {
      const act = String(cfg.activation);
      if (sequence || (act !== 'softmax' && !activation(act))) return null;
      const shape = layer.getWeights()[0]!.shape;
      steps.push({ kind: 'dense', w: weights[0]!, b: cfg.useBias === false ? null : weights[1]!, in: shape[0]!, out: shape[1]!, act });
      continue;
    }
    if (cls === 'GRU' || cls === 'LSTM') {
      const act = activation(cfg.activation);
      const rec = activation(cfg.recurrentActivation);
      if (!sequence || !act || !rec || cfg.returnSequences || cfg.goBackwards || cfg.stateful || cfg.resetAfter) return null;
      const units = Number(cfg.units);
      const shape = layer.getWeights()[0]!.shape;
      sequence = false;
      steps.push({ kind: cls === 'GRU' ? 'gru' : 'lstm', w: weights[0]!, u: weights[1]!, b: cfg.useBias === false ? null : weights[2]!, in: shape[0]!, units, act, rec });
      continue;
    }
    return null;
  }
  const last = steps.at(-1);
  if (!last || last.kind !== 'dense') return null;
  const outputSize = last.out;

  const dense = (s: Extract<Step, { kind: 'dense' }>, x: Float64Array): Float64Array => {
    const y = new Float64Array(s.out);
    for (let o = 0; o < s.out; o++) y[o] = s.b ? s.b[o]! : 0;
    for (let i = 0; i < s.in; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = i * s.out;
      for (let o = 0; o < s.out; o++) y[o]! += xi * s.w[row + o]!;
    }
    if (s.act === 'softmax') {
      let max = -Infinity;
      for (const v of y) max = Math.max(max, v);
      let sum = 0;
      for (let o = 0; o < s.out; o++) sum += y[o] = Math.exp(y[o]! - max);
      for (let o = 0; o < s.out; o++) y[o]! /= sum;
    } else {
      const f = ACTIVATIONS[s.act]!;
      for (let o = 0; o < s.out; o++) y[o] = f(y[o]!);
    }
    return y;
  };

  const recurrent = (s: Extract<Step, { kind: 'gru' | 'lstm' }>, v: Value): Float64Array => {
    const U = s.units;
    const gates = s.kind === 'gru' ? 3 : 4;
    const G = gates * U;
    const h = new Float64Array(U);
    const c = new Float64Array(U);
    const zx = new Float64Array(G);
    const zh = new Float64Array(G);
    for (let t = 0; t < v.steps; t++) {
      // x·W + b
      for (let g = 0; g < G; g++) zx[g] = s.b ? s.b[g]! : 0;
      for (let i = 0; i < s.in; i++) {
        const xi = v.data[t * v.width + i]!;
        const row = i * G;
        for (let g = 0; g < G; g++) zx[g]! += xi * s.w[row + g]!;
      }
      if (s.kind === 'lstm') {
        zh.fill(0);
        for (let j = 0; j < U; j++) {
          const hj = h[j]!;
          const row = j * G;
          for (let g = 0; g < G; g++) zh[g]! += hj * s.u[row + g]!;
        }
        for (let k = 0; k < U; k++) {
          const i = s.rec(zx[k]! + zh[k]!);
          const f = s.rec(zx[U + k]! + zh[U + k]!);
          const cc = f * c[k]! + i * s.act(zx[2 * U + k]! + zh[2 * U + k]!);
          const o = s.rec(zx[3 * U + k]! + zh[3 * U + k]!);
          c[k] = cc;
          zh[k] = o * s.act(cc); // new h, held until every unit is done
        }
        for (let k = 0; k < U; k++) h[k] = zh[k]!;
        continue;
      }
      // GRU (reset before): z, r from h·U[:, :2U]; candidate from (r∘h)·U[:, 2U:].
      zh.fill(0);
      for (let j = 0; j < U; j++) {
        const hj = h[j]!;
        const row = j * G;
        for (let g = 0; g < 2 * U; g++) zh[g]! += hj * s.u[row + g]!;
      }
      const z = new Float64Array(U);
      const rh = new Float64Array(U);
      for (let k = 0; k < U; k++) {
        z[k] = s.rec(zx[k]! + zh[k]!);
        rh[k] = s.rec(zx[U + k]! + zh[U + k]!) * h[k]!;
      }
      for (let k = 0; k < U; k++) {
        let acc = zx[2 * U + k]!;
        for (let j = 0; j < U; j++) acc += rh[j]! * s.u[j * G + 2 * U + k]!;
        const hh = s.act(acc);
        zh[k] = z[k]! * h[k]! + (1 - z[k]!) * hh;
      }
      for (let k = 0; k < U; k++) h[k] = zh[k]!;
    }
    return h;
  };

  return {
    outputSize,
    predictWindow(matrix, offset, lookback, features, out, outOffset) {
      let v: Value = { data: Float64Array.from(matrix.subarray(offset, offset + lookback * features)), steps: lookback, width: features };
      for (const s of steps) {
        if (s.kind === 'flatten') v = { data: v.data, steps: 1, width: v.data.length };
        else if (s.kind === 'dense') v = { data: dense(s, v.data), steps: 1, width: s.out };
        else v = { data: recurrent(s, v), steps: 1, width: s.units };
      }
      for (let o = 0; o < outputSize; o++) out[outOffset + o] = v.data[o]!;
    },
  };
}

/** Outputs per row (as predictRows gives them) through the JS forward pass. */
export function predictRowsFast(net: FastNet, matrix: Float32Array, featureCount: number, rows: readonly number[], lookback: number): Float32Array {
  const out = new Float32Array(rows.length * net.outputSize);
  rows.forEach((i, k) => net.predictWindow(matrix, (i - lookback + 1) * featureCount, lookback, featureCount, out, k * net.outputSize));
  return out;
}
