// The model kinds `tradetui ml train --model KIND` builds. Every network takes windows [lookback × features];
// classifiers end in a 3-way softmax (down / flat / up), forecasters in one linear output (the scaled
// forward log return). Initialisers are seeded and nothing random happens after them (no dropout, no
// shuffling), so the same data, settings and seed give the same weights on the same backend.
import { UserError } from '../core/errors.js';
import { customLayers } from './attention.js';
import type { BackendNeed, Tf } from './tf.js';
import type * as tfTypes from '@tensorflow/tfjs';

export const MODEL_KINDS = {
  mlp: { task: 'classify', need: 'any', about: 'Dense network over the flattened window' },
  lstm: { task: 'classify', need: 'any', about: 'LSTM(units) classifier' },
  gru: { task: 'classify', need: 'any', about: 'GRU(units) classifier' },
  'cnn-lstm': { task: 'classify', need: 'cpu-or-native', about: 'Conv1D + max-pool + LSTM classifier (cpu: wasm has no Conv1D gradient)' },
  'lstm-forecast': { task: 'forecast', need: 'any', about: 'LSTM(units) forecaster of the forward log return' },
  'gru-forecast': { task: 'forecast', need: 'any', about: 'GRU(units) forecaster of the forward log return' },
  transformer: { task: 'forecast', need: 'prefer-cpu', about: 'Transformer encoder (causal self-attention) forecaster (cpu: faster than wasm here)' },
  gbt: { task: 'classify', need: 'none', about: 'gradient-boosted trees (XGBoost, WebAssembly) over the last few candles\' features' },
  ensemble: { task: 'classify', need: 'none', about: "weighted average of classifiers' probabilities, weights learned on validation candles" },
} as const satisfies Record<string, { task: 'classify' | 'forecast'; need: BackendNeed | 'none'; about: string }>;

/** Kinds that are TensorFlow.js networks (the others: gbt trees, ensembles of other models). */
export type NetworkKind = Exclude<keyof typeof MODEL_KINDS, 'gbt' | 'ensemble'>;
export function isNetworkKind(kind: string): kind is NetworkKind {
  return kind in MODEL_KINDS && kind !== 'gbt' && kind !== 'ensemble';
}

export type ModelKind = keyof typeof MODEL_KINDS;
export const MODEL_KIND_LIST = Object.keys(MODEL_KINDS) as ModelKind[];

export function parseModelKind(s: string, where = '--model'): ModelKind {
  if (!(s in MODEL_KINDS)) throw new UserError(`unknown model kind "${s}"; use one of ${MODEL_KIND_LIST.join(', ')}`, where);
  return s as ModelKind;
}

export interface ModelShape {
  lookback: number;
  features: number;
  units: number;
  seed: number;
}

export function buildModel(tf: Tf, kind: NetworkKind, s: ModelShape): tfTypes.LayersModel {
  const glorot = (k: number) => tf.initializers.glorotUniform({ seed: s.seed + k });
  const orth = (k: number) => tf.initializers.orthogonal({ seed: s.seed + k, gain: 1 });
  const classify = MODEL_KINDS[kind].task === 'classify';
  const head = (x: tfTypes.SymbolicTensor, k: number): tfTypes.SymbolicTensor =>
    tf.layers
      .dense({ units: classify ? 3 : 1, activation: classify ? 'softmax' : 'linear', kernelInitializer: glorot(k), name: 'head' })
      .apply(x) as tfTypes.SymbolicTensor;
  const input = tf.input({ shape: [s.lookback, s.features], name: 'window' });
  let x: tfTypes.SymbolicTensor;
  switch (kind) {
    case 'mlp': {
      x = tf.layers.flatten().apply(input) as tfTypes.SymbolicTensor;
      x = tf.layers.dense({ units: s.units, activation: 'relu', kernelInitializer: glorot(1) }).apply(x) as tfTypes.SymbolicTensor;
      x = tf.layers.dense({ units: Math.max(4, s.units >> 1), activation: 'relu', kernelInitializer: glorot(2) }).apply(x) as tfTypes.SymbolicTensor;
      break;
    }
    case 'lstm':
    case 'lstm-forecast':
      x = tf.layers.lstm({ units: s.units, kernelInitializer: glorot(1), recurrentInitializer: orth(2) }).apply(input) as tfTypes.SymbolicTensor;
      break;
    case 'gru':
    case 'gru-forecast':
      x = tf.layers.gru({ units: s.units, kernelInitializer: glorot(1), recurrentInitializer: orth(2) }).apply(input) as tfTypes.SymbolicTensor;
      break;
    case 'cnn-lstm': {
      x = tf.layers.conv1d({ filters: 16, kernelSize: 3, padding: 'causal', activation: 'relu', kernelInitializer: glorot(1) }).apply(input) as tfTypes.SymbolicTensor;
      x = tf.layers.maxPooling1d({ poolSize: 2 }).apply(x) as tfTypes.SymbolicTensor;
      x = tf.layers.lstm({ units: s.units, kernelInitializer: glorot(2), recurrentInitializer: orth(3) }).apply(x) as tfTypes.SymbolicTensor;
      break;
    }
    case 'transformer': {
      const d = 16;
      const custom = customLayers(tf);
      x = tf.layers.dense({ units: d, kernelInitializer: glorot(1), name: 'embed' }).apply(input) as tfTypes.SymbolicTensor;
      x = custom.position({ seed: s.seed + 2, name: 'position' }).apply(x) as tfTypes.SymbolicTensor;
      const a = custom.attention({ numHeads: 2, keyDim: 8, seed: s.seed + 10, name: 'attention' }).apply(x) as tfTypes.SymbolicTensor;
      x = tf.layers.add().apply([x, a]) as tfTypes.SymbolicTensor;
      x = tf.layers.layerNormalization({ name: 'norm1' }).apply(x) as tfTypes.SymbolicTensor;
      let f = tf.layers.dense({ units: s.units, activation: 'relu', kernelInitializer: glorot(3) }).apply(x) as tfTypes.SymbolicTensor;
      f = tf.layers.dense({ units: d, kernelInitializer: glorot(4) }).apply(f) as tfTypes.SymbolicTensor;
      x = tf.layers.add().apply([x, f]) as tfTypes.SymbolicTensor;
      x = tf.layers.layerNormalization({ name: 'norm2' }).apply(x) as tfTypes.SymbolicTensor;
      // The last position has attended to the whole window (and only to it).
      x = custom.last({ name: 'last' }).apply(x) as tfTypes.SymbolicTensor;
      break;
    }
  }
  const model = tf.model({ inputs: input, outputs: head(x, 9), name: kind.replace(/[^a-z0-9]/g, '_') });
  // One-hot targets: tfjs's sparse categorical loss wants integer labels the Float32 pipeline does not keep.
  if (classify) model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  else model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}
