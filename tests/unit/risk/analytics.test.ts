import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random.js';
import {
  correlation,
  dailyReturns,
  historicalTail,
  monteCarlo,
  normalQuantile,
  parametricTail,
  percentile,
  riskReport,
  simpleReturns,
  tradeReturns,
} from '../../../src/engine/risk/analytics/index.js';

const DAY = 86_400_000;

describe('VaR and expected shortfall, by hand', () => {
  // 100 returns: five losses and 95 gains of 1%, shuffled (the estimator must sort)
  const returns = Array.from({ length: 95 }, () => 0.01);
  returns.splice(10, 0, -0.05);
  returns.splice(40, 0, -0.1);
  returns.splice(3, 0, -0.04);
  returns.splice(77, 0, -0.06);
  returns.splice(60, 0, -0.08);

  it('historical 95%: the 5th worst loss; ES the mean of the 5 worst', () => {
    const t = historicalTail(returns, 0.95)!;
    expect(t.var).toBeCloseTo(0.04, 12);
    expect(t.es).toBeCloseTo((0.1 + 0.08 + 0.06 + 0.05 + 0.04) / 5, 12);
  });

  it('historical 99%: the worst loss', () => {
    const t = historicalTail(returns, 0.99)!;
    expect(t.var).toBeCloseTo(0.1, 12);
    expect(t.es).toBeCloseTo(0.1, 12);
  });

  it('parametric: z·σ − μ and σ·φ(z)/(1−α) − μ with the sample σ', () => {
    const r = [0.01, -0.01, 0.03, -0.03]; // μ 0, σ √(0.002/3)
    const p95 = parametricTail(r, 0.95)!;
    expect(p95.var).toBeCloseTo(0.042469938027546124, 8);
    expect(p95.es).toBeCloseTo(0.05325901567656675, 8);
    const p99 = parametricTail(r, 0.99)!;
    expect(p99.var).toBeCloseTo(0.06006604382430137, 8);
    expect(p99.es).toBeCloseTo(0.06881553526316332, 8);
    // a positive mean lowers both
    expect(parametricTail(r.map((x) => x + 0.01), 0.95)!.var).toBeCloseTo(0.0324699380275461, 8);
  });

  it('normal quantile matches known values', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 8);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('no returns, no figure', () => {
    expect(historicalTail([], 0.95)).toBeNull();
    expect(parametricTail([0.01], 0.95)).toBeNull();
  });
});

describe('return series', () => {
  it('per candle from equity', () => {
    const r = simpleReturns([100, 110, 99]);
    expect(r[0]).toBeCloseTo(0.1, 12);
    expect(r[1]).toBeCloseTo(-0.1, 12);
  });

  it('daily: last equity of each UTC day against the previous day', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const times = [t0, t0 + 12 * 3_600_000, t0 + DAY, t0 + DAY + 3_600_000, t0 + 2 * DAY];
    const r = dailyReturns(times, [100, 105, 90, 84, 100]);
    // day 1 ends at 105 (from the first value 100), day 2 at 84, day 3 at 100
    expect(Array.from(r).map((x) => +x.toFixed(12))).toEqual([0.05, -0.2, +(100 / 84 - 1).toFixed(12)]);
  });

  it('per-trade returns on the equity before each trade, in exit order', () => {
    const r = tradeReturns([{ pnl: -50, exitTime: 2 }, { pnl: 100, exitTime: 1 }], 1000);
    expect(r[0]).toBeCloseTo(0.1, 12);
    expect(r[1]).toBeCloseTo(-50 / 1100, 12);
  });
});

describe('Monte Carlo of the trade sequence', () => {
  const rets = [0.05, -0.03, 0.02, -0.08, 0.04, 0.01, -0.02, 0.06, -0.05, 0.03];

  it('is reproducible from its seed and differs with another seed', () => {
    const a = monteCarlo(rets, { paths: 500, seed: 42, startEquity: 10_000, guardPct: 10 });
    const b = monteCarlo(rets, { paths: 500, seed: 42, startEquity: 10_000, guardPct: 10 });
    const c = monteCarlo(rets, { paths: 500, seed: 43, startEquity: 10_000, guardPct: 10 });
    expect(b).toEqual(a);
    expect(c.finalEquity).not.toEqual(a.finalEquity);
    expect(a.finalEquity.p5).toBeLessThan(a.finalEquity.p50);
    expect(a.finalEquity.p50).toBeLessThan(a.finalEquity.p95);
    expect(a.maxDrawdownPct.p50).toBeLessThanOrEqual(a.maxDrawdownPct.p95);
    expect(a.probDrawdownGuard).toBeGreaterThan(0);
    expect(a.probDrawdownGuard).toBeLessThan(1);
  });

  it('hand cases: identical trades give one outcome; a single 50% loss always hits a 20% guard', () => {
    const same = monteCarlo([0.1, 0.1], { paths: 50, seed: 1, startEquity: 100, guardPct: 20 });
    expect(same.finalEquity.p5).toBeCloseTo(121, 9);
    expect(same.finalEquity.p95).toBeCloseTo(121, 9);
    expect(same.maxDrawdownPct.p99).toBe(0);
    expect(same.probDrawdownGuard).toBe(0);
    const loss = monteCarlo([-0.5], { paths: 10, seed: 1, startEquity: 100, guardPct: 20 });
    expect(loss.finalEquity.p50).toBe(50);
    expect(loss.maxDrawdownPct.p50).toBe(50);
    expect(loss.probDrawdownGuard).toBe(1);
  });

  it('the PRNG is mulberry32 (values from the reference implementation), so seeds mean the same everywhere', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => Math.round(x * 4294967296))).toEqual([2693262067, 11749833, 2265367787]);
  });

  it('percentile interpolates linearly', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
  });
});

describe('correlation and the report', () => {
  it('Pearson correlation: +1, −1, null for a constant series', () => {
    const x = [1, 3, 2, 5, 4];
    expect(correlation(x, x.map((v) => 2 * v + 1))).toBeCloseTo(1, 12);
    expect(correlation(x, x.map((v) => -v))).toBeCloseTo(-1, 12);
    expect(correlation(x, [2, 2, 2, 2, 2])).toBeNull();
  });

  it('flags two symbols that move together as a concentration', () => {
    const a = [100, 101, 99, 102, 104, 103, 105];
    const b = a.map((v) => v * 2 + 3);
    const times = a.map((_, i) => Date.UTC(2024, 0, 1) + i * DAY);
    const rep = riskReport(
      { equityTimes: times, equity: a, trades: [{ pnl: 5, exitTime: 1, symbol: 'A' }, { pnl: -3, exitTime: 2, symbol: 'B' }], startEquity: 100, closes: { A: a, B: b } },
      { paths: 100, seed: 7, guardPct: 20, correlationWarn: 0.8 },
    );
    expect(rep.correlation!.symbols).toEqual(['A', 'B']);
    expect(rep.correlation!.matrix[0]![1]).toBeGreaterThan(0.99);
    expect(rep.warnings.some((w) => w.startsWith('concentration: A and B'))).toBe(true);
    expect(rep.var.p95).toBe(rep.perCandle.historical.var.p95);
    expect(rep.monteCarlo.paths).toBe(100);
  });
});
