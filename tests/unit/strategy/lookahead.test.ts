import { describe, expect, it } from 'vitest';
import { defineStrategy, type Strategy } from '../../../src/strategy/contract.js';
import { cutPoints, lookaheadCheck, runDecisions } from '../../../src/strategy/lookahead.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { builtinStrategies } from '../../../src/strategy/registry.js';
import { loadCsvSeries } from '../../support/candles.js';

const btc = loadCsvSeries('binance_BTCUSDT_1h.csv', 8000);

/** Peeks one candle ahead: buys when the NEXT close is higher. */
const nextClose = defineStrategy({
  name: 'peek-next',
  description: 'reads close[i+1]',
  timeframe: '1h',
  params: [],
  warmup: () => 1,
  compute: () => ({}),
  decide(i, { candles }, position) {
    const up = candles.close[i + 1]! > candles.close[i]!;
    if (position === null && up) return { action: 'enter-long', reason: 'next close is higher' };
    if (position === 'long' && !up) return { action: 'exit', reason: 'next close is lower' };
    return null;
  },
});

/** Normalises over the whole series: "cheap" means in the bottom fifth of the full range, which the future sets. */
const globalRange = defineStrategy({
  name: 'peek-range',
  description: 'min/max over all candles',
  timeframe: '1h',
  params: [],
  warmup: () => 0,
  compute(candles) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < candles.length; i++) {
      lo = Math.min(lo, candles.close[i]!);
      hi = Math.max(hi, candles.close[i]!);
    }
    const pos = new Float64Array(candles.length);
    for (let i = 0; i < candles.length; i++) pos[i] = (candles.close[i]! - lo) / (hi - lo);
    return { pos };
  },
  decide(i, { ind }, position) {
    const p = ind.pos![i]!;
    if (position === null && p < 0.2) return { action: 'enter-long', reason: `range position ${p.toFixed(2)}` };
    if (position === 'long' && p > 0.5) return { action: 'exit', reason: `range position ${p.toFixed(2)}` };
    return null;
  },
});

/** A centred moving average: the value at i averages candles i-5..i+5. */
const centred = defineStrategy({
  name: 'peek-centred',
  description: 'centred window',
  timeframe: '1h',
  params: [],
  warmup: () => 5,
  compute(candles) {
    const n = candles.length;
    const m = new Float64Array(n).fill(NaN);
    for (let i = 5; i + 5 < n; i++) {
      let s = 0;
      for (let j = i - 5; j <= i + 5; j++) s += candles.close[j]!;
      m[i] = s / 11;
    }
    return { m };
  },
  decide(i, { candles, ind }, position) {
    const above = candles.close[i]! > ind.m![i]!;
    if (position === null && above) return { action: 'enter-long', reason: `close above centred mean ${ind.m![i]!.toFixed(2)}` };
    if (position === 'long' && !above) return { action: 'exit', reason: 'below' };
    return null;
  },
});

describe('lookaheadCheck', () => {
  it.each([
    ['reading close[i+1]', nextClose],
    ['normalising over the whole series', globalRange],
    ['a centred window', centred],
  ])('catches a strategy %s', (_label, s) => {
    const result = lookaheadCheck(s as Strategy, {}, btc);
    expect(result.differences.length).toBeGreaterThan(0);
    const d = result.differences[0]!;
    expect(d.index).toBeLessThan(d.cutAt);
    expect(d.time).toBe(btc.time[d.index]);
    expect(d.full).not.toEqual(d.cut);
  });

  it('reports the exact candle where peeking at the next close breaks', () => {
    const result = lookaheadCheck(nextClose as Strategy, {}, btc, { cuts: 10 });
    // On a prefix of length c, candle c-1 has no next close, so its decision can only differ there or later
    // (the position state diverges after a difference).
    const byCut = new Map<number, number>();
    for (const d of result.differences) if (!byCut.has(d.cutAt)) byCut.set(d.cutAt, d.index);
    for (const [cut, first] of byCut) expect(first).toBe(cut - 1);
    expect(byCut.size).toBeGreaterThan(0);
  });

  it('caps the number of differences it keeps', () => {
    const result = lookaheadCheck(globalRange as Strategy, {}, btc, { maxDifferences: 3 });
    expect(result.differences).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });

  // ML built-ins load a model first (prepare); tests/unit/ml/ml-strategies.test.ts checks them.
  it.each(builtinStrategies().filter((s) => !s.prepare).map((s) => [s.name, s] as const))('passes built-in %s on real BTC and ETH candles', (_name, s) => {
    const params = resolveParams(s, {});
    for (const candles of [btc, loadCsvSeries('binance_ETHUSDT_1h.csv', 6000)]) {
      const result = lookaheadCheck(s, params, candles);
      expect(result.checkedCuts.length).toBeGreaterThanOrEqual(50);
      expect(result.differences).toEqual([]);
      expect(result.truncated).toBe(false);
      // The check is meaningful: the strategy does decide within the checked span.
      expect(runDecisions(s, params, candles).filter(Boolean).length).toBeGreaterThan(10);
    }
  });

  it('passes the variants that open shorts', () => {
    for (const s of builtinStrategies().filter((x) => !x.prepare && x.params.some((p) => p.name === 'short'))) {
      expect(lookaheadCheck(s, resolveParams(s, { short: true }), btc).differences).toEqual([]);
    }
  });
});

describe('cutPoints', () => {
  it('spreads cuts evenly after the warm-up and adds cuts next to the end', () => {
    const cuts = cutPoints(1000, 30, 50);
    expect(cuts[0]).toBe(31);
    expect(cuts.at(-1)).toBe(999);
    expect(cuts).toEqual([...new Set(cuts)].sort((a, b) => a - b));
    for (const back of [1, 2, 3, 5, 8, 13, 21]) expect(cuts).toContain(1000 - back);
    expect(cuts.length).toBeGreaterThanOrEqual(50);
  });

  it('handles series shorter than the warm-up', () => {
    expect(cutPoints(10, 50, 50)).toEqual([9]);
    expect(cutPoints(1, 0, 50)).toEqual([]);
  });
});

describe('runDecisions', () => {
  it('rejects a compute() that returns a series of the wrong length', () => {
    const bad = { ...(nextClose as Strategy), compute: () => ({ x: new Float64Array(3) }) };
    expect(() => runDecisions(bad, {}, btc)).toThrow(/"x" of length 3, expected 8000/);
  });
});
