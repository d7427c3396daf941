// PBO (CSCV) and the Deflated Sharpe Ratio against values worked out by hand from the published formulas.
import { describe, expect, it } from 'vitest';
import { combinations, deflatedSharpe, moments, normalCdf, normalQuantile, pboCscv } from '../../../src/optimize/stats.js';

/** Rows of 2 returns per block, in percent → fractions. */
const series = (blocks: number[][]): Float64Array => Float64Array.from(blocks.flat().map((x) => x / 100));

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874040841, 10);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 9);
  });
});

describe('PBO by combinatorially symmetric cross-validation (Bailey, Borwein, López de Prado, Zhu)', () => {
  // Three configurations over S = 4 blocks of 2 returns:
  //   A earns in blocks 0-1 and loses in 2-3, B the reverse, C earns a little everywhere (SR 0.866 on any union).
  // Splits (in-sample blocks, lexicographic): {0,1} best A (SR 1.73), A's OOS SR −1.73 is the lowest of 3: ω = 1/4,
  //   λ = ln(1/3) < 0. {2,3}: B likewise, λ = ln(1/3). {0,2} {0,3} {1,2} {1,3}: A and B average 0, so C is best
  //   in-sample and also best out-of-sample: ω = 3/4, λ = ln 3. PBO = #{λ ≤ 0}/6 = 2/6; the IS best loses OOS in 2/6.
  const A = series([[1, 3], [1, 3], [-3, -1], [-3, -1]]);
  const B = series([[-3, -1], [-3, -1], [1, 3], [1, 3]]);
  const C = series([[0, 1], [0, 1], [0, 1], [0, 1]]);

  it('gives the hand-computed logits and PBO = 1/3', () => {
    const r = pboCscv([A, B, C], 4);
    expect(r.splits).toBe(6);
    const l3 = Math.log(3);
    expect([...r.logits].map((x) => Number(x.toFixed(12)))).toEqual([-l3, l3, l3, l3, l3, -l3].map((x) => Number(x.toFixed(12))));
    expect(r.pbo).toBeCloseTo(1 / 3, 15);
    expect(r.probLoss).toBeCloseTo(1 / 3, 15);
  });

  it('does not depend on the order of configurations', () => {
    expect(pboCscv([C, B, A], 4).pbo).toBeCloseTo(1 / 3, 15);
  });

  it('counts λ = 0 as overfit, as the paper does: identical configurations give PBO 1', () => {
    // Two equal configurations tie out of sample: rank (0 + 3/2) = 1.5, ω = 1.5/3 = 0.5, λ = 0 at every split.
    const r = pboCscv([C, Float64Array.from(C)], 4);
    expect([...r.logits]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.pbo).toBe(1);
  });

  it('uses C(16, 8) = 12,870 splits by default', () => {
    const n = 64;
    const mk = (k: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin(i * (k + 1)) / 100);
    expect(pboCscv([mk(0), mk(1), mk(2)]).splits).toBe(12870);
  });

  it('refuses inputs the method is undefined for', () => {
    expect(() => pboCscv([C], 4)).toThrow(/two configurations/);
    expect(() => pboCscv([A, B], 3)).toThrow(/even/);
    expect(() => pboCscv([A, B], 16)).toThrow(/at least 32 returns/);
  });

  it('enumerates combinations lexicographically', () => {
    expect([...combinations(4, 2)]).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
  });
});

describe('Deflated Sharpe Ratio (Bailey & López de Prado 2014)', () => {
  it("reproduces the paper's example: SR 2.5 a year, T = 1250 days, skew −3, kurtosis 10, N = 100, V[SR] = 0.5 → DSR 0.9004", () => {
    // Per day (250 a year): SR* = 2.5/√250 = 0.158114, V = 0.5/250 = 0.002.
    // SR₀ = √0.002 · ((1−γ)Φ⁻¹(0.99) + γΦ⁻¹(1 − 1/(100e))) = 0.0447214 · 2.530607 = 0.113172.
    // z = (0.158114 − 0.113172)·√1249 / √(1 + 3·0.158114 + 9/4·0.025) = 1.588396/1.237172 = 1.283816; Φ(z) = 0.900397.
    const r = deflatedSharpe({ sharpe: 2.5 / Math.sqrt(250), observations: 1250, skewness: -3, kurtosis: 10, trials: 100, sharpeVariance: 0.5 / 250 });
    expect(r.expectedMaxSharpe).toBeCloseTo(0.113172, 6);
    expect(r.dsr).toBeCloseTo(0.900397, 6);
  });

  it('is the Probabilistic Sharpe Ratio against 0 when the trials do not vary (SR₀ = 0)', () => {
    // Normal returns (skew 0, kurtosis 3), SR 0.1, T = 101: z = 0.1·10/√(1 + 0.005) = 0.997509, Φ(z) = 0.840741.
    const r = deflatedSharpe({ sharpe: 0.1, observations: 101, skewness: 0, kurtosis: 3, trials: 50, sharpeVariance: 0 });
    expect(r.expectedMaxSharpe).toBe(0);
    expect(r.dsr).toBeCloseTo(0.8407413, 7);
  });

  it('falls as the number of trials on record grows', () => {
    const base = { sharpe: 0.1, observations: 500, skewness: 0, kurtosis: 3, sharpeVariance: 0.001 };
    const few = deflatedSharpe({ ...base, trials: 10 }).dsr;
    const many = deflatedSharpe({ ...base, trials: 10_000 }).dsr;
    expect(few).toBeGreaterThan(many);
  });
});

describe('moments', () => {
  it('computes sample std, population skewness and kurtosis', () => {
    // [1, 2, 3, 10]: mean 4, deviations −3 −2 −1 6; m2 = 50/4 = 12.5, m3 = (−27 −8 −1 +216)/4 = 45, m4 = (81+16+1+1296)/4 = 348.5.
    const m = moments([1, 2, 3, 10]);
    expect(m.mean).toBe(4);
    expect(m.std).toBeCloseTo(Math.sqrt(50 / 3), 12);
    expect(m.skewness).toBeCloseTo(45 / Math.pow(12.5, 1.5), 12);
    expect(m.kurtosis).toBeCloseTo(348.5 / 156.25, 12);
  });
});
