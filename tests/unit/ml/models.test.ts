// Training, saving and loading models: seeded reproducibility, the transformer's custom layers surviving
// save → load with identical predictions, refusal of a model whose feature spec differs, and a cancelled
// training in a worker thread that leaves nothing behind. Tiny models and windows keep it fast.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seriesPrefix } from '../../../src/core/candle.js';
import { parseLabel } from '../../../src/ml/labels.js';
import { findModel, listModels } from '../../../src/ml/registry.js';
import { DEFAULT_TRAIN, trainModel, type TrainSettings } from '../../../src/ml/train.js';
import { loadPredictor } from '../../../src/ml/predictor.js';
import { trainInWorker, TrainingCancelledError } from '../../../src/ml/worker.js';
import type { ModelKind } from '../../../src/ml/models.js';
import { loadCsvSeries } from '../../support/candles.js';
import { withSourceWorkers } from '../../support/source-workers.js';

const candles = seriesPrefix(loadCsvSeries('binance_BTCUSDT_1h.csv', 2000), 900);
const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
const root = mkdtempSync(join(tmpdir(), 'tradetui-ml-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function settings(kind: ModelKind, over: Partial<TrainSettings> = {}): TrainSettings {
  return {
    ...DEFAULT_TRAIN,
    kind,
    key,
    features: ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'],
    label: parseLabel(kind.includes('forecast') || kind === 'transformer' ? 'return:h=2' : 'direction:h=2,k=0.2'),
    lookback: 8,
    units: 8,
    epochs: 2,
    batchSize: 64,
    seed: 7,
    embargo: 2,
    patience: 5,
    ...over,
  };
}

const env = { dataDir: join(root, 'data'), timeframe: '1h' as const, externalSeries: () => null };
const dataRoot = join(root, 'data', 'models');

describe('training', () => {
  it('same data, settings and seed give the same weights and predictions', async () => {
    const a = await trainModel(settings('gru'), { candles, external: new Map() }, { root: dataRoot, id: 'gru-a' });
    const b = await trainModel(settings('gru'), { candles, external: new Map() }, { root: dataRoot, id: 'gru-b' });
    await trainModel(settings('gru', { seed: 8 }), { candles, external: new Map() }, { root: dataRoot, id: 'gru-c' });
    const weights = (id: string) => readFileSync(join(dataRoot, id, 'weights.bin'));
    expect(weights('gru-a').equals(weights('gru-b'))).toBe(true);
    expect(weights('gru-a').equals(weights('gru-c'))).toBe(false);
    expect(a.meta.dataHash).toBe(b.meta.dataHash);
    expect(a.meta.validation).toEqual(b.meta.validation);
    const pa = (await loadPredictor('gru-a', env, '1h')).compute(candles);
    const pb = (await loadPredictor('gru-b', env, '1h')).compute(candles);
    expect(Array.from(pa.pUp!)).toEqual(Array.from(pb.pUp!));
    // meta.json says what the model is and how it did, beside the baselines.
    expect(a.meta.kind).toBe('gru');
    expect(a.meta.featureSpec).toEqual({ version: 1, features: ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'], lookback: 8 });
    expect(Object.keys(a.meta.validation.baselines)).toEqual(['majority class', 'same as last candle']);
    expect(Date.parse(a.meta.train.to) + 2 * 2 * 3_600_000).toBeLessThan(Date.parse(a.meta.valid.from));
  }, 120_000);

  it('the transformer (custom causal attention layer) predicts the same after save → load', async () => {
    const r = await trainModel(settings('transformer'), { candles, external: new Map() }, { root: dataRoot, id: 'tf-a' });
    expect(r.meta.backend).toBe('cpu');
    const p1 = await loadPredictor('tf-a', env, '1h');
    const first = p1.compute(candles).forecast!;
    const p2 = await loadPredictor('tf-a', env, '1h');
    const second = p2.compute(candles).forecast!;
    expect(Array.from(second)).toEqual(Array.from(first));
    // The validation figures stored at training time are reproduced by the loaded model.
    const finite = Array.from(first).filter(Number.isFinite);
    expect(finite.length).toBeGreaterThan(800);
    expect(new Set(finite.map((x) => x.toFixed(8))).size).toBeGreaterThan(10);
  }, 120_000);

  it('causal attention: the prediction at i ignores candles after i', async () => {
    const p = await loadPredictor('tf-a', env, '1h');
    const full = p.compute(candles).forecast!;
    const cut = p.compute(seriesPrefix(candles, 500)).forecast!;
    for (let i = 0; i < 500; i++) expect(Object.is(cut[i], full[i])).toBe(true);
  }, 60_000);

  it('incremental update predicts only new windows and equals the full compute', async () => {
    const p = await loadPredictor('gru-a', env, '1h');
    const full = p.compute(candles);
    let series = p.compute(seriesPrefix(candles, 850));
    for (let n = 851; n <= 900; n++) series = p.extend(seriesPrefix(candles, n), series, n - 1);
    expect(Array.from(series.pUp!)).toEqual(Array.from(full.pUp!));
  }, 60_000);

  it('a model whose feature spec differs refuses to load, naming the difference', async () => {
    await trainModel(settings('mlp'), { candles, external: new Map() }, { root: dataRoot, id: 'mlp-old' });
    const file = join(dataRoot, 'mlp-old', 'meta.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    meta.featureSpec.version = 0;
    writeFileSync(file, JSON.stringify(meta));
    await expect(loadPredictor('mlp-old', env, '1h')).rejects.toThrow(/feature version 0, this tradetui computes version 1/);
    meta.featureSpec.version = 1;
    meta.featureSpec.features = ['ret1', 'ret4', 'vol24', 'volz', 'sentiment'];
    writeFileSync(file, JSON.stringify(meta));
    await expect(loadPredictor('mlp-old', env, '1h')).rejects.toThrow(/sentiment/);
  }, 60_000);

  it('classifier/forecaster mismatch with the label is a clear error', async () => {
    await expect(trainModel(settings('lstm', { label: parseLabel('return:h=2') }), { candles, external: new Map() }, { root: dataRoot, id: 'x' })).rejects.toThrow(
      /lstm is a classifier/,
    );
  });
});

describe('training in a worker thread', () => {
  it('reports progress and saves a model identical to the direct run', async () => {
    const epochs: number[] = [];
    // This worker starts from the sources through tsx; the others from the build (tests/support/source-workers.ts).
    const r = await withSourceWorkers(() => trainInWorker(settings('gru'), candles, new Map(), { root: dataRoot, id: 'gru-worker' }, { onEpoch: (p) => epochs.push(p.epoch) }).done);
    expect(epochs).toEqual([1, 2]);
    expect(r.meta.id).toBe('gru-worker');
    expect(readFileSync(join(dataRoot, 'gru-worker', 'weights.bin')).equals(readFileSync(join(dataRoot, 'gru-a', 'weights.bin')))).toBe(true);
  }, 120_000);

  it('cancel stops training and keeps nothing', async () => {
    const h = trainInWorker(settings('lstm', { epochs: 200, patience: 500 }), candles, new Map(), { root: dataRoot, id: 'lstm-cancelled' }, {
      onEpoch: () => h.cancel(),
    });
    await expect(h.done).rejects.toBeInstanceOf(TrainingCancelledError);
    expect(readdirSync(dataRoot).filter((n) => n.includes('lstm-cancelled'))).toEqual([]);
    expect(() => findModel({ data: dataRoot, project: join(root, 'none') }, 'lstm-cancelled')).toThrow(/no model "lstm-cancelled"/);
    expect(listModels({ data: dataRoot, project: join(root, 'none') }).map((e) => e.id)).not.toContain('lstm-cancelled');
  }, 120_000);

  it('cancel ends a tree fit that polls nothing (XGBoost rounds) after the grace period, and keeps nothing', async () => {
    let cancelledAt = 0;
    const h = trainInWorker(settings('gbt', { lookback: 3, epochs: 200_000 }), candles, new Map(), { root: dataRoot, id: 'gbt-cancelled' }, {
      // well inside the fit: the flag check before it has passed
      onStart: () => setTimeout(() => {
        cancelledAt = Date.now();
        h.cancel(300);
      }, 1500),
    });
    await expect(h.done).rejects.toBeInstanceOf(TrainingCancelledError);
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    await h.terminate();
    expect(readdirSync(dataRoot).filter((n) => n.includes('gbt-cancelled'))).toEqual([]);
  }, 120_000);
});
