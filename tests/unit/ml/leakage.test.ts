// No leakage: features at candle i ignore candles after i; labels are what they say; no training row's label
// reaches into its validation block (purge + embargo); external series are joined as published.
import { describe, expect, it } from 'vitest';
import { seriesPrefix, type CandleSeries } from '../../../src/core/candle.js';
import { computeFeatures, joinExternal, PRICE_FEATURE_LIST, type ExternalSeries } from '../../../src/ml/features.js';
import { CLASS_DOWN, CLASS_FLAT, CLASS_UP, computeLabels, parseLabel } from '../../../src/ml/labels.js';
import { fitScaler, purgedSplit, usableRows } from '../../../src/ml/dataset.js';
import { loadCsvSeries } from '../../support/candles.js';

const HOUR = 3_600_000;
const candles = loadCsvSeries('binance_BTCUSDT_1h.csv', 1500);

/** A copy of `s` whose candles from `from` on are replaced by wild values. */
function tamperAfter(s: CandleSeries, from: number): CandleSeries {
  const c = { length: s.length, time: s.time.slice(), open: s.open.slice(), high: s.high.slice(), low: s.low.slice(), close: s.close.slice(), volume: s.volume.slice() };
  for (let i = from; i < s.length; i++) {
    const k = 1 + ((i * 7919) % 13) / 10;
    c.open[i]! *= k;
    c.close[i]! *= 2 - k / 2;
    c.high[i] = Math.max(c.open[i]!, c.close[i]!) * 1.05;
    c.low[i] = Math.min(c.open[i]!, c.close[i]!) * 0.9;
    c.volume[i]! *= k * 3;
  }
  return c;
}

describe('features are causal', () => {
  it('every price feature at candle i is unchanged when candles after i change or are cut', () => {
    const full = computeFeatures(candles, PRICE_FEATURE_LIST, { timeframeMs: HOUR });
    for (const cut of [60, 300, 999]) {
      const tampered = computeFeatures(tamperAfter(candles, cut + 1), PRICE_FEATURE_LIST, { timeframeMs: HOUR });
      const prefix = computeFeatures(seriesPrefix(candles, cut + 1), PRICE_FEATURE_LIST, { timeframeMs: HOUR });
      PRICE_FEATURE_LIST.forEach((name, f) => {
        for (let i = 0; i <= cut; i++) {
          expect(Object.is(tampered[f]![i], full[f]![i]), `${name}[${i}] with candles after ${cut} changed`).toBe(true);
          expect(Object.is(prefix[f]![i], full[f]![i]), `${name}[${i}] with candles after ${cut} cut`).toBe(true);
        }
        // And the tampering is visible after the cut, so the test can fail.
        if (name === 'ret1') expect(tampered[f]![cut + 2]).not.toBe(full[f]![cut + 2]);
      });
    }
  });

  it('an external daily value counts only from the end of its day', () => {
    const DAY = 24 * HOUR;
    const day0 = Date.UTC(2024, 0, 1);
    const ext: ExternalSeries = { name: 'fg', availableFrom: Float64Array.from([day0 + DAY, day0 + 2 * DAY]), value: Float64Array.from([10, 20]) };
    const times = Array.from({ length: 49 }, (_, k) => day0 + k * HOUR);
    const s = { length: times.length, time: Float64Array.from(times) } as unknown as CandleSeries;
    const joined = joinExternal(s, HOUR, ext);
    // 1h candle opening 22:00 on day 0 closes 23:00: day 0's value is not out yet.
    expect(joined[22]).toBeNaN();
    // Candle 23:00 closes at 00:00 of day 1, when day 0's value is published.
    expect(joined[23]).toBe(10);
    expect(joined[46]).toBe(10);
    expect(joined[47]).toBe(20);
  });
});

describe('labels', () => {
  it('direction labels follow the forward return against the dead zone', () => {
    const spec = parseLabel('direction:h=3,k=0');
    const y = computeLabels(candles, spec);
    for (let i = 30; i < 200; i++) {
      const r = Math.log(candles.close[i + 3]! / candles.close[i]!);
      expect(y[i]).toBe(r > 0 ? CLASS_UP : r < 0 ? CLASS_DOWN : CLASS_FLAT);
    }
    expect(y[candles.length - 1]).toBeNaN();
    expect(y[candles.length - 3]).toBeNaN();
  });

  it('triple barrier: first touched barrier wins, vertical barrier gives flat', () => {
    const y = computeLabels(candles, parseLabel('triple-barrier:h=24,k=1'));
    const counts = [0, 0, 0];
    for (const v of y) if (!Number.isNaN(v)) counts[v]!++;
    expect(counts[CLASS_UP]).toBeGreaterThan(0);
    expect(counts[CLASS_DOWN]).toBeGreaterThan(0);
    expect(counts[CLASS_FLAT]).toBeGreaterThan(0);
  });

  it('bad label strings name the problem', () => {
    expect(() => parseLabel('sideways')).toThrow(/unknown label "sideways"/);
    expect(() => parseLabel('direction:h=0')).toThrow(/horizon/);
    expect(() => parseLabel('return:k=2')).toThrow(/no option k/);
  });
});

describe('purged, embargoed, time-ordered split', () => {
  it('no training label reaches into validation, and the embargo gap holds', () => {
    const horizon = 24;
    const embargo = 12;
    const feats = computeFeatures(candles, ['ret1', 'vol24'], { timeframeMs: HOUR });
    const labels = computeLabels(candles, parseLabel(`direction:h=${horizon}`));
    const rows = usableRows(feats, labels, 30, candles.length);
    const split = purgedSplit(rows, { validFraction: 0.25, horizon, embargo });
    const firstValid = split.valid[0]!;
    expect(split.train.length).toBeGreaterThan(500);
    expect(split.purged).toBe(horizon + embargo);
    for (const i of split.train) {
      expect(i + horizon).toBeLessThan(firstValid - embargo);
    }
    // Time order, no shuffling: train strictly before validation, both ascending.
    expect(split.train.at(-1)!).toBeLessThan(firstValid);
    expect([...split.train].sort((a, b) => a - b)).toEqual(split.train);
    expect([...split.valid].sort((a, b) => a - b)).toEqual(split.valid);
  });

  it('the scaler sees training rows only', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 1000));
    const s = fitScaler([x], Array.from({ length: 50 }, (_, i) => i));
    expect(s.mean[0]).toBe(1);
  });
});
