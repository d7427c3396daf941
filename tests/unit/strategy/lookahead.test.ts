import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineStrategy, type Strategy } from '../../../src/strategy/contract.js';
import { freshLoader, lookaheadCheck, runDecisions } from '../../../src/strategy/lookahead.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { builtinStrategies, loadStrategyFile } from '../../../src/strategy/registry.js';
import { loadCsvSeries } from '../../support/candles.js';

const btc = loadCsvSeries('binance_BTCUSDT_1h.csv', 8000);
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/lookahead');

/** A strategy from tests/fixtures/lookahead, checked with a fresh module copy for each run (as the CLI does). */
async function checkFile(name: string) {
  const s = await loadStrategyFile(`${FIXTURES}/${name}.ts`);
  const result = await lookaheadCheck(s, {}, btc, { load: freshLoader(s) });
  return { s, result };
}

/** Rolling min/max over the last 200 closes: the causal twin of peek-range. */
const rollingRange = defineStrategy({
  name: 'rolling-range',
  description: 'min/max over the last 200 candles',
  timeframe: '1h',
  params: [],
  warmup: () => 200,
  compute(candles) {
    const pos = new Float64Array(candles.length).fill(NaN);
    for (let i = 199; i < candles.length; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = i - 199; j <= i; j++) {
        lo = Math.min(lo, candles.close[j]!);
        hi = Math.max(hi, candles.close[j]!);
      }
      pos[i] = (candles.close[i]! - lo) / (hi - lo);
    }
    return { pos };
  },
  decide(i, { ind }, position) {
    const p = ind.pos![i]!;
    if (position === null && p < 0.2) return { action: 'enter-long', reason: `range position ${p.toFixed(2)}` };
    if (position === 'long' && p > 0.5) return { action: 'exit', reason: `range position ${p.toFixed(2)}` };
    return null;
  },
});

/** Takes "the latest close" as close[close.length - 1]: right in live trading, the last candle in a backtest. */
const latestClose = defineStrategy({
  name: 'latest-close',
  description: 'reads close[length - 1]',
  timeframe: '1h',
  params: [],
  warmup: () => 20,
  compute: (candles, _p, ta) => ({ sma: ta.sma(candles.close, 20) }),
  decide(i, { candles, ind }, position) {
    const last = candles.close[candles.close.length - 1]!;
    if (position === null && last > ind.sma![i]!) return { action: 'enter-long', reason: 'latest above SMA' };
    if (position === 'long' && last < ind.sma![i]!) return { action: 'exit', reason: 'latest below SMA' };
    return null;
  },
});

/** Averages the "last 10" closes with slice(-10): the last 10 of the whole series in a backtest. */
const sliceTail = defineStrategy({
  name: 'slice-tail',
  description: 'close.slice(-10)',
  timeframe: '1h',
  params: [],
  warmup: () => 10,
  compute: () => ({}),
  decide(i, { candles }, position) {
    const tail = candles.close.slice(-10);
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    const c = candles.close[i]!;
    if (position === null && c < mean * 0.97) return { action: 'enter-long', reason: 'below the recent mean' };
    if (position === 'long' && c > mean) return { action: 'exit', reason: 'back above the mean' };
    return null;
  },
});

/** The causal twin of slice-tail: the 10 closes up to i through subarray. */
const windowMean = defineStrategy({
  name: 'window-mean',
  description: 'close.subarray(i - 9, i + 1)',
  timeframe: '1h',
  params: [],
  warmup: () => 10,
  compute: () => ({}),
  decide(i, { candles }, position) {
    if (i < 9) return null;
    const tail = candles.close.subarray(i - 9, i + 1);
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    const c = candles.close[i]!;
    if (position === null && c < mean * 0.99) return { action: 'enter-long', reason: 'below the recent mean' };
    if (position === 'long' && c > mean) return { action: 'exit', reason: 'back above the mean' };
    return null;
  },
});

/** Never acts on the future, it only declines: skips an SMA-cross entry when the next candle falls 2%. */
const vetoNext = defineStrategy({
  name: 'veto-next',
  description: 'vetoes entries by peeking',
  timeframe: '1h',
  params: [],
  warmup: () => 30,
  compute: (candles, _p, ta) => ({ fast: ta.sma(candles.close, 10), slow: ta.sma(candles.close, 30) }),
  decide(i, { candles, ind }, position) {
    const f = ind.fast!;
    const s = ind.slow!;
    if (i < 1) return null;
    const up = f[i - 1]! < s[i - 1]! && f[i]! > s[i]!;
    const down = f[i - 1]! > s[i - 1]! && f[i]! < s[i]!;
    if (position === null && up) {
      if (candles.close[i + 1]! < candles.close[i]! * 0.98) return null;
      return { action: 'enter-long', reason: 'cross up' };
    }
    if (position === 'long' && down) return { action: 'exit', reason: 'cross down' };
    return null;
  },
});

/** Fills the SMA's warm-up with its first value: candles before period-1 then "know" candle period-1. */
const backfilled = defineStrategy({
  name: 'backfilled',
  description: 'back-fills warm-up NaNs',
  timeframe: '1h',
  params: [],
  warmup: () => 0,
  compute(candles, _p, ta) {
    const m = ta.sma(candles.close, 500);
    if (candles.length >= 500) m.fill(m[499]!, 0, 499);
    return { m };
  },
  decide(i, { candles, ind }, position) {
    const above = candles.close[i]! > ind.m![i]!;
    if (position === null && above) return { action: 'enter-long', reason: 'above' };
    if (position === 'long' && !above) return { action: 'exit', reason: 'below' };
    return null;
  },
});


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
    ['reads close[i+1] in decide()', nextClose, 'read-ahead', /decide\(\) read candles\.close\[\d+\], after the candle/],
    ['normalises over the whole series', globalRange, 'series', /series "pos" is .* when the candles end at candle/],
    ['uses a centred window', centred, 'series', /series "m"/],
    ['takes close[length - 1] as the latest close', latestClose, 'read-ahead', /read candles\.close\.length \(8000, counting candles after/],
    ['averages close.slice(-10)', sliceTail, 'decision', /when its arrays ended at candle \d+ \(it reads later candles through an array method/],
    ['vetoes entries by peeking at the next candle', vetoNext, 'read-ahead', /read candles\.close\[\d+\]/],
    ['back-fills its warm-up from a later value', backfilled, 'series', /series "m"/],
  ])('fails a strategy that %s, naming the candle and what it read', async (_label, s, kind, message) => {
    const result = await lookaheadCheck(s as Strategy, {}, btc);
    expect(result.differences.length).toBeGreaterThan(0);
    const d = result.differences.find((x) => x.kind === kind)!;
    expect(d, `a ${kind} finding`).toBeDefined();
    expect(d.time).toBe(btc.time[d.index]);
    expect(d.message).toMatch(message);
    expect(d.message).toContain(`candle ${d.index} (${new Date(btc.time[d.index]!).toISOString()})`);
  });

  it.each([
    ['peek-rare', /candle (\d+) .*: decide\(\) read candles\.close\[(\d+)\]/],
    ['cache-state', /decide\(\) returned enter-long \(next close is higher\) over the whole series but no decision when the candles end there, on a fresh copy/],
  ])('fails %s (from a file, on a fresh module copy)', async (name, message) => {
    const { result } = await checkFile(name);
    expect(result.isolated).toBe(true);
    expect(result.differences.length).toBeGreaterThan(0);
    expect(result.differences.some((d) => message.test(d.message))).toBe(true);
  });

  it('catches a rare peek at the exact candle: the read is of the candle after the decision', async () => {
    const { result } = await checkFile('peek-rare');
    const reads = result.differences.filter((d) => d.kind === 'read-ahead');
    expect(reads.length).toBeGreaterThan(0);
    for (const d of reads) expect(d.what).toBe(`candles.close[${d.index + 1}]`);
    // Rare: only on dips, a small share of the candles.
    expect(reads.length).toBeLessThan(btc.length / 10);
  });

  it.each(['peek-rare-clean', 'cache-state-clean'])('passes the clean twin %s', async (name) => {
    const { result } = await checkFile(name);
    expect(result.differences).toEqual([]);
    expect(result.checkedCuts.length).toBeGreaterThan(50);
  });

  it.each([
    ['rolling-range (twin of the whole-series normalisation)', rollingRange],
    ['window-mean (twin of slice(-10))', windowMean],
  ])('passes the clean twin %s', async (_label, s) => {
    const result = await lookaheadCheck(s as Strategy, {}, btc);
    expect(result.differences).toEqual([]);
    expect(runDecisions(s as Strategy, {}, btc).filter(Boolean).length).toBeGreaterThan(10);
  });

  it('re-runs compute and decide on cut data at every entry and exit of the full run', async () => {
    const s = windowMean as Strategy;
    const decided = runDecisions(s, {}, btc).flatMap((d, i) => (d && i < btc.length - 1 ? [i] : []));
    const result = await lookaheadCheck(s, {}, btc, { randomCuts: 0 });
    expect(result.checkedCuts).toEqual(decided);
    expect(result.guardedDecisions).toBe(btc.length);
  });

  it('caps the number of differences it keeps', async () => {
    const result = await lookaheadCheck(globalRange as Strategy, {}, btc, { maxDifferences: 3 });
    expect(result.differences).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });

  it('rejects a compute() that returns a series of the wrong length', async () => {
    const bad = { ...(nextClose as Strategy), compute: () => ({ x: new Float64Array(3) }) };
    await expect(lookaheadCheck(bad, {}, btc)).rejects.toThrow(/"x" of length 3, expected 8000/);
  });

  // ML built-ins load a model first (prepare); tests/unit/ml/ml-strategies.test.ts checks them.
  it.each(builtinStrategies().filter((s) => !s.prepare).map((s) => [s.name, s] as const))('passes built-in %s on real BTC and ETH candles', async (name, s) => {
    const params = resolveParams(s, {});
    for (const [market, candles] of [['BTC', btc], ['ETH', loadCsvSeries('binance_ETHUSDT_1h.csv', 6000)]] as const) {
      const result = await lookaheadCheck(s, params, candles);
      expect(result.differences, `${name} on ${market}`).toEqual([]);
      expect(result.truncated).toBe(false);
      // The check is meaningful: the strategy does decide within the checked span, and each decision is re-run.
      const decided = runDecisions(s, params, candles).filter(Boolean).length;
      expect(decided).toBeGreaterThan(10);
      expect(result.checkedCuts.length).toBeGreaterThanOrEqual(decided - 1);
    }
  });

  it('passes the variants that open shorts', async () => {
    for (const s of builtinStrategies().filter((x) => !x.prepare && x.params.some((p) => p.name === 'short'))) {
      expect((await lookaheadCheck(s, resolveParams(s, { short: true }), btc)).differences).toEqual([]);
    }
  });
});
