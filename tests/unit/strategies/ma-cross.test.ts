import { describe, expect, it } from 'vitest';
import maCross from '../../../strategies/ma-cross.js';
import { ta } from '../../../src/strategy/indicators.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { num } from '../../../src/strategy/format.js';
import { candles20k, entries, expectWellBehaved, run } from './harness.js';

const candles = candles20k();

function crosses(fast: Float64Array, slow: Float64Array, i: number): { up: boolean; down: boolean } {
  return {
    up: fast[i - 1]! < slow[i - 1]! && fast[i]! > slow[i]!,
    down: fast[i - 1]! > slow[i - 1]! && fast[i]! < slow[i]!,
  };
}

describe('ma-cross on 20k real BTC/USDT 1h candles', () => {
  const r = run(maCross, candles);

  it('is well behaved (warm-up, alternation, reasons, plausible trade count)', () => {
    expectWellBehaved(maCross, candles, r);
  });

  it('enters long exactly on the bullish crosses while flat and exits exactly on the bearish crosses while long', () => {
    const { fast, slow } = r.ind as { fast: Float64Array; slow: Float64Array };
    expect(Array.from(fast)).toEqual(Array.from(ta.sma(candles.close, 10)));
    expect(Array.from(slow)).toEqual(Array.from(ta.sma(candles.close, 30)));
    const byIndex = new Map(r.steps.map((s) => [s.i, s]));
    let checkedUp = 0;
    let checkedDown = 0;
    const wrong: string[] = [];
    for (let i = 1; i < candles.length; i++) {
      const { up, down } = crosses(fast, slow, i);
      const action = byIndex.get(i)?.decision.action;
      const pos = r.positionAt[i];
      if (up && pos === 0) {
        if (action !== 'enter-long') wrong.push(`bullish cross at ${i}: ${action}`);
        checkedUp++;
      } else if (down && pos === 1) {
        if (action !== 'exit') wrong.push(`bearish cross at ${i}: ${action}`);
        checkedDown++;
      } else if (action !== undefined) {
        wrong.push(`${action} at ${i} without a cross to act on`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checkedUp).toBe(entries(r).length);
    expect(checkedDown).toBe(entries(r, 'exit').length);
    expect(checkedUp).toBeGreaterThan(100);
  });

  it('says which averages crossed, with their values', () => {
    const { i, decision } = entries(r)[0]!;
    const f = num(r.ind.fast![i]!);
    const s = num(r.ind.slow![i]!);
    expect(decision.reason).toBe(`fast SMA(10) ${f} crossed above slow SMA(30) ${s}`);
  });

  it('uses the chosen average kind', () => {
    for (const type of ['ema', 'wma'] as const) {
      const rt = run(maCross, candles, { type, fast: 8, slow: 21 });
      expect(Array.from(rt.ind.fast!)).toEqual(Array.from(ta[type](candles.close, 8)));
      expect(Array.from(rt.ind.slow!)).toEqual(Array.from(ta[type](candles.close, 21)));
      expect(entries(rt)[0]!.decision.reason).toContain(`fast ${type.toUpperCase()}(8)`);
      expectWellBehaved(maCross, candles, rt);
    }
  });

  it('when flat at a bearish cross (e.g. after a stop closed the long) enters short only with short=true', () => {
    // A decision is one action and the engine does not reverse, so a long closed by the cross itself stays flat
    // until the next bullish cross; shorts open when the position was already flat at the bearish cross.
    const on = resolveParams(maCross, { short: true });
    const off = resolveParams(maCross, {});
    const ind = maCross.compute(candles, on, ta);
    let bearish = 0;
    const wrong: string[] = [];
    for (let i = 1; i < candles.length; i++) {
      const { up, down } = crosses(ind.fast!, ind.slow!, i);
      const withShort = maCross.decide(i, { candles, ind, params: on }, null);
      const without = maCross.decide(i, { candles, ind, params: off }, null);
      if (down) {
        bearish++;
        if (withShort?.action !== 'enter-short' || without !== null) wrong.push(`bearish cross at ${i}: ${withShort?.action} / ${without?.action}`);
        else if (!/^fast SMA\(10\) \d+\.\d{2} crossed below slow SMA\(30\) \d+\.\d{2}$/.test(withShort.reason)) wrong.push(withShort.reason);
      } else if ((withShort?.action ?? null) !== (up ? 'enter-long' : null)) {
        wrong.push(`${withShort?.action} at ${i}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(bearish).toBeGreaterThan(100);
    // Driven by its own decisions only, short=true changes nothing: every bearish cross finds it long.
    const rs = run(maCross, candles, { short: true });
    expect(rs.steps.map((x) => x.decision.action)).toEqual(r.steps.map((x) => x.decision.action));
  });

  it('exits a short on the next bullish cross', () => {
    const params = resolveParams(maCross, { short: true });
    const ind = maCross.compute(candles, params, ta);
    for (const { i } of entries(r)) {
      expect(maCross.decide(i, { candles, ind, params }, 'short')?.action).toBe('exit');
    }
  });

  it('exits a short it is handed on a bullish cross even with short=false', () => {
    const params = resolveParams(maCross, {});
    const ind = maCross.compute(candles, params, ta);
    const i = entries(r)[0]!.i;
    expect(maCross.decide(i, { candles, ind, params }, 'short')?.action).toBe('exit');
    expect(maCross.decide(i, { candles, ind, params }, 'long')).toBeNull();
  });

  it('makes no decision before the slow average exists', () => {
    const params = resolveParams(maCross, { slow: 50 });
    const ind = maCross.compute(candles, params, ta);
    expect(maCross.warmup(params)).toBe(50);
    expect(Number.isNaN(ind.slow![48]!)).toBe(true);
    for (let i = 0; i < 50; i++) expect(maCross.decide(i, { candles, ind, params }, null)).toBeNull();
  });

  it('rejects fast >= slow', () => {
    expect(() => resolveParams(maCross, { fast: 30, slow: 30 })).toThrow(/fast \(30\) must be below slow \(30\)/);
  });
});
