// Return series and their tail risk: historical and parametric (Gaussian) value at risk and expected
// shortfall. Losses are positive fractions of equity (0.02 = a 2% loss).
//
// Definitions (docs/risk.md): with n returns sorted ascending r(1) ≤ … ≤ r(n) and k = ceil(n × (1 − α)),
//   historical VaR_α = −r(k)                       (the k-th worst return)
//   historical ES_α  = −mean(r(1) … r(k))          (the mean of the k worst, VaR included)
//   parametric VaR_α = z_α·σ − μ,  ES_α = σ·φ(z_α)/(1 − α) − μ    (μ mean, σ sample stdev, z the normal quantile)
import { DAY_MS } from '../../../core/time.js';

/** r[i] = e[i+1] / e[i] − 1 (length n − 1); a non-positive equity ends the series (the account is gone). */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const n = equity.length;
  const out = new Float64Array(Math.max(0, n - 1));
  let m = 0;
  for (let i = 1; i < n; i++) {
    const prev = equity[i - 1]!;
    if (!(prev > 0)) break;
    out[m++] = equity[i]! / prev - 1;
  }
  return out.subarray(0, m);
}

/** Returns from one UTC day's last equity to the next's; the first day is measured from the first value. */
export function dailyReturns(times: ArrayLike<number>, equity: ArrayLike<number>): Float64Array {
  const closes: number[] = [];
  if (equity.length === 0) return new Float64Array(0);
  closes.push(equity[0]!);
  let day = Math.floor(times[0]! / DAY_MS);
  let last = equity[0]!;
  for (let i = 1; i < equity.length; i++) {
    const d = Math.floor(times[i]! / DAY_MS);
    if (d !== day) {
      closes.push(last);
      day = d;
    }
    last = equity[i]!;
  }
  closes.push(last);
  return simpleReturns(closes);
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : NaN;
}

/** Sample standard deviation (n − 1). */
export function stdev(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

export interface TailRisk {
  var: number;
  es: number;
}

export function historicalTail(returns: ArrayLike<number>, confidence: number): TailRisk | null {
  const n = returns.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(returns).sort();
  const k = Math.max(1, Math.ceil(n * (1 - confidence) - 1e-9));
  let s = 0;
  for (let i = 0; i < k; i++) s += sorted[i]!;
  return { var: -sorted[k - 1]!, es: -s / k };
}

export function parametricTail(returns: ArrayLike<number>, confidence: number): TailRisk | null {
  if (returns.length < 2) return null;
  const mu = mean(returns);
  const sigma = stdev(returns);
  const z = normalQuantile(confidence);
  const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return { var: z * sigma - mu, es: (sigma * pdf) / (1 - confidence) - mu };
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9), enough for
 * risk figures quoted to a few digits.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Linear-interpolation percentile (the common "type 7"): p in 0..100 over an ascending array. */
export function percentile(sortedAsc: ArrayLike<number>, p: number): number {
  const n = sortedAsc.length;
  if (n === 0) return NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sortedAsc[lo]! + (h - lo) * (sortedAsc[hi]! - sortedAsc[lo]!);
}

/** Pearson correlation of two equally long series; null when either is constant or too short. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}
