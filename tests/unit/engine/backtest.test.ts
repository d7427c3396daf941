import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestSpec } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';
import type { Decision } from '../../../src/core/trading.js';

const key = { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' as const };
const risk = parseConfig({}).risk;

function spec(candles: BacktestSpec['candles'], script: Record<number, Decision['action'] | Decision>, over: Partial<BacktestSpec> = {}): BacktestSpec {
  return {
    strategy: scripted(script),
    params: {},
    key,
    candles,
    tradeFrom: 0,
    account: { balance: 1000, fee: 0.001, slippage: 0.01, allowShort: false },
    stakePct: 100,
    risk,
    ...over,
  };
}

/** Six hourly candles for an entry decided at i1 and an exit at i3. */
const byHand = hourly([
  [100, 101, 99, 100],
  [100, 102, 99, 101], // i1: enter-long decided at close
  [110, 116, 109, 115], // i2: buy fills at open 110 × 1.01
  [115, 121, 114, 120], // i3: exit decided
  [120, 122, 118, 119], // i4: sell fills at open 120 × 0.99
  [119, 120, 118, 119],
]);

describe('backtest fills, by hand', () => {
  const candles = byHand;

  it('fills a market entry at the next open with slippage and the fee, all-in at 100% stake', () => {
    const r = runBacktest(spec(candles, { 1: 'enter-long', 3: 'exit' }));
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t.entryTime).toBe(candles.time[2]);
    expect(t.exitTime).toBe(candles.time[4]);
    expect(t.entryPrice).toBeCloseTo(111.1, 10);
    expect(t.exitPrice).toBeCloseTo(118.8, 10);
    // qty = 1000 / (111.1 × 1.001)
    expect(t.qty).toBeCloseTo(8.991908181827174, 10);
    expect(t.fees).toBeCloseTo(0.999000999000999 + 1.0682386920010682, 9);
    expect(t.pnl).toBeCloseTo(67.1704533090672, 9);
    expect(t.pnlPct).toBeCloseTo(6.7170453309067195, 9);
    expect(t.exitReason).toBe('signal');
    expect(r.feesPaid).toBeCloseTo(t.fees, 10);
  });

  it('marks equity at every close: all cash spent, then qty × close', () => {
    const r = runBacktest(spec(candles, { 1: 'enter-long', 3: 'exit' }));
    const qty = 8.991908181827174;
    expect(Array.from(r.equity.slice(0, 2))).toEqual([1000, 1000]);
    expect(r.equity[2]).toBeCloseTo(qty * 115, 8);
    expect(r.equity[3]).toBeCloseTo(qty * 120, 8);
    expect(r.equity[4]).toBeCloseTo(1067.1704533090672, 8);
    expect(r.exposureCandles).toBe(2);
    expect(Array.from(r.equityTimes)).toEqual(Array.from(candles.time));
  });

  it('closes a position still open at the end at the last close with reason end', () => {
    const r = runBacktest(spec(candles, { 1: 'enter-long' }, { account: { balance: 1000, fee: 0, slippage: 0, allowShort: false } }));
    const t = r.trades[0]!;
    expect(t.exitReason).toBe('end');
    expect(t.exitPrice).toBe(119);
    expect(t.exitTime).toBe(candles.time[5]);
    expect(r.equity[5]).toBeCloseTo((1000 / 110) * 119, 9);
  });

  it('ignores decisions before tradeFrom (warm-up candles)', () => {
    const r = runBacktest(spec(candles, { 1: 'enter-long', 3: 'enter-long' }, { tradeFrom: 2 }));
    expect(r.trades[0]!.entryTime).toBe(candles.time[4]);
    expect(r.equity).toHaveLength(4);
  });

  it('refuses shorts on a spot account and takes them when allowShort is on', () => {
    const off = runBacktest(spec(candles, { 1: 'enter-short' }));
    expect(off.trades).toHaveLength(0);
    expect(off.riskDecisions.rejected).toBe(1);
    const on = runBacktest(spec(candles, { 1: 'enter-short', 3: 'exit' }, { account: { balance: 1000, fee: 0, slippage: 0, allowShort: true } }));
    const t = on.trades[0]!;
    expect(t.side).toBe('short');
    // sold 1000/110 at 110, bought back at 120
    expect(t.pnl).toBeCloseTo((110 - 120) * (1000 / 110), 9);
  });
});

describe('backtest protective exits', () => {
  const account = { balance: 1000, fee: 0, slippage: 0, allowShort: false };
  const withStop = (stop?: number, takeProfit?: number): Decision => ({ action: 'enter-long', reason: 'test', stop, takeProfit });

  it('fills at the stop when the low touches it', () => {
    const c = hourly([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 101, 98, 99],
      [99, 99, 94, 96], // low 94 < stop 95
      [96, 97, 95, 96],
    ]);
    const r = runBacktest(spec(c, { 1: withStop(95) }, { account }));
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
    expect(r.trades[0]!.exitPrice).toBe(95);
    expect(r.trades[0]!.exitTime).toBe(c.time[3]);
  });

  it('fills at the open when a gap jumps through the stop', () => {
    const c = hourly([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 101, 98, 99],
      [90, 92, 89, 91], // opens below the stop
      [91, 92, 90, 91],
    ]);
    const r = runBacktest(spec(c, { 1: withStop(95) }, { account }));
    expect(r.trades[0]!.exitPrice).toBe(90);
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
  });

  it('assumes the stop came first when stop and target are inside one candle', () => {
    const c = hourly([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 120, 80, 100], // both 95 and 110 inside
      [100, 101, 99, 100],
    ]);
    const r = runBacktest(spec(c, { 1: withStop(95, 110) }, { account }));
    expect(r.trades[0]!.exitReason).toBe('stop_loss');
    expect(r.trades[0]!.exitPrice).toBe(95);
  });

  it('takes profit at the target, or at the open when it gaps above', () => {
    const c = hourly([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 111, 99, 105],
      [115, 116, 114, 115],
    ]);
    const r = runBacktest(spec(c, { 1: withStop(90, 110) }, { account }));
    expect(r.trades[0]!.exitReason).toBe('take_profit');
    expect(r.trades[0]!.exitPrice).toBe(110);
    const gap = runBacktest(spec(c, { 1: withStop(90, 112) }, { account }));
    expect(gap.trades[0]!.exitPrice).toBe(115);
    expect(gap.trades[0]!.exitTime).toBe(c.time[4]);
  });

  it('checks the stop on the entry candle itself, from its open on', () => {
    const c = hourly([
      [100, 100, 100, 100],
      [100, 101, 99, 100],
      [100, 101, 94, 99], // entry at 100, low 94 hits stop 95 in the same candle
      [99, 100, 98, 99],
    ]);
    const r = runBacktest(spec(c, { 1: withStop(95) }, { account }));
    expect(r.trades[0]!.entryTime).toBe(c.time[2]);
    expect(r.trades[0]!.exitTime).toBe(c.time[2]);
    expect(r.trades[0]!.exitPrice).toBe(95);
  });
});

describe('no lookahead in the engine', () => {
  it('changing candles after i never changes trades closed at or before i', () => {
    const base = hourly(Array.from({ length: 40 }, (_, i) => [100 + i, 102 + i, 99 + i, 101 + i] as [number, number, number, number]));
    const script = { 2: 'enter-long', 6: 'exit', 10: 'enter-long', 15: 'exit', 30: 'enter-long', 35: 'exit' } as const;
    const full = runBacktest(spec(base, script));
    const changed = hourly(
      Array.from({ length: 40 }, (_, i) => (i > 20 ? [50, 51, 49, 50] : [100 + i, 102 + i, 99 + i, 101 + i]) as [number, number, number, number]),
    );
    const cut = runBacktest(spec(changed, script));
    const before = (r: typeof full) => r.trades.filter((t) => t.exitTime <= base.time[20]!);
    expect(before(cut)).toEqual(before(full));
    expect(Array.from(cut.equity.slice(0, 21))).toEqual(Array.from(full.equity.slice(0, 21)));
  });
});

describe('decision reasons are built only when read', () => {
  const candles = byHand;
  /** The scripted strategy, recording what each decide() was told and saying why only when asked to. */
  function telling(seen: Array<boolean | undefined>) {
    const base = scripted({ 1: 'enter-long', 3: 'exit' });
    return { ...base, decide: (i: number, input: Parameters<typeof base.decide>[1], p: Parameters<typeof base.decide>[2]) => {
      seen.push(input.explain);
      const d = base.decide(i, input, p);
      return d && input.explain === false ? { ...d, reason: '' } : d;
    } };
  }

  it('a backtest no one listens to tells the strategy that no one reads them; the trades are the same either way', async () => {
    const { EventBus } = await import('../../../src/engine/bus.js');
    const quiet: Array<boolean | undefined> = [];
    const alone = runBacktest(spec(candles, {}, { strategy: telling(quiet) }));
    expect(new Set(quiet)).toEqual(new Set([false]));

    const heard: Array<boolean | undefined> = [];
    const bus = new EventBus();
    const reasons: string[] = [];
    bus.on('decision', (e) => reasons.push(e.reason));
    const listened = runBacktest(spec(candles, {}, { strategy: telling(heard), bus }));
    expect(new Set(heard)).toEqual(new Set([true]));
    expect(reasons).toEqual(['script 1', 'script 3']);
    expect(listened.trades).toEqual(alone.trades);
    expect(Array.from(listened.equity)).toEqual(Array.from(alone.equity));
  });

  it('an order journal (any listener of orders or fills) is a reader too', async () => {
    const { EventBus } = await import('../../../src/engine/bus.js');
    for (const type of ['order', 'fill'] as const) {
      const seen: Array<boolean | undefined> = [];
      const bus = new EventBus();
      const orderReasons: string[] = [];
      bus.on(type, (e) => orderReasons.push('order' in e ? e.order.reason : e.fill.reason));
      runBacktest(spec(candles, {}, { strategy: telling(seen), bus }));
      expect(new Set(seen), type).toEqual(new Set([true]));
      expect(orderReasons.filter((r) => r.startsWith('script')).length, type).toBeGreaterThan(0);
    }
  });
});
