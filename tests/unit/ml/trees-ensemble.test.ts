// The tree model (gbt, XGBoost) and the ensemble: gbt is reproducible with a seed and predicts the same after
// save → load; the ensemble's weights come from the members' validation candles only (candles after that span,
// changed or removed, move no weight), and members that cannot be combined are refused naming why.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seriesPrefix, type CandleSeries } from '../../../src/core/candle.js';
import { checkMembers, fitEnsemble, learnWeights } from '../../../src/ml/ensemble.js';
import { parseLabel } from '../../../src/ml/labels.js';
import { classifierMetrics } from '../../../src/ml/metrics.js';
import { computeLabels } from '../../../src/ml/labels.js';
import { loadPredictor } from '../../../src/ml/predictor.js';
import { findModel, registryDirs } from '../../../src/ml/registry.js';
import { DEFAULT_TRAIN, trainModel, type TrainSettings } from '../../../src/ml/train.js';
import type { ModelKind } from '../../../src/ml/models.js';
import { loadCsvSeries } from '../../support/candles.js';

const candles = seriesPrefix(loadCsvSeries('binance_BTCUSDT_1h.csv', 2500), 1500);
const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
const root = mkdtempSync(join(tmpdir(), 'tradetui-ml-trees-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'data');
const dataRoot = join(dataDir, 'models');
const env = { dataDir, timeframe: '1h' as const, externalSeries: () => null };
const dirs = registryDirs(dataDir);

function settings(kind: ModelKind, over: Partial<TrainSettings> = {}): TrainSettings {
  return {
    ...DEFAULT_TRAIN,
    kind,
    key,
    features: ['ret1', 'ret4', 'vol24', 'volz', 'rsi14'],
    label: parseLabel(kind.includes('forecast') ? 'return:h=2' : 'direction:h=2,k=0.2'),
    lookback: kind === 'gbt' ? 3 : 8,
    units: 8,
    epochs: kind === 'gbt' ? 20 : 2,
    batchSize: 64,
    seed: 7,
    embargo: 2,
    patience: 5,
    ...over,
  };
}

describe('gbt (gradient-boosted trees)', () => {
  it('same rows, settings and seed give the same trees; another seed others; save → load predicts what training validated', async () => {
    const a = await trainModel(settings('gbt'), { candles, external: new Map() }, { root: dataRoot, id: 'gbt-a' });
    await trainModel(settings('gbt'), { candles, external: new Map() }, { root: dataRoot, id: 'gbt-b' });
    await trainModel(settings('gbt', { seed: 8 }), { candles, external: new Map() }, { root: dataRoot, id: 'gbt-c' });
    const bytes = (id: string) => readFileSync(join(dataRoot, id, 'model.bin'));
    expect(bytes('gbt-a').length).toBeGreaterThan(1000);
    expect(bytes('gbt-a').equals(bytes('gbt-b'))).toBe(true);
    expect(bytes('gbt-a').equals(bytes('gbt-c'))).toBe(false);
    expect(a.meta.kind).toBe('gbt');
    expect(a.meta.backend).toBe('xgboost-wasm');
    expect(Object.keys(a.meta.validation.baselines)).toEqual(['majority class', 'same as last candle']);

    // The loaded trees reproduce, row for row, the validation figures computed from the trees in memory.
    const p = await loadPredictor('gbt-a', env, '1h');
    const series = p.compute(candles);
    const labels = computeLabels(candles, a.meta.label);
    const validFrom = Date.parse(a.meta.valid.from);
    const validTo = Date.parse(a.meta.valid.to);
    const truth: number[] = [];
    const pred: number[] = [];
    for (let i = 0; i < candles.length; i++) {
      const t = candles.time[i]!;
      if (t < validFrom || t > validTo || !Number.isFinite(labels[i]!)) continue;
      const probs = [series.pDown![i]!, series.pFlat![i]!, series.pUp![i]!];
      expect(probs.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      truth.push(labels[i]!);
      pred.push(probs.indexOf(Math.max(...probs)));
    }
    expect(truth.length).toBe(a.meta.valid.rows);
    expect(classifierMetrics(truth, pred)).toEqual(a.meta.validation.model);
    // Incremental inference gives what the whole-series computation gave.
    const again = p.extend(candles, p.compute(seriesPrefix(candles, 1400)), 1400);
    expect(Array.from(again.pUp!)).toEqual(Array.from(series.pUp!));
    p.dispose();
  }, 120_000);
});

describe('ensemble', () => {
  it('learnWeights puts the weight on the member that is right more often and sums to 1', () => {
    const good = Float64Array.from({ length: 200 }, (_, k) => (k % 10 === 0 ? 0.2 : 0.8));
    const noise = Float64Array.from({ length: 200 }, () => 1 / 3);
    const w = learnWeights([noise, good]);
    expect(w[0]! + w[1]!).toBeCloseTo(1, 12);
    expect(w[1]!).toBeGreaterThan(0.9);
    expect(learnWeights([good, good])).toEqual([0.5, 0.5]);
  });

  it('weights come from the validation span only: later candles, changed or cut, move nothing', async () => {
    await trainModel(settings('mlp'), { candles, external: new Map() }, { root: dataRoot, id: 'mlp-m' });
    const members = [findModel(dirs, 'mlp-m'), findModel(dirs, 'gbt-a')];
    const span = checkMembers(members);
    // Members trained on these candles hold out the same latest rows; the ensemble sees those and no later ones.
    const cut = candles.time.findIndex((t) => t > span.to);
    expect(cut).toBeGreaterThan(0);
    const later = seriesPrefix(loadCsvSeries('binance_BTCUSDT_1h.csv', 2500), 2500);
    // The same candles up to the span's end, then 1,000 more whose prices are scrambled.
    const scrambled: CandleSeries = { ...later, close: later.close.slice(), high: later.high.slice(), low: later.low.slice() };
    for (let i = cut; i < scrambled.length; i++) {
      const f = i % 3 === 0 ? 1.2 : 0.8;
      scrambled.close[i]! *= f;
      scrambled.high[i]! *= f * 1.01;
      scrambled.low[i]! *= f * 0.99;
    }
    const fit = (c: CandleSeries, id: string) => fitEnsemble({ dirs, env, members, candles: c, target: { root: dataRoot, id } });
    const a = await fit(seriesPrefix(candles, cut), 'ens-a');
    const b = await fit(later, 'ens-b');
    const c = await fit(scrambled, 'ens-c');
    expect(a.meta.ensemble!.members.map((m) => m.id)).toEqual(['mlp-m', 'gbt-a']);
    const weights = a.meta.ensemble!.members.map((m) => m.weight);
    expect(weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(b.meta.ensemble).toEqual(a.meta.ensemble);
    expect(c.meta.ensemble).toEqual(a.meta.ensemble);
    expect(b.meta.validation).toEqual(a.meta.validation);
    expect(Date.parse(a.meta.validation.to)).toBeLessThanOrEqual(span.to);
    expect(Object.keys(a.meta.validation.baselines)).toEqual(['majority class', 'member mlp-m', 'member gbt-a']);

    // Loaded as a strategy series: the weighted average of the members' probabilities.
    const pe = await loadPredictor('ens-a', env, '1h');
    const pm = await loadPredictor('mlp-m', env, '1h');
    const pg = await loadPredictor('gbt-a', env, '1h');
    const se = pe.compute(later);
    const sm = pm.compute(later);
    const sg = pg.compute(later);
    const i = later.length - 1;
    expect(se.pUp![i]!).toBeCloseTo(weights[0]! * sm.pUp![i]! + weights[1]! * sg.pUp![i]!, 6);
    for (const p of [pe, pm, pg]) p.dispose();
  }, 180_000);

  it('refuses members that cannot be combined, naming why', async () => {
    await trainModel(settings('lstm-forecast'), { candles, external: new Map() }, { root: dataRoot, id: 'fc-m' });
    await trainModel(settings('gbt', { label: parseLabel('direction:h=3,k=0.2') }), { candles, external: new Map() }, { root: dataRoot, id: 'gbt-h3' });
    const e = (id: string) => findModel(dirs, id);
    expect(() => checkMembers([e('gbt-a')])).toThrow(/at least two members/);
    expect(() => checkMembers([e('gbt-a'), e('gbt-a')])).toThrow(/listed twice/);
    expect(() => checkMembers([e('gbt-a'), e('fc-m')])).toThrow(/fc-m is a forecaster/);
    expect(() => checkMembers([e('gbt-a'), e('gbt-h3')])).toThrow(/members must share the label/);
  }, 120_000);
});
