// The overfitting statistics of an optimisation, from their published formulas:
// - PBO, the Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey,
//   Borwein, López de Prado, Zhu, "The Probability of Backtest Overfitting", J. Computational Finance 2017);
// - DSR, the Deflated Sharpe Ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio", J. Portfolio
//   Management 2014).
// Both work on per-period (daily) returns, not annualised.

const EULER_GAMMA = 0.5772156649015329;

/** Standard normal CDF Φ(x), via erfc (relative error near 1e-14 across the range the statistics use). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function: the Maclaurin series of erf below |x| = 2.5, Lentz's continued fraction above. */
function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    // erf by its Maclaurin series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)).
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz's continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))).
    let f = ax;
    let c = ax;
    let d = 0;
    for (let n = 1; n < 500; n++) {
      const a = n / 2;
      d = ax + a * d;
      d = d === 0 ? 1e-300 : 1 / d;
      c = ax + a / c;
      if (c === 0) c = 1e-300;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x >= 0 ? r : 2 - r;
}

/** Inverse standard normal CDF Φ⁻¹(p): Acklam's rational approximation, polished by one Halley step. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Sharpe ratio per period: mean / std (0 when std is 0). */
  sharpe: number;
  skewness: number;
  /** Kurtosis (not excess): 3 for a normal distribution. */
  kurtosis: number;
}

/** Mean, sample std, per-period Sharpe, skewness and kurtosis (population moments, as in the DSR paper). */
export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const pm2 = n > 0 ? m2 / n : 0;
  return {
    n,
    mean,
    std,
    sharpe: std > 0 ? mean / std : 0,
    skewness: pm2 > 0 ? m3 / n / Math.pow(pm2, 1.5) : 0,
    kurtosis: pm2 > 0 ? m4 / n / (pm2 * pm2) : 3,
  };
}

export interface DsrInput {
  /** The winner's per-period Sharpe ratio SR*. */
  sharpe: number;
  /** Number of returns T behind that Sharpe ratio. */
  observations: number;
  skewness: number;
  /** Kurtosis, not excess (3 for normal returns). */
  kurtosis: number;
  /** Independent trials N: every configuration ever tried on this strategy, market and span. */
  trials: number;
  /** Variance of the trials' per-period Sharpe ratios, V[{SR_n}]. */
  sharpeVariance: number;
}

export interface DsrResult {
  /** Expected maximum Sharpe ratio of N unskilled trials, SR₀. */
  expectedMaxSharpe: number;
  /** Probability that the true Sharpe ratio exceeds SR₀: the Deflated Sharpe Ratio. */
  dsr: number;
}

/**
 * DSR = Φ( (SR* − SR₀) √(T − 1) / √(1 − γ₃ SR* + (γ₄ − 1)/4 · SR*²) ),
 * SR₀ = √V[SR_n] · ((1 − γ) Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))), γ the Euler–Mascheroni constant.
 */
export function deflatedSharpe(input: DsrInput): DsrResult {
  const { sharpe: sr, observations: t, skewness, kurtosis, trials: n, sharpeVariance } = input;
  const expectedMaxSharpe =
    n > 1 ? Math.sqrt(Math.max(0, sharpeVariance)) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / n) + EULER_GAMMA * normalQuantile(1 - 1 / (n * Math.E))) : 0;
  const denom = 1 - skewness * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (t < 2 || !(denom > 0)) return { expectedMaxSharpe, dsr: NaN };
  return { expectedMaxSharpe, dsr: normalCdf(((sr - expectedMaxSharpe) * Math.sqrt(t - 1)) / Math.sqrt(denom)) };
}

export interface PboResult {
  /** Share of the C(S, S/2) splits whose in-sample best lands at or below the out-of-sample median. */
  pbo: number;
  /** Logits λ_c of the in-sample best's out-of-sample relative rank, one per split. */
  logits: Float64Array;
  splits: number;
  blocks: number;
  /** Probability of loss: share of splits where the in-sample best's out-of-sample Sharpe ratio is below 0. */
  probLoss: number;
}

/**
 * PBO by CSCV. `returns[k]` is configuration k's per-period return series (all of length T). Rows are cut into
 * S contiguous blocks; for each of the C(S, S/2) ways to pick S/2 blocks as in-sample (the rest out-of-sample),
 * the configuration with the best in-sample Sharpe ratio (first one on ties) is ranked among all out-of-sample
 * Sharpe ratios: ω = rank/(N+1) (rank 1 = worst, ties at their average rank), λ = ln(ω/(1−ω)).
 * PBO = #{λ ≤ 0} / C(S, S/2).
 */
export function pboCscv(returns: readonly Float64Array[], blocks = 16): PboResult {
  const n = returns.length;
  if (blocks < 2 || blocks % 2 !== 0) throw new RangeError(`PBO needs an even number of blocks >= 2, got ${blocks}`);
  if (n < 2) throw new RangeError('PBO needs at least two configurations');
  const t = returns[0]!.length;
  if (returns.some((r) => r.length !== t)) throw new RangeError('every configuration needs the same number of returns');
  if (t < blocks * 2) throw new RangeError(`PBO with ${blocks} blocks needs at least ${blocks * 2} returns, got ${t}`);
  // Per block and configuration: count, sum and sum of squares, so any union of blocks is O(S) per configuration.
  const sums = new Float64Array(blocks * n);
  const sqs = new Float64Array(blocks * n);
  const counts = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const lo = Math.floor((b * t) / blocks);
    const hi = Math.floor(((b + 1) * t) / blocks);
    counts[b] = hi - lo;
    for (let k = 0; k < n; k++) {
      const r = returns[k]!;
      let s = 0;
      let q = 0;
      for (let i = lo; i < hi; i++) {
        s += r[i]!;
        q += r[i]! * r[i]!;
      }
      sums[b * n + k] = s;
      sqs[b * n + k] = q;
    }
  }
  const totalSum = new Float64Array(n);
  const totalSq = new Float64Array(n);
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < n; k++) {
      totalSum[k]! += sums[b * n + k]!;
      totalSq[k]! += sqs[b * n + k]!;
    }
  }
  const sharpeOf = (s: number, q: number, m: number): number => {
    const mean = s / m;
    const v = (q - m * mean * mean) / (m - 1);
    return v > 1e-300 ? mean / Math.sqrt(v) : 0;
  };
  const logits: number[] = [];
  let losses = 0;
  // In-sample sums by prefix of the chosen blocks: level d holds blocks chosen[0..d] added in that order.
  // Lexicographic order changes only a suffix from one split to the next, so only those levels are redone;
  // the additions are the same as summing the chosen blocks from scratch (identical numbers, ~4× fewer).
  const half = blocks / 2;
  const levelSum = Array.from({ length: half }, () => new Float64Array(n));
  const levelSq = Array.from({ length: half }, () => new Float64Array(n));
  const levelCount = new Float64Array(half);
  let previous: number[] | null = null;
  const oos = new Float64Array(n);
  for (const chosen of combinations(blocks, half)) {
    let from = 0;
    if (previous) while (from < half && previous[from] === chosen[from]) from++;
    for (let d = from; d < half; d++) {
      const b = chosen[d]!;
      const off = b * n;
      const s = levelSum[d]!;
      const q = levelSq[d]!;
      if (d === 0) {
        for (let k = 0; k < n; k++) {
          s[k] = 0 + sums[off + k]!;
          q[k] = 0 + sqs[off + k]!;
        }
        levelCount[0] = counts[b]!;
      } else {
        const ps = levelSum[d - 1]!;
        const pq = levelSq[d - 1]!;
        for (let k = 0; k < n; k++) {
          s[k] = ps[k]! + sums[off + k]!;
          q[k] = pq[k]! + sqs[off + k]!;
        }
        levelCount[d] = levelCount[d - 1]! + counts[b]!;
      }
    }
    previous = chosen;
    const isSum = levelSum[half - 1]!;
    const isSq = levelSq[half - 1]!;
    const m = levelCount[half - 1]!;
    const mo = t - m;
    let best = 0;
    let bestSr = -Infinity;
    for (let k = 0; k < n; k++) {
      const sr = sharpeOf(isSum[k]!, isSq[k]!, m);
      if (sr > bestSr) {
        bestSr = sr;
        best = k;
      }
      oos[k] = sharpeOf(totalSum[k]! - isSum[k]!, totalSq[k]! - isSq[k]!, mo);
    }
    const target = oos[best]!;
    let below = 0;
    let equal = 0;
    for (let k = 0; k < n; k++) {
      if (oos[k]! < target) below++;
      else if (oos[k] === target) equal++;
    }
    const rank = below + (equal + 1) / 2;
    const w = rank / (n + 1);
    logits.push(Math.log(w / (1 - w)));
    if (target < 0) losses++;
  }
  const splits = logits.length;
  return { pbo: logits.filter((l) => l <= 0).length / splits, logits: Float64Array.from(logits), splits, blocks, probLoss: losses / splits };
}

/** Every k-subset of {0..n-1}, in lexicographic order. */
export function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}
