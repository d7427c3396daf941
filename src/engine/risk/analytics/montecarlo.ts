// Monte Carlo of a run's trade sequence: each path draws the run's per-trade returns with replacement
// (bootstrap, seeded), compounds them from the starting equity and records the final equity and the
// maximum drawdown. Answers "how bad could this have gone with the same trades in another order/mix".
import { percentile } from './stats.js';
import { mulberry32 } from '../../../core/random.js';


export interface MonteCarloOptions {
  paths: number;
  seed: number;
  startEquity: number;
  /** Drawdown (percent) at which the max drawdown guard would halt; null when none is set. */
  guardPct: number | null;
  /** Called about every 1% of the paths (long runs show progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface MonteCarloResult {
  paths: number;
  seed: number;
  trades: number;
  finalEquity: { p5: number; p50: number; p95: number };
  /** Percent from the running peak. */
  maxDrawdownPct: { p50: number; p95: number; p99: number };
  /** Share of paths whose drawdown reached guardPct (null when no guard is set). */
  probDrawdownGuard: number | null;
  guardPct: number | null;
}

/** Per-trade returns on equity: each trade's P&L over the equity before it, trades in exit order. */
export function tradeReturns(trades: ReadonlyArray<{ pnl: number; exitTime: number }>, startEquity: number): Float64Array {
  const sorted = [...trades].sort((a, b) => a.exitTime - b.exitTime);
  const out = new Float64Array(sorted.length);
  let e = startEquity;
  for (let i = 0; i < sorted.length; i++) {
    out[i] = e > 0 ? sorted[i]!.pnl / e : 0;
    e += sorted[i]!.pnl;
  }
  return out;
}

export function monteCarlo(returns: ArrayLike<number>, o: MonteCarloOptions): MonteCarloResult {
  if (!Number.isInteger(o.paths) || o.paths < 1) throw new RangeError(`paths must be a positive integer, got ${o.paths}`);
  const n = returns.length;
  const finals = new Float64Array(o.paths);
  const dds = new Float64Array(o.paths);
  const rnd = mulberry32(o.seed);
  let hits = 0;
  const every = Math.max(1, Math.floor(o.paths / 100));
  for (let p = 0; p < o.paths; p++) {
    if (o.onProgress && p % every === 0) o.onProgress(p, o.paths);
    let e = o.startEquity;
    let peak = e;
    let maxDd = 0;
    for (let k = 0; k < n; k++) {
      e *= 1 + returns[Math.floor(rnd() * n)]!;
      if (e < 0) e = 0;
      if (e > peak) peak = e;
      const dd = peak > 0 ? (1 - e / peak) * 100 : 0;
      if (dd > maxDd) maxDd = dd;
    }
    finals[p] = e;
    dds[p] = maxDd;
    if (o.guardPct !== null && maxDd >= o.guardPct) hits++;
  }
  o.onProgress?.(o.paths, o.paths);
  finals.sort();
  dds.sort();
  return {
    paths: o.paths,
    seed: o.seed,
    trades: n,
    finalEquity: { p5: percentile(finals, 5), p50: percentile(finals, 50), p95: percentile(finals, 95) },
    maxDrawdownPct: { p50: percentile(dds, 50), p95: percentile(dds, 95), p99: percentile(dds, 99) },
    probDrawdownGuard: o.guardPct === null ? null : hits / o.paths,
    guardPct: o.guardPct,
  };
}
