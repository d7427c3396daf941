// Look-ahead check: proves a strategy's decisions at candle i depend on nothing after i. Exact, not sampled:
// 1. Guarded run: compute over all candles, then decide at EVERY candle with candles and series wrapped so
//    that any read of an index after i (or of `.length`/`.buffer`, which reveal later candles) is recorded
//    with what was read. Array methods (slice, at, subarray…) only see candles up to i, and a decision that
//    changes because of it is reported too (the backtest lets them see the whole series).
// 2. Cut runs, on a FRESH copy of the strategy module (a strategy that stashes data in module state during
//    the full run cannot reuse it): at every entry and exit the full run made, plus seeded random candles,
//    compute runs again over a copy of candles 0..k only; every series must equal the full run's at 0..k and
//    decide(k) must return the same decision.
// Each finding names the candle, the series or decision that changed, and what the strategy read.
import type { CandleSeries } from '../core/candle.js';
import { mulberry32 } from '../core/random.js';
import type { Decision, PositionSide } from '../core/trading.js';
import type { Params, Strategy, StrategyInput } from './contract.js';
import { ta as defaultIndicators, type Indicators } from './indicators.js';

export type LookaheadKind = 'read-ahead' | 'series' | 'decision';

export interface LookaheadDifference {
  kind: LookaheadKind;
  /** Candle index (within the candles given) where the strategy looked ahead or its output changed. */
  index: number;
  /** Its open time (UTC ms). */
  time: number;
  /** Candles the strategy saw when the difference showed (index + 1 for reads; the cut length otherwise). */
  cutAt: number;
  /** The decision on the full series and on cut or guarded data (null = no decision). */
  full: Decision | null;
  cut: Decision | null;
  /** What was read ('candles.close[1235]') for read-ahead; the series name for series differences. */
  what: string;
  /** One actionable sentence: candle, what changed, what the strategy read. */
  message: string;
}

export interface LookaheadResult {
  /** Decisions made under the guard (every candle of the series). */
  guardedDecisions: number;
  /** Candle indexes where compute and decide were re-run on cut data, ascending. */
  checkedCuts: number[];
  differences: LookaheadDifference[];
  /** True when more than `maxDifferences` were found and the rest were dropped. */
  truncated: boolean;
  /** True when the cut runs used a freshly loaded copy of the strategy module. */
  isolated: boolean;
  /** Wall time of the check in milliseconds, and of its guarded decide pass alone (the cost of the guard). */
  ms: number;
  guardMs: number;
}

export interface LookaheadOptions {
  /**
   * Loads a fresh copy of the strategy's module (no state shared with any other copy). Used once for the full
   * run and once for the cut runs; without it the given object is used for both (fine for stateless built-ins).
   */
  load?: () => Promise<Strategy>;
  /** Random candles checked on cut data besides every entry and exit (default 50). */
  randomCuts?: number;
  /** Seed of the random candles (default 1), so a rerun checks the same ones. */
  seed?: number;
  maxDifferences?: number;
  indicators?: Indicators;
}

const NONE = 0;
const LONG = 1;
const SHORT = 2;
const SIDE: readonly (PositionSide | null)[] = [null, 'long', 'short'];

function nextPosition(pos: number, d: Decision | null): number {
  if (!d) return pos;
  return d.action === 'enter-long' ? LONG : d.action === 'enter-short' ? SHORT : NONE;
}

function checkLengths(strategy: Strategy, ind: Record<string, Float64Array>, n: number): void {
  for (const [key, series] of Object.entries(ind)) {
    if (series.length !== n) throw new Error(`${strategy.name}: compute() returned "${key}" of length ${series.length}, expected ${n}`);
  }
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
  checkLengths(strategy as Strategy, ind, n);
  const input = { candles, ind, params };
  const out: (Decision | null)[] = new Array(n);
  let pos = NONE;
  for (let i = 0; i < n; i++) {
    const d: Decision | null = strategy.decide(i, input, SIDE[pos]!) ?? null;
    out[i] = d;
    pos = nextPosition(pos, d);
  }
  return out;
}

/**
 * Wraps candles and series so that decide(i) reading past i is recorded. Index reads return the real value
 * (the decision stays the backtest's) and note the first read past i; methods run on a view cut at i + 1.
 */
class Guard {
  cursor = 0;
  /** First read past the cursor during the current decide call. */
  read: string | null = null;
  readonly input: StrategyInput;

  constructor(candles: CandleSeries, ind: Record<string, Float64Array>, params: Params) {
    const n = candles.length;
    const guardedCandles = {
      time: this.wrap(candles.time, 'candles.time'),
      open: this.wrap(candles.open, 'candles.open'),
      high: this.wrap(candles.high, 'candles.high'),
      low: this.wrap(candles.low, 'candles.low'),
      close: this.wrap(candles.close, 'candles.close'),
      volume: this.wrap(candles.volume, 'candles.volume'),
    } as unknown as CandleSeries;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below runs with the array as `this`
    const self = this;
    Object.defineProperty(guardedCandles, 'length', {
      enumerable: true,
      get() {
        if (n > self.cursor + 1) self.note(`candles.length (${n}, counting candles after ${self.cursor})`);
        return n;
      },
    });
    const guardedInd: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(ind)) guardedInd[k] = this.wrap(v, `ind.${k}`);
    this.input = { candles: guardedCandles, ind: guardedInd, params };
  }

  private note(what: string): void {
    if (this.read === null) this.read = what;
  }

  private wrap(arr: Float64Array, name: string): Float64Array {
    const length = arr.length;
    return new Proxy(arr, {
      get: (target, prop) => {
        if (typeof prop === 'string') {
          const c = prop.charCodeAt(0);
          if (c >= 48 && c <= 57) {
            const idx = Number(prop);
            if (idx > this.cursor) this.note(`${name}[${idx}]`);
            return target[idx];
          }
          if (prop === 'length') {
            if (length > this.cursor + 1) this.note(`${name}.length (${length}, counting candles after ${this.cursor})`);
            return length;
          }
          if (prop === 'buffer') {
            this.note(`${name}.buffer (the memory of every candle)`);
            return target.buffer;
          }
        }
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v === 'function') return (v as (...a: unknown[]) => unknown).bind(target.subarray(0, this.cursor + 1));
        return v;
      },
      set: (_target, prop) => {
        throw new Error(`decide() wrote ${name}[${String(prop)}]: candles and series are read-only`);
      },
    });
  }
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function describe(d: Decision | null): string {
  return d ? `${d.action} (${d.reason})` : 'no decision';
}

/** A private copy of candles 0..len-1: its memory holds nothing after them (a view would share the buffer). */
function prefixCopy(s: CandleSeries, len: number): CandleSeries {
  return {
    length: len,
    time: s.time.slice(0, len),
    open: s.open.slice(0, len),
    high: s.high.slice(0, len),
    low: s.low.slice(0, len),
    close: s.close.slice(0, len),
    volume: s.volume.slice(0, len),
  };
}

export async function lookaheadCheck<P extends Params>(
  strategy: Strategy<P>,
  params: P,
  candles: CandleSeries,
  opts: LookaheadOptions = {},
): Promise<LookaheadResult> {
  const started = performance.now();
  const n = candles.length;
  const maxDifferences = opts.maxDifferences ?? 1000;
  const indicators = opts.indicators ?? defaultIndicators;
  const differences: LookaheadDifference[] = [];
  let truncated = false;
  const seen = new Set<string>();
  const add = (d: Omit<LookaheadDifference, 'time' | 'message'>, message: string): void => {
    const key = `${d.kind}:${d.what}:${d.index}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (differences.length >= maxDifferences) {
      truncated = true;
      return;
    }
    differences.push({ ...d, time: candles.time[d.index]!, message });
  };
  const when = (i: number): string => `candle ${i} (${new Date(candles.time[i]!).toISOString()})`;

  // 1. Full run, plain (as the backtest calls it) and guarded, on its own copy of the strategy module.
  const full = ((await opts.load?.()) ?? strategy) as Strategy;
  const ind = full.compute(candles, params, indicators);
  checkLengths(full, ind, n);
  const plainInput: StrategyInput = { candles, ind, params };
  const decisions: (Decision | null)[] = new Array(n);
  const posBefore = new Uint8Array(n);
  let pos = NONE;
  for (let i = 0; i < n; i++) {
    posBefore[i] = pos;
    decisions[i] = full.decide(i, plainInput, SIDE[pos]!) ?? null;
    pos = nextPosition(pos, decisions[i]!);
  }
  const guardStarted = performance.now();
  const guard = new Guard(candles, ind, params);
  for (let i = 0; i < n; i++) {
    guard.cursor = i;
    guard.read = null;
    const d = full.decide(i, guard.input, SIDE[posBefore[i]!]!) ?? null;
    if (guard.read !== null) {
      add(
        { kind: 'read-ahead', index: i, cutAt: i + 1, full: decisions[i]!, cut: d, what: guard.read },
        `${when(i)}: decide() read ${guard.read}, after the candle it decides on (decision: ${describe(decisions[i]!)})`,
      );
    } else if (!sameDecision(decisions[i]!, d)) {
      add(
        { kind: 'decision', index: i, cutAt: i + 1, full: decisions[i]!, cut: d, what: 'decide' },
        `${when(i)}: decide() returned ${describe(decisions[i]!)} over the whole series but ${describe(d)} when its arrays ended at candle ${i} (it reads later candles through an array method or its length)`,
      );
    }
  }

  const guardMs = performance.now() - guardStarted;

  // 2. Cut runs on a fresh module copy: every entry and exit, plus seeded random candles, ascending.
  const points = new Set<number>();
  for (let i = 0; i < n; i++) if (decisions[i]) points.add(i);
  const random = mulberry32(opts.seed ?? 1);
  const warmup = Math.min(n - 1, Math.max(0, Math.ceil(full.warmup(params))));
  for (let r = 0; r < (opts.randomCuts ?? 50) && n > 0; r++) points.add(warmup + Math.floor(random() * (n - warmup)));
  const cuts = [...points].filter((k) => k < n - 1).sort((a, b) => a - b);
  const cutStrategy = ((await opts.load?.()) ?? strategy) as Strategy;
  const keys = Object.keys(ind);
  for (const k of cuts) {
    const part = prefixCopy(candles, k + 1);
    const partInd = cutStrategy.compute(part, params, indicators);
    checkLengths(cutStrategy, partInd, k + 1);
    for (const key of keys) {
      const a = ind[key]!;
      const b = partInd[key];
      if (!b) {
        add({ kind: 'series', index: k, cutAt: k + 1, full: decisions[k]!, cut: null, what: key }, `${when(k)}: compute() returned no "${key}" when the candles ended there`);
        continue;
      }
      for (let j = 0; j <= k; j++) {
        if (sameNumber(a[j]!, b[j]!)) continue;
        add(
          { kind: 'series', index: j, cutAt: k + 1, full: decisions[j]!, cut: null, what: key },
          `${when(j)}: series "${key}" is ${a[j]} over the whole series but ${b[j]} when the candles end at candle ${k} (compute() reads later candles)`,
        );
        break;
      }
    }
    const d = cutStrategy.decide(k, { candles: part, ind: partInd, params }, SIDE[posBefore[k]!]!) ?? null;
    if (!sameDecision(decisions[k]!, d)) {
      add(
        { kind: 'decision', index: k, cutAt: k + 1, full: decisions[k]!, cut: d, what: 'decide' },
        `${when(k)}: decide() returned ${describe(decisions[k]!)} over the whole series but ${describe(d)} when the candles end there, on a fresh copy of the strategy (it reads later candles or keeps state between calls)`,
      );
    }
  }
  differences.sort((a, b) => a.index - b.index);
  return { guardedDecisions: n, checkedCuts: cuts, differences, truncated, isolated: opts.load !== undefined, ms: performance.now() - started, guardMs };
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
