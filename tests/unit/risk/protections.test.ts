import { describe, expect, it } from 'vitest';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { EventBus } from '../../../src/engine/bus.js';
import { instanceId } from '../../../src/engine/kernel.js';
import type { EngineEvent } from '../../../src/core/events.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';
import { cfg, H, intent, recorded, T0, trade } from './helpers.js';

const MIN = 60_000;

describe('stop-loss guard', () => {
  const c = cfg({ protections: { stoplossGuard: { trades: 2, lookbackMinutes: 120, stopMinutes: 60 } } });

  it('N losing stop-outs within the window pause all entries for the period, then release', () => {
    const { layer, events } = recorded(c);
    layer.onTradeClosed(trade({ exitReason: 'stop_loss' }), T0);
    expect(layer.vetEntry(intent({ time: T0 })).verdict).toBe('accepted');
    layer.onTradeClosed(trade({ symbol: 'ETH/USDT', exitReason: 'trailing_stop' }), T0 + 30 * MIN);
    const v = layer.vetEntry(intent({ time: T0 + H, symbol: 'SOL/USDT' }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toMatch(/^stoplossGuard: 2 stop-outs within 120 min/);
    expect(events).toEqual([
      expect.objectContaining({ name: 'stoplossGuard', scope: 'global', state: 'triggered', triggeredAt: T0 + 30 * MIN, releasedAt: null }),
    ]);
    layer.onCandle('BTC/USDT', T0 + 90 * MIN, 10_000);
    expect(events[1]).toMatchObject({ name: 'stoplossGuard', state: 'released', releasedAt: T0 + 90 * MIN });
    expect(layer.vetEntry(intent({ time: T0 + 2 * H })).verdict).toBe('accepted');
    expect(layer.history()).toEqual([
      { name: 'stoplossGuard', scope: 'global', state: 'released', triggeredAt: T0 + 30 * MIN, releasedAt: T0 + 90 * MIN, reason: expect.any(String) },
    ]);
  });

  it('stop-outs outside the lookback, winning stops and signal exits do not count', () => {
    const { layer, events } = recorded(c);
    layer.onTradeClosed(trade(), T0);
    layer.onTradeClosed(trade({ pnl: 1, pnlPct: 1, exitReason: 'trailing_stop' }), T0 + 10 * MIN);
    layer.onTradeClosed(trade({ exitReason: 'signal' }), T0 + 20 * MIN);
    layer.onTradeClosed(trade(), T0 + 121 * MIN);
    expect(events).toEqual([]);
  });

  it('perSymbol: pauses only the stopped-out symbol', () => {
    const { layer } = recorded(cfg({ protections: { stoplossGuard: { trades: 2, perSymbol: true } } }));
    layer.onTradeClosed(trade(), T0);
    layer.onTradeClosed(trade({ symbol: 'ETH/USDT' }), T0 + MIN);
    expect(layer.active()).toEqual([]);
    layer.onTradeClosed(trade(), T0 + 2 * MIN);
    expect(layer.active()).toEqual([expect.objectContaining({ name: 'stoplossGuard', scope: 'BTC/USDT' })]);
    expect(layer.vetEntry(intent({ time: T0 + 3 * MIN })).verdict).toBe('rejected');
    expect(layer.vetEntry(intent({ time: T0 + 3 * MIN, symbol: 'ETH/USDT' })).verdict).toBe('accepted');
  });
});

describe('cooldown', () => {
  it('no entry on the symbol for the period after an exit; other symbols unaffected', () => {
    const { layer, events } = recorded(cfg({ protections: { cooldown: { minutes: 120 } } }));
    layer.onTradeClosed(trade({ exitReason: 'signal', pnl: 3, pnlPct: 3 }), T0);
    expect(layer.vetEntry(intent({ time: T0 + H })).verdict).toBe('rejected');
    expect(layer.vetEntry(intent({ time: T0 + H, symbol: 'ETH/USDT' })).verdict).toBe('accepted');
    expect(layer.vetEntry(intent({ time: T0 + 2 * H })).verdict).toBe('accepted');
    expect(events.map((e) => [e.name, e.scope, e.state, e.releasedAt])).toEqual([
      ['cooldown', 'BTC/USDT', 'triggered', null],
      ['cooldown', 'BTC/USDT', 'released', T0 + 2 * H],
    ]);
  });
});

describe('daily loss limit', () => {
  it('at −X% of the UTC day start no entries until the next UTC day', () => {
    const { layer, events } = recorded(cfg({ protections: { dailyLossLimit: { pct: 5 } } }));
    layer.onCandle('BTC/USDT', T0 - H, 10_000); // last candle of the previous day
    layer.onCandle('BTC/USDT', T0, 9_800);
    expect(layer.active()).toEqual([]);
    layer.onCandle('BTC/USDT', T0 + 5 * H, 9_500); // −5% from 10,000
    expect(events[0]).toMatchObject({ name: 'dailyLossLimit', scope: 'global', state: 'triggered', triggeredAt: T0 + 5 * H });
    expect(layer.vetEntry(intent({ time: T0 + 23 * H })).verdict).toBe('rejected');
    layer.onCandle('BTC/USDT', T0 + 24 * H, 9_400);
    expect(events[1]).toMatchObject({ name: 'dailyLossLimit', state: 'released', releasedAt: T0 + 24 * H });
    // the new day starts from 9,500 (the last equity of the previous day): −1.05% is fine
    expect(layer.vetEntry(intent({ time: T0 + 24 * H })).verdict).toBe('accepted');
  });
});

describe('max drawdown guard', () => {
  it('at −Y% from the peak halts until a person resumes, then measures from there', () => {
    const { layer, events } = recorded(cfg({ protections: { maxDrawdown: { pct: 10 } } }));
    layer.onCandle('BTC/USDT', T0, 10_000);
    layer.onCandle('BTC/USDT', T0 + H, 12_000);
    layer.onCandle('BTC/USDT', T0 + 2 * H, 10_900);
    expect(layer.active()).toEqual([]);
    layer.onCandle('BTC/USDT', T0 + 3 * H, 10_800); // −10% from 12,000
    expect(events[0]).toMatchObject({ name: 'maxDrawdown', state: 'triggered', triggeredAt: T0 + 3 * H });
    layer.onCandle('BTC/USDT', T0 + 100 * H, 10_800);
    expect(layer.vetEntry(intent({ time: T0 + 100 * H })).verdict).toBe('rejected');
    layer.resume(T0 + 101 * H);
    expect(events[1]).toMatchObject({ name: 'maxDrawdown', state: 'released', releasedAt: T0 + 101 * H });
    layer.onCandle('BTC/USDT', T0 + 102 * H, 10_000); // −7.4% from the new peak 10,800
    expect(layer.vetEntry(intent({ time: T0 + 102 * H })).verdict).toBe('accepted');
  });
});

describe('low-profit lock', () => {
  it('a symbol whose recent trades sum below −Z% is locked for the period', () => {
    const { layer, events } = recorded(cfg({ protections: { lowProfit: { pct: 4, trades: 3, lookbackMinutes: 600, stopMinutes: 120 } } }));
    layer.onTradeClosed(trade({ exitReason: 'signal', pnlPct: -1, pnl: -1 }), T0);
    layer.onTradeClosed(trade({ exitReason: 'signal', pnlPct: 2, pnl: 2 }), T0 + H);
    layer.onTradeClosed(trade({ exitReason: 'signal', pnlPct: -4, pnl: -4 }), T0 + 2 * H);
    expect(events).toEqual([]); // −3% over 3 trades
    layer.onTradeClosed(trade({ exitReason: 'signal', pnlPct: -2, pnl: -2 }), T0 + 3 * H); // −5% over 4
    expect(events[0]).toMatchObject({ name: 'lowProfit', scope: 'BTC/USDT', state: 'triggered' });
    expect(layer.vetEntry(intent({ time: T0 + 4 * H })).verdict).toBe('rejected');
    expect(layer.vetEntry(intent({ time: T0 + 4 * H, symbol: 'ETH/USDT' })).verdict).toBe('accepted');
    expect(layer.vetEntry(intent({ time: T0 + 5 * H })).verdict).toBe('accepted');
    expect(events[1]).toMatchObject({ name: 'lowProfit', state: 'released', releasedAt: T0 + 5 * H });
  });
});

describe('instance overrides of protections', () => {
  it('an instance with its own cooldown follows it; others keep the account one', () => {
    const { layer } = recorded(cfg({ protections: { cooldown: { minutes: 240 } } }), { instances: { quick: { protections: { cooldown: { minutes: 30 } } } } });
    layer.onTradeClosed(trade({ instanceId: 'quick', exitReason: 'signal' }), T0);
    expect(layer.vetEntry(intent({ instanceId: 'quick', time: T0 + H })).verdict).toBe('accepted');
    expect(layer.vetEntry(intent({ instanceId: 'slow', time: T0 + H })).verdict).toBe('rejected');
    expect(layer.active().map((e) => e.scope).sort()).toEqual(['BTC/USDT']);
  });

  it('an instance can turn a protection off', () => {
    const { layer } = recorded(cfg({ protections: { cooldown: { minutes: 240 } } }), { instances: { free: { protections: { cooldown: false } } } });
    layer.onTradeClosed(trade({ exitReason: 'signal' }), T0);
    expect(layer.vetEntry(intent({ instanceId: 'free', time: T0 + H })).verdict).toBe('accepted');
  });
});

describe('kill switch through the kernel', () => {
  it('kill closes positions and keeps entries refused (protection event) until resume', () => {
    const bus = new EventBus();
    const seen: EngineEvent[] = [];
    bus.onAny((e) => seen.push(e));
    const kernel = createSimulatedKernel({ account: { balance: 1000, fee: 0, slippage: 0, allowShort: false }, risk: cfg(), bus, now: () => 0 });
    const key = { exchange: 't', symbol: 'BTC/USDT', timeframe: '1h' as const };
    const candles = hourly(Array.from({ length: 8 }, () => [100, 101, 99, 100] as [number, number, number, number]));
    const runner = kernel.addInstance({ id: instanceId('s', key), strategy: scripted({ 1: 'enter-long', 4: 'enter-long', 6: 'enter-long' }), params: {}, key, running: true });
    runner.preload(candles);
    const step = (i: number) => kernel.onCandle(key, { time: candles.time[i]!, open: 100, high: 101, low: 99, close: 100, volume: 1 });
    for (let i = 0; i <= 3; i++) step(i);
    expect(kernel.portfolio.positions.size).toBe(1);
    expect(kernel.handle({ type: 'kill', by: 'keyboard' }).ok).toBe(true);
    expect(kernel.portfolio.positions.size).toBe(0);
    expect(kernel.risk.active()).toEqual([expect.objectContaining({ name: 'killSwitch', scope: 'global', state: 'triggered' })]);
    // a person restarts the strategy but does not resume: the layer still refuses
    kernel.handle({ type: 'start', instanceId: runner.id, by: 'keyboard' });
    kernel.state = 'running';
    step(4);
    const refusal = seen.filter((e) => e.type === 'risk').at(-1);
    expect(refusal).toMatchObject({ verdict: 'rejected', reason: expect.stringContaining('killSwitch') });
    kernel.handle({ type: 'resume', by: 'keyboard' });
    expect(kernel.risk.active()).toEqual([]);
    expect(seen.filter((e) => e.type === 'protection').map((e) => (e as Extract<EngineEvent, { type: 'protection' }>).protection.state)).toEqual(['triggered', 'released']);
    step(5);
    step(6);
    step(7);
    expect(kernel.portfolio.positions.size).toBe(1);
  });

  it('a restored halt (stored before a restart) still refuses entries', () => {
    const { layer } = recorded(cfg(), { restore: [{ name: 'maxDrawdown', scope: 'global', state: 'triggered', triggeredAt: T0, releasedAt: null, reason: 'dd' }] });
    expect(layer.vetEntry(intent()).verdict).toBe('rejected');
    layer.resume(T0 + H);
    expect(layer.vetEntry(intent()).verdict).toBe('accepted');
  });
});

describe('risk state snapshot (restart)', () => {
  it('round-trips through JSON: a layer restored mid-window refuses and releases exactly like the original', () => {
    const c = cfg({ protections: { cooldown: { minutes: 90 }, stoplossGuard: { trades: 2, lookbackMinutes: 600, stopMinutes: 60 }, dailyLossLimit: { pct: 5 } } });
    const a = recorded(c);
    a.layer.onCandle('BTC/USDT', T0, 10_000);
    a.layer.onTradeClosed(trade({ exitReason: 'stop_loss' }), T0);
    const saved = JSON.parse(JSON.stringify(a.layer.snapshot!()));
    const b = recorded(c);
    b.layer.restoreState!(saved);
    expect(b.layer.snapshot!()).toEqual(a.layer.snapshot!());
    expect(b.layer.active()).toEqual(a.layer.active());
    // The restored cooldown still blocks, and one more stop-out trips the guard on both (the history survived).
    for (const x of [a, b]) {
      expect(x.layer.vetEntry(intent({ time: T0 + 30 * MIN })).reason).toMatch(/^cooldown \(BTC\/USDT\)/);
      x.layer.onTradeClosed(trade({ symbol: 'ETH/USDT', exitReason: 'stop_loss' }), T0 + 40 * MIN);
      // The day's starting equity survived too: −6% from 10,000 on the same day trips the daily loss limit.
      x.layer.onCandle('BTC/USDT', T0 + 50 * MIN, 9_400);
    }
    expect(b.events.map((e) => [e.name, e.state])).toEqual([
      ['cooldown', 'triggered'],
      ['stoplossGuard', 'triggered'],
      ['dailyLossLimit', 'triggered'],
    ]);
    expect(a.events.slice(-3)).toEqual(b.events);
  });
});
