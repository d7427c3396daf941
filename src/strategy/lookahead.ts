// Look-ahead check: proves a strategy's decisions at candle i do not depend on candles after i. It runs
// compute + decide over the whole series, then again over prefixes cut at many points, and reports every
// decision before a cut that differs from the full run. A strategy that normalises over the whole series,
// centres a window, or reads close[i+1] changes its decisions near the cut and is caught.
import { seriesPrefix, type CandleSeries } from '../core/candle.js';
import type { Decision, PositionSide } from '../core/trading.js';
import type { Params, Strategy } from './contract.js';
import { ta as defaultIndicators, type Indicators } from './indicators.js';

export interface LookaheadDifference {
  /** Candle index of the differing decision. */
  index: number;
  /** Its open time (UTC ms). */
  time: number;
  /** Length of the prefix that produced `cut`. */
  cutAt: number;
  /** The decision on the full series and on the prefix (null = no decision). */
  full: Decision | null;
  cut: Decision | null;
}

export interface LookaheadResult {
  /** The prefix lengths that were checked, ascending. */
  checkedCuts: number[];
  differences: LookaheadDifference[];
  /** True when more than `maxDifferences` were found and the rest were dropped. */
  truncated: boolean;
}

export interface LookaheadOptions {
  /** Evenly spaced cuts between the warm-up and the end (default 50); a few cuts next to the end are added. */
  cuts?: number;
  maxDifferences?: number;
  indicators?: Indicators;
}

/**
 * Every decision over `candles`, driven by the minimal position state machine the check shares between runs:
 * enter-long → long, enter-short → short, exit → flat.
 */
export function runDecisions<P extends Params>(
  strategy: Strategy<P>,
  params: P,
  candles: CandleSeries,
  indicators: Indicators = defaultIndicators,
): (Decision | null)[] {
  const n = candles.length;
  const ind = strategy.compute(candles, params, indicators);
  for (const [key, series] of Object.entries(ind)) {
    if (series.length !== n) throw new Error(`${strategy.name}: compute() returned "${key}" of length ${series.length}, expected ${n}`);
  }
  const input = { candles, ind, params };
  const out: (Decision | null)[] = new Array(n);
  let position: PositionSide | null = null;
  for (let i = 0; i < n; i++) {
    const d: Decision | null = strategy.decide(i, input, position) ?? null;
    out[i] = d;
    if (d) position = d.action === 'enter-long' ? 'long' : d.action === 'enter-short' ? 'short' : null;
  }
  return out;
}

export function lookaheadCheck<P extends Params>(
  strategy: Strategy<P>,
  params: P,
  candles: CandleSeries,
  opts: LookaheadOptions = {},
): LookaheadResult {
  const n = candles.length;
  const maxDifferences = opts.maxDifferences ?? 1000;
  const indicators = opts.indicators ?? defaultIndicators;
  const cuts = cutPoints(n, Math.max(1, strategy.warmup(params)), opts.cuts ?? 50);
  const full = runDecisions(strategy, params, candles, indicators);
  const differences: LookaheadDifference[] = [];
  let truncated = false;
  for (const c of cuts) {
    const part = runDecisions(strategy, params, seriesPrefix(candles, c), indicators);
    for (let i = 0; i < c; i++) {
      if (sameDecision(full[i]!, part[i]!)) continue;
      if (differences.length >= maxDifferences) {
        truncated = true;
        break;
      }
      differences.push({ index: i, time: candles.time[i]!, cutAt: c, full: full[i]!, cut: part[i]! });
    }
  }
  return { checkedCuts: cuts, differences, truncated };
}

/** `count` prefix lengths spread evenly over (warmup, n), plus the last few lengths before n. */
export function cutPoints(n: number, warmup: number, count: number): number[] {
  const set = new Set<number>();
  const lo = Math.min(n - 1, warmup + 1);
  if (lo >= 1) {
    const span = n - 1 - lo;
    for (let k = 0; k < count; k++) set.add(lo + Math.round((span * k) / Math.max(1, count - 1)));
    for (const back of [1, 2, 3, 5, 8, 13, 21]) if (n - back >= lo) set.add(n - back);
  }
  return [...set].filter((c) => c >= 1 && c < n).sort((a, b) => a - b);
}

function sameDecision(a: Decision | null, b: Decision | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.action === b.action &&
    a.reason === b.reason &&
    Object.is(a.stop, b.stop) &&
    Object.is(a.takeProfit, b.takeProfit) &&
    Object.is(a.confidence, b.confidence) &&
    Object.is(a.sizeMultiplier, b.sizeMultiplier)
  );
}
