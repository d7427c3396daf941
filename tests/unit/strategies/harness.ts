// Shared checks for strategy tests: runs a built-in over real candles with the same position state machine as
// the look-ahead check, and asserts the properties every strategy must have.
import { expect } from 'vitest';
import type { CandleSeries } from '../../../src/core/candle.js';
import type { Decision, PositionSide } from '../../../src/core/trading.js';
import type { Params, Strategy } from '../../../src/strategy/contract.js';
import { ta } from '../../../src/strategy/indicators.js';
import { resolveParams, type ParamOverrides } from '../../../src/strategy/params.js';
import { loadCsvSeries } from '../../support/candles.js';

export const candles20k = (): CandleSeries => loadCsvSeries('binance_BTCUSDT_1h.csv', 20_000);

export interface Step {
  i: number;
  /** Position before the decision. */
  before: PositionSide | null;
  decision: Decision;
}

export interface Run<P extends Params> {
  params: P;
  ind: Record<string, Float64Array>;
  steps: Step[];
  /** Position held before candle i's decision, per candle (0 flat, 1 long, -1 short). */
  positionAt: Int8Array;
}

export function run<P extends Params>(strategy: Strategy<P>, candles: CandleSeries, overrides: ParamOverrides = {}, explain = true): Run<P> {
  const params = resolveParams(strategy, overrides);
  const ind = strategy.compute(candles, params, ta);
  const input = { candles, ind, params, explain };
  const steps: Step[] = [];
  const positionAt = new Int8Array(candles.length);
  let pos: PositionSide | null = null;
  for (let i = 0; i < candles.length; i++) {
    positionAt[i] = pos === 'long' ? 1 : pos === 'short' ? -1 : 0;
    const d = strategy.decide(i, input, pos);
    if (!d) continue;
    steps.push({ i, before: pos, decision: d });
    pos = d.action === 'enter-long' ? 'long' : d.action === 'enter-short' ? 'short' : null;
  }
  return { params, ind, steps, positionAt };
}

export const entries = (r: Run<Params>, action: Decision['action'] = 'enter-long'): Step[] => r.steps.filter((s) => s.decision.action === action);

/** The properties every built-in must have on real candles. Problems are collected, then asserted at once. */
export function expectWellBehaved<P extends Params>(strategy: Strategy<P>, candles: CandleSeries, r: Run<P>): void {
  const n = candles.length;
  // compute returns aligned series of the candles' length.
  for (const [key, series] of Object.entries(r.ind)) expect(series.length, key).toBe(n);
  const warmup = strategy.warmup(r.params);
  const series = Object.entries(r.ind);
  const problems: string[] = [];
  for (const { i, before, decision } of r.steps) {
    // No decision from warm-up reads: nothing before warmup, and every series is defined where one is made.
    if (i < warmup) problems.push(`${decision.action} at ${i} before warm-up ${warmup}`);
    for (const [key, s] of series) if (!Number.isFinite(s[i]!)) problems.push(`${decision.action} at ${i} while ${key} is ${s[i]}`);
    // Decisions alternate with the position: entries only when flat, exits only when holding.
    if (decision.action === 'exit' ? before === null : before !== null) problems.push(`${decision.action} at ${i} while ${before ?? 'flat'}`);
    // Reasons carry the indicator values behind them.
    if (!/-?\d+\.\d{2}/.test(decision.reason)) problems.push(`reason without values at ${i}: ${decision.reason}`);
  }
  expect(problems).toEqual([]);
  // Told that no one reads reasons (a backtest no one listens to), it decides exactly the same, without them.
  const unexplained = run(strategy, candles, r.params, false);
  expect(unexplained.steps.map((s) => ({ ...s, decision: { ...s.decision, reason: '' } }))).toEqual(r.steps.map((s) => ({ ...s, decision: { ...s.decision, reason: '' } })));
  expect(unexplained.steps.filter((s) => s.decision.reason !== '')).toEqual([]);
  // Enough activity on 20k candles to be a strategy, not so much that it trades every candle.
  const entryCount = r.steps.filter((s) => s.decision.action !== 'exit').length;
  expect(entryCount).toBeGreaterThan(10);
  expect(entryCount).toBeLessThan(n / 10);
}
