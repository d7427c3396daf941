// cnn-lstm and lstm-forecast, trained tiny and fast through the real training path: the network in memory and
// the one read back through our file IO handler give identical predictions, and the loaded model reproduces
// the validation figures stored in meta.json at training time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seriesPrefix } from '../../../src/core/candle.js';
import { scaledMatrix, usableRows } from '../../../src/ml/dataset.js';
import { computeFeatures } from '../../../src/ml/features.js';
import { fileHandler } from '../../../src/ml/io.js';
import { computeLabels, parseLabel } from '../../../src/ml/labels.js';
import { classifierMetrics, forecastMetrics } from '../../../src/ml/metrics.js';
import { buildModel, MODEL_KINDS, type NetworkKind } from '../../../src/ml/models.js';
import { loadPredictor } from '../../../src/ml/predictor.js';
import { useBackend } from '../../../src/ml/tf.js';
import { DEFAULT_TRAIN, predictRows, trainModel, type TrainSettings } from '../../../src/ml/train.js';
import type { BackendNeed } from '../../../src/ml/tf.js';
import { loadCsvSeries } from '../../support/candles.js';

const candles = seriesPrefix(loadCsvSeries('binance_BTCUSDT_1h.csv', 1200), 800);
const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
const features = ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'];
const root = mkdtempSync(join(tmpdir(), 'tradetui-ml-kinds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { dataDir: join(root, 'data'), timeframe: '1h' as const, externalSeries: () => null };

function settings(kind: NetworkKind): TrainSettings {
  const forecast = MODEL_KINDS[kind].task === 'forecast';
  return { ...DEFAULT_TRAIN, kind, key, features, label: parseLabel(forecast ? 'return:h=2' : 'direction:h=2,k=0.2'), lookback: 10, units: 6, epochs: 2, batchSize: 64, seed: 3, embargo: 2, patience: 5 };
}

describe.each([['cnn-lstm'], ['lstm-forecast']] as const)('%s', (kind) => {
  it('trains through trainModel and the loaded model reproduces the stored validation figures', async () => {
    const r = await trainModel(settings(kind), { candles, external: new Map() }, { root: join(root, 'data', 'models'), id: `${kind}-a` });
    expect(r.meta.kind).toBe(kind);
    expect(r.meta.epochs.run).toBe(2);
    if (kind === 'cnn-lstm') expect(r.meta.backend).toBe('cpu');
    const p = await loadPredictor(`${kind}-a`, env, '1h');
    const series = p.compute(candles);
    const again = (await loadPredictor(`${kind}-a`, env, '1h')).compute(candles);
    for (const name of Object.keys(series)) expect(Array.from(again[name]!)).toEqual(Array.from(series[name]!));
    const labels = computeLabels(candles, r.meta.label);
    const from = Date.parse(r.meta.valid.from);
    const to = Date.parse(r.meta.valid.to);
    const rows = [...Array(candles.length).keys()].filter((i) => candles.time[i]! >= from && candles.time[i]! <= to && Number.isFinite(labels[i]!));
    expect(rows.length).toBe(r.meta.valid.rows);
    const truth = rows.map((i) => labels[i]!);
    if (kind === 'lstm-forecast') {
      const m = forecastMetrics(truth, rows.map((i) => series.forecast![i]!));
      const stored = r.meta.validation.model as { mae: number; directionalAccuracy: number };
      expect(m.mae).toBeCloseTo(stored.mae, 7);
      expect(m.directionalAccuracy).toBeCloseTo(stored.directionalAccuracy, 2);
    } else {
      const pred = rows.map((i) => {
        const ps = [series.pDown![i]!, series.pFlat![i]!, series.pUp![i]!];
        return ps.indexOf(Math.max(...ps));
      });
      const m = classifierMetrics(truth, pred);
      expect(m.accuracy).toBeCloseTo((r.meta.validation.model as { accuracy: number }).accuracy, 2);
    }
    p.dispose();
  }, 180_000);

  it('save → load through the file IO handler gives identical predictions', async () => {
    const { tf } = await useBackend(MODEL_KINDS[kind].need as BackendNeed);
    const lookback = 10;
    const feats = computeFeatures(candles, features, { timeframeMs: 3_600_000 });
    const rows = usableRows(feats, null, lookback, candles.length);
    const matrix = scaledMatrix(feats, { mean: features.map(() => 0), std: features.map(() => 0.01) }, candles.length);
    const model = buildModel(tf, kind, { lookback, features: features.length, units: 6, seed: 5 });
    const x = tf.tensor3d(Float32Array.from({ length: 64 * lookback * features.length }, (_, k) => Math.sin(k)), [64, lookback, features.length]);
    const y = MODEL_KINDS[kind].task === 'forecast' ? tf.tensor2d(Float32Array.from({ length: 64 }, (_, k) => Math.cos(k)), [64, 1]) : tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, k) => k % 3), 'int32'), 3).toFloat();
    await model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const before = predictRows(tf, model, matrix, features.length, rows, lookback);
    const dir = mkdtempSync(join(root, 'saved-'));
    await model.save(fileHandler(dir));
    const loaded = await tf.loadLayersModel(fileHandler(dir));
    const after = predictRows(tf, loaded, matrix, features.length, rows, lookback);
    expect(after.length).toBe(before.length);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(new Set(Array.from(before).map((v) => v.toFixed(6))).size).toBeGreaterThan(10);
    for (const t of [x, y]) t.dispose();
    model.dispose();
    loaded.dispose();
  }, 120_000);
});
