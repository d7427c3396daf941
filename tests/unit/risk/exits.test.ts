import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestSpec } from '../../../src/backtest/run.js';
import type { Decision } from '../../../src/core/trading.js';
import { seriesKeys } from '../../../src/engine/risk/series.js';
import { planExits } from '../../../src/engine/risk/stops.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';
import { at0, cfg, intent } from './helpers.js';
import type { RiskOverride } from '../../../src/engine/risk/schema.js';

describe('exit levels from config (planExits)', () => {
  it('fixed % stop-loss and take-profit, mirrored for shorts', () => {
    const c = cfg({ exits: { stopLossPct: 5, takeProfitPct: 10 } });
    expect(planExits(c, intent()).protection).toEqual({ stop: 95, takeProfit: 110 });
    const s = planExits(c, intent({ side: 'short' })).protection;
    expect(s.stop).toBeCloseTo(105, 9);
    expect(s.takeProfit).toBeCloseTo(90, 9);
  });

  it('ATR stop at ATR × multiple', () => {
    const p = planExits(cfg({ exits: { atrStopMultiple: 3 } }), intent({ series: at0(seriesKeys.atr(14), 2) })).protection;
    expect(p.stop).toBe(94);
  });

  it('keeps the tighter of the strategy stop and its own', () => {
    const c = cfg({ exits: { stopLossPct: 5 } });
    const tighter = planExits(c, intent({ decision: { action: 'enter-long', reason: 'x', stop: 97 } }));
    expect(tighter.protection.stop).toBe(97);
    expect(tighter.summary).toContain('(strategy)');
    const looser = planExits(c, intent({ decision: { action: 'enter-long', reason: 'x', stop: 90 } }));
    expect(looser.protection.stop).toBe(95);
    const hint = planExits(c, intent({ hints: { stopLossPct: 0.02 } }));
    expect(hint.protection.stop).toBe(98);
  });

  it('ignores a strategy stop on the wrong side of the price, and says so', () => {
    const p = planExits(cfg(), intent({ decision: { action: 'enter-long', reason: 'x', stop: 101 } }));
    expect(p.protection.stop).toBeUndefined();
    expect(p.notes[0]).toMatch(/ignored/);
  });

  it('tightens any stop wider than exits.maxStopPct', () => {
    const p = planExits(cfg({ exits: { maxStopPct: 10 } }), intent({ decision: { action: 'enter-long', reason: 'x', stop: 50 } }));
    expect(p.protection.stop).toBe(90);
    expect(p.notes[0]).toMatch(/wider than 10%: tightened/);
  });

  it('trailing: % or ATR distance, whichever is tighter', () => {
    const series = at0(seriesKeys.atr(14), 1);
    expect(planExits(cfg({ exits: { trailingPct: 3, trailingAtrMultiple: 2 } }), intent({ series })).protection).toEqual({ trailingDistance: 2 });
    expect(planExits(cfg({ exits: { trailingPct: 1, trailingAtrMultiple: 2 } }), intent({ series })).protection).toEqual({ trailingPct: 0.01 });
  });

  it('break-even after +N% and time exit after N candles', () => {
    expect(planExits(cfg({ exits: { breakEvenPct: 2, maxCandles: 12 } }), intent()).protection).toEqual({ breakEvenPct: 0.02, maxCandles: 12 });
  });
});

// Protective exits applied by the engine to config-made levels, candle by candle.
const account = { balance: 1000, fee: 0, slippage: 0, allowShort: false };
function bt(rows: Array<[number, number, number, number]>, over: RiskOverride, script: Record<number, Decision['action'] | Decision> = { 1: 'enter-long' }) {
  const candles = hourly(rows);
  const spec: BacktestSpec = { strategy: scripted(script), params: {}, key: { exchange: 't', symbol: 'BTC/USDT', timeframe: '1h' }, candles, tradeFrom: 0, account, stakePct: 100, risk: cfg(over) };
  return { r: runBacktest(spec), candles };
}

describe('config exits in a backtest', () => {
  const flat: [number, number, number, number] = [100, 100, 100, 100];

  it('fixed stop: fills at the stop when touched', () => {
    const { r } = bt([flat, flat, [100, 101, 96, 97], [97, 98, 94, 95], flat], { exits: { stopLossPct: 5 } });
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
    expect(r.trades[0]!.exitPrice).toBe(95);
  });

  it('a gap through the stop fills at the open', () => {
    const { r } = bt([flat, flat, [100, 101, 99, 100], [90, 91, 88, 89], flat], { exits: { stopLossPct: 5 } });
    expect(r.trades[0]!.exitPrice).toBe(90);
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
  });

  it('stop and target inside one candle: the stop is taken', () => {
    const { r } = bt([flat, flat, [100, 101, 99, 100], [100, 115, 90, 100], flat], { exits: { stopLossPct: 5, takeProfitPct: 10 } });
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
    expect(r.trades[0]!.exitPrice).toBe(95);
  });

  it('take-profit fills at the target', () => {
    const { r } = bt([flat, flat, [100, 104, 99, 103], [103, 112, 102, 108], flat], { exits: { stopLossPct: 5, takeProfitPct: 10 } });
    expect(r.trades[0]!.exitReason).toBe('take_profit');
    expect(r.trades[0]!.exitPrice).toBeCloseTo(110, 9);
  });

  it('trailing %: follows the high and exits at best × (1 − pct)', () => {
    const { r } = bt([flat, flat, [100, 110, 100, 109], [109, 120, 108, 119], [119, 119, 100, 105], flat], { exits: { trailingPct: 5 } });
    expect(r.trades[0]!.exitReason).toBe('trailing_stop');
    expect(r.trades[0]!.exitPrice).toBeCloseTo(114, 9);
  });

  it('break-even: after +N% the stop moves to entry, and exits there', () => {
    const { r } = bt([flat, flat, [100, 104, 100, 103], [103, 104, 99, 100], flat], { exits: { stopLossPct: 5, breakEvenPct: 3 } });
    expect(r.trades[0]!.exitReason).toBe('break_even');
    expect(r.trades[0]!.exitPrice).toBe(100);
  });

  it('time exit after N candles', () => {
    const { r, candles } = bt([flat, flat, flat, flat, flat, flat, flat], { exits: { maxCandles: 2 } });
    expect(r.trades[0]!.exitReason).toBe('time');
    // entry fills at candle 2's open; after candles 2 and 3 it has been held 2 candles: exit decided at 3's close, filled at 4's open
    expect(r.trades[0]!.entryTime).toBe(candles.time[2]);
    expect(r.trades[0]!.exitTime).toBe(candles.time[4]);
  });
});
