// Every protection on real BTC/USDT hourly candles (2017-08 on), through the full backtest engine: a
// strategy that buys whenever it is flat, with a 1.5% stop and target from the risk config, trades often
// enough for each circuit breaker to fire. Each test asserts the trades around the protection windows.
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestResult } from '../../../src/backtest/run.js';
import { defaultRisk, mergeRisk, type RiskOverride } from '../../../src/engine/risk/schema.js';
import { DAY_MS } from '../../../src/core/time.js';
import { defineStrategy } from '../../../src/strategy/contract.js';
import { loadCsvSeries } from '../../support/candles.js';

const H = 3_600_000;
const candles = loadCsvSeries('binance_BTCUSDT_1h.csv', 6000);
const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };

const alwaysIn = defineStrategy({
  name: 'always-in',
  description: 'buys whenever flat (test)',
  timeframe: '1h',
  params: [],
  warmup: () => 1,
  compute: () => ({}),
  decide: (_i, _input, position) => (position === null ? { action: 'enter-long', reason: 'flat' } : null),
});

function run(protections: RiskOverride['protections'], stakePct = 100): BacktestResult {
  const risk = mergeRisk(defaultRisk(), { exits: { stopLossPct: 1.5, takeProfitPct: 1.5 }, protections });
  return runBacktest({ strategy: alwaysIn, params: {}, key, candles, tradeFrom: 0, account: { balance: 10_000, fee: 0.001, slippage: 0, allowShort: false }, stakePct, risk });
}

/** Entries filled after `from` up to `to` (null: still active at the end of the data). */
const entriesIn = (r: BacktestResult, from: number, to: number | null) => r.trades.filter((t) => t.entryTime > from && t.entryTime <= (to ?? Infinity));
/** Only the protection still active when the data ends may lack a release. */
function releasedBeforeEnd(ps: BacktestResult['protections']) {
  ps.slice(0, -1).forEach((p) => expect(p.releasedAt).not.toBeNull());
  return ps.filter((p) => p.releasedAt !== null);
}

describe('protections on real candles', () => {
  const baseline = run({});

  it('baseline without protections trades back to back and refuses nothing', () => {
    expect(baseline.trades.length).toBeGreaterThan(500);
    expect(baseline.protections).toEqual([]);
    expect(baseline.riskDecisions.rejected).toBe(0);
    // re-entry one candle after most exits: what the protections below must prevent
    const quick = baseline.trades.slice(1).filter((t, k) => t.entryTime - baseline.trades[k]!.exitTime <= H);
    expect(quick.length).toBeGreaterThan(100);
  });

  it('cooldown: no entry within the cooldown after each exit', () => {
    const r = run({ cooldown: { minutes: 180 } });
    const cds = r.protections.filter((p) => p.name === 'cooldown');
    expect(cds.length).toBeGreaterThan(100);
    for (let k = 1; k < r.trades.length; k++) expect(r.trades[k]!.entryTime).toBeGreaterThanOrEqual(r.trades[k - 1]!.exitTime + 180 * 60_000);
    for (const p of releasedBeforeEnd(cds)) expect(p.releasedAt! - p.triggeredAt).toBe(180 * 60_000);
    for (const p of cds) expect(entriesIn(r, p.triggeredAt, p.releasedAt)).toEqual([]);
    expect(r.riskDecisions.rejected).toBeGreaterThan(0);
  });

  it('stop-loss guard: after 2 stop-outs within 6h, no entry for 4h', () => {
    const r = run({ stoplossGuard: { trades: 2, lookbackMinutes: 360, stopMinutes: 240 } });
    const g = r.protections.filter((p) => p.name === 'stoplossGuard');
    expect(g.length).toBeGreaterThan(5);
    for (const p of releasedBeforeEnd(g)) expect(p.releasedAt! - p.triggeredAt).toBe(240 * 60_000);
    for (const p of g) {
      expect(p.scope).toBe('global');
      expect(entriesIn(r, p.triggeredAt, p.releasedAt)).toEqual([]);
      // it fired on the second of two losing stop-outs
      const stops = r.trades.filter((t) => t.exitTime <= p.triggeredAt && t.exitTime >= p.triggeredAt - 360 * 60_000 && t.exitReason === 'stop_loss' && t.pnl < 0);
      expect(stops.length).toBeGreaterThanOrEqual(2);
      expect(stops.at(-1)!.exitTime).toBe(p.triggeredAt);
    }
  });

  it('daily loss limit: after −2% in a UTC day, no entry until the next UTC day', () => {
    const r = run({ dailyLossLimit: { pct: 2 } });
    const d = r.protections.filter((p) => p.name === 'dailyLossLimit');
    expect(d.length).toBeGreaterThan(3);
    for (const p of releasedBeforeEnd(d)) {
      const nextDay = (Math.floor(p.triggeredAt / DAY_MS) + 1) * DAY_MS;
      expect(p.releasedAt).toBe(nextDay);
      expect(entriesIn(r, p.triggeredAt, nextDay)).toEqual([]);
    }
    // and trading picks up again on a later day
    expect(r.trades.some((t) => t.entryTime > d[0]!.releasedAt!)).toBe(true);
  });

  it('max drawdown guard: at −10% from the peak nothing is entered again (no one resumes in a backtest)', () => {
    const r = run({ maxDrawdown: { pct: 10 } });
    const m = r.protections.filter((p) => p.name === 'maxDrawdown');
    expect(m).toHaveLength(1);
    expect(m[0]!.releasedAt).toBeNull();
    expect(m[0]!.state).toBe('triggered');
    expect(r.trades.filter((t) => t.entryTime > m[0]!.triggeredAt)).toEqual([]);
    expect(r.trades.length).toBeGreaterThan(0);
    expect(r.trades.length).toBeLessThan(baseline.trades.length);
    // equity really was 10% below its running peak when it fired
    let peak = -Infinity;
    let hit = -1;
    for (let i = 0; i < r.equity.length; i++) {
      peak = Math.max(peak, r.equity[i]!);
      if (r.equity[i]! <= peak * 0.9 + 1e-6) {
        hit = i;
        break;
      }
    }
    expect(r.equityTimes[hit]).toBe(m[0]!.triggeredAt);
  });

  it('low-profit lock: 3+ trades summing below −3% within a day lock the symbol for 12h', () => {
    const r = run({ lowProfit: { pct: 3, trades: 3, lookbackMinutes: 1440, stopMinutes: 720 } });
    const l = r.protections.filter((p) => p.name === 'lowProfit');
    expect(l.length).toBeGreaterThan(3);
    for (const p of l) {
      expect(p.scope).toBe('BTC/USDT');
      expect(entriesIn(r, p.triggeredAt, p.releasedAt)).toEqual([]);
    }
  });

  it('a rerun gives the same protections (candle time, not wall clock)', () => {
    const a = run({ cooldown: { minutes: 60 }, stoplossGuard: { trades: 2 }, dailyLossLimit: { pct: 2 }, lowProfit: { pct: 3 } });
    const b = run({ cooldown: { minutes: 60 }, stoplossGuard: { trades: 2 }, dailyLossLimit: { pct: 2 }, lowProfit: { pct: 3 } });
    expect(b.protections).toEqual(a.protections);
    expect(b.trades).toEqual(a.trades);
  });
});
