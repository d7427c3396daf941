// The plain-JS forward pass (paper inference under 20 ms per candle) agrees with TensorFlow.js on the same
// weights for every network kind it covers, and declines the ones it does not (Conv1D, attention).
import { describe, expect, it } from 'vitest';
import { seriesPrefix } from '../../../src/core/candle.js';
import { scaledMatrix, usableRows } from '../../../src/ml/dataset.js';
import { compileFastNet, predictRowsFast } from '../../../src/ml/fast-net.js';
import { computeFeatures } from '../../../src/ml/features.js';
import { buildModel, type NetworkKind } from '../../../src/ml/models.js';
import { useBackend } from '../../../src/ml/tf.js';
import { predictRows } from '../../../src/ml/train.js';
import { loadCsvSeries } from '../../support/candles.js';

const candles = seriesPrefix(loadCsvSeries('binance_BTCUSDT_1h.csv', 700), 700);
const features = ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'];
const feats = computeFeatures(candles, features, { timeframeMs: 3_600_000 });
const matrix = scaledMatrix(feats, { mean: [0, 0, 0.005, 0, 0], std: [0.01, 0.02, 0.003, 1, 0.1] }, candles.length);

describe('fast forward pass', () => {
  it.each([['mlp'], ['lstm'], ['gru'], ['lstm-forecast'], ['gru-forecast']] as const)('%s agrees with TensorFlow.js to 1e-5', async (kind) => {
    const { tf } = await useBackend('any');
    const lookback = 12;
    const model = buildModel(tf, kind as NetworkKind, { lookback, features: features.length, units: 8, seed: 11 });
    // Non-zero biases too: one short fit on seeded data moves every weight.
    const x = tf.tensor3d(Float32Array.from({ length: 32 * lookback * 5 }, (_, k) => Math.sin(k * 0.7)), [32, lookback, 5]);
    const y = kind.endsWith('forecast') ? tf.tensor2d(Float32Array.from({ length: 32 }, (_, k) => Math.cos(k)), [32, 1]) : tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, k) => k % 3), 'int32'), 3).toFloat();
    await model.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const rows = usableRows(feats, null, lookback, candles.length);
    const fast = compileFastNet(model);
    expect(fast).not.toBeNull();
    const a = predictRows(tf, model, matrix, features.length, rows, lookback);
    const b = predictRowsFast(fast!, matrix, features.length, rows, lookback);
    expect(b.length).toBe(a.length);
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
    expect(worst).toBeLessThan(1e-5);
    expect(new Set(Array.from(b).map((v) => v.toFixed(5))).size).toBeGreaterThan(20);
    model.dispose();
    x.dispose();
    y.dispose();
  }, 60_000);

  it('declines networks with layers it does not cover', async () => {
    const { tf } = await useBackend('any');
    for (const kind of ['cnn-lstm', 'transformer'] as const) {
      const model = buildModel(tf, kind, { lookback: 12, features: 5, units: 8, seed: 1 });
      expect(compileFastNet(model)).toBeNull();
      model.dispose();
    }
  });
});
