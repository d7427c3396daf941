// The parity meter's shadow on its own: over an engine that itself fills on the simulated broker with the same
// settings, every decision pairs with the shadow's and live-vs-paper is exactly 0 (one engine, one fill model);
// slippage against the decision close is what the fill model charges over the next open; closes by hand are
// mirrored; a shadow that cannot run (an unreadable saved state, a failing instance) stops the meter with a
// message and never fails or stops the engine it watches.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { createSimulatedKernel, type AccountSettings } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { candleAt, type MarketKey } from '../../../src/core/candle.js';
import { EventBus } from '../../../src/engine/bus.js';
import { ParityMeter } from '../../../src/live/parity.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';

const risk = parseConfig({}).risk;
const account: AccountSettings = { balance: 10_000, fee: 0.001, slippage: 0.001, allowShort: false };
const key: MarketKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };
const candles = hourly([
  [100, 101, 99, 100],
  [101, 103, 100, 102],
  [103, 104, 101, 103],
  [102, 106, 101, 105],
  [106, 108, 104, 107],
  [108, 110, 107, 109],
  [110, 111, 108, 110],
]);

function setup(opts: { db?: ReturnType<typeof openDb>; problems?: string[] } = {}) {
  const db = opts.db ?? openDb(':memory:');
  const bus = new EventBus();
  const live = createSimulatedKernel({ account, risk, bus, now: () => 0, idPrefix: 'L-' });
  live.addInstance({ id: 'flip', strategy: scripted({ 1: 'enter-long', 3: 'exit', 4: 'enter-long' }), params: {}, key, running: true });
  const meter = new ParityMeter({ db, live, liveBus: bus, account, risk, now: () => 0, onProblem: (m) => opts.problems?.push(m) });
  return { db, bus, live, meter };
}

describe('parity meter shadow', () => {
  it('pairs every decision with the simulated one: live vs paper is 0 when both fill alike; slippage is against the decision close', () => {
    const { live, meter } = setup();
    for (let i = 0; i < candles.length; i++) live.onCandle(key, candleAt(candles, i));
    const { rows, summary } = meter.status();
    expect(rows.map((r) => `${r.purpose} ${r.side}`)).toEqual(['entry buy', 'exit sell', 'entry buy']);
    for (const r of rows) {
      expect(r.simPrice).toBe(r.livePrice);
      expect(r.vsSimBps).toBe(0);
    }
    // Entry decided at candle 1's close (102), filled at candle 2's open (103) plus 0.1%.
    expect(rows[0]!.reference).toBe(102);
    expect(rows[0]!.livePrice).toBeCloseTo(103 * 1.001, 12);
    expect(rows[0]!.slippageBps).toBeCloseTo(((103 * 1.001 - 102) / 102) * 10_000, 9);
    // Exit decided at candle 3's close (105), filled at candle 4's open (106) less 0.1%: better than the decision.
    expect(rows[1]!.slippageBps).toBeCloseTo((-(106 * 0.999 - 105) / 105) * 10_000, 9);
    expect(summary).toMatchObject({ trades: 3, paired: 3, liveOnly: 0, simOnly: 0, totalVsSim: 0 });
    expect(summary.simRealised).toBe(summary.liveRealised);
    expect(meter.simulated.portfolio.cash).toBe(live.portfolio.cash);
  });

  it('a position closed by hand on the engine is closed on the shadow too (the same decision, paired)', () => {
    const { live, meter } = setup();
    for (let i = 0; i < 3; i++) live.onCandle(key, candleAt(candles, i));
    expect(meter.simulated.portfolio.positions.size).toBe(1);
    const cmd = { type: 'close' as const, symbol: 'BTC/USDT', positionId: [...live.portfolio.positions.keys()][0]!, by: 'keyboard' as const };
    expect(live.handle(cmd).ok).toBe(true);
    meter.afterCommand(cmd);
    expect(meter.simulated.portfolio.positions.size).toBe(0);
    const manual = meter.status().rows.find((r) => r.purpose === 'exit')!;
    expect(manual).toMatchObject({ exitReason: 'manual', vsSimBps: 0 });
  });

  it('the shadow survives a restart from the database; an unreadable saved state restarts it with a message', () => {
    const first = setup();
    for (let i = 0; i < 3; i++) first.live.onCandle(key, candleAt(candles, i));
    first.meter.close();
    const problems: string[] = [];
    const again = setup({ db: first.db, problems });
    expect(problems).toEqual([]);
    expect(again.meter.simulated.portfolio.positions.size).toBe(1);
    expect(again.meter.simulated.portfolio.cash).toBe(first.meter.simulated.portfolio.cash);
    again.meter.close();
    first.db.prepare(`UPDATE parity_shadow SET state = '{not json'`).run();
    const third = setup({ db: first.db, problems });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/saved shadow cannot be read/);
    expect(third.meter.problem).toBeNull();
    expect(third.meter.simulated.portfolio.positions.size).toBe(0);
    expect(third.meter.status().rows).toHaveLength(1); // the records themselves are kept
  });

  it("a stop resting on the exchange pairs with the shadow's stop exit in the candle its fill happened in; its moves and cancels are not trades", () => {
    const db = openDb(':memory:');
    const bus = new EventBus();
    const live = createSimulatedKernel({ account, risk, bus, now: () => 0, idPrefix: 'L-' });
    // Enters at candle 1's close with a stop at 101.5, fills at candle 2's open: candle 2's low (101) crosses it.
    const runner = live.addInstance({ id: 'flip', strategy: scripted({ 1: { action: 'enter-long', reason: 'in', stop: 101.5 } }), params: {}, key, running: true });
    const meter = new ParityMeter({ db, live, liveBus: bus, account, risk, now: () => 0 });
    // The live engine's side, as a live broker with resting stops reports it (the candles reach the meter as events).
    const candle = (i: number): void => {
      const c = candleAt(candles, i);
      runner.advance(c);
      bus.emit({ type: 'candle', instanceId: 'flip', symbol: key.symbol, timeframe: key.timeframe, candle: c });
      bus.emit({ type: 'equity', time: c.time, equity: 0, cash: 0, exposure: 0 });
    };
    const base = { instanceId: 'flip', symbol: key.symbol, clientId: 'x', filledQty: 0, avgPrice: 0, fees: 0, feesByCurrency: {}, reason: 'r' };
    const stop = (id: string, status: 'open' | 'cancelled' | 'filled', price: number, updatedAt: number, fill = 0) =>
      bus.emit({ type: 'order', order: { ...base, id, side: 'sell', type: 'stop', purpose: 'exit', exitReason: 'stop_loss', resting: true, price, qty: 1, status, createdAt: candles.time[2]!, updatedAt, filledQty: fill, avgPrice: fill ? 101.3 : 0 } });
    for (let i = 0; i < 2; i++) candle(i);
    // Placed, moved once (the first cancelled), the second filled 20 minutes into candle 2 (low 101) at 101.3.
    stop('s1', 'open', 101, candles.time[2]! + 60_000);
    stop('s1', 'cancelled', 101, candles.time[2]! + 2 * 60_000);
    stop('s2', 'open', 101.5, candles.time[2]! + 2 * 60_000);
    stop('s2', 'filled', 101.5, candles.time[2]! + 20 * 60_000, 1);
    candle(2);
    const rows = meter.status().rows;
    const exit = rows.filter((r) => r.purpose === 'exit');
    expect(exit).toHaveLength(1);
    expect(exit[0]).toMatchObject({ exitReason: 'stop_loss', reference: 101.5, livePrice: 101.3, delayMs: null });
    // The shadow's stop fills at the level less the account's slippage, in the same candle.
    expect(exit[0]!.simPrice).toBeCloseTo(101.5 * 0.999, 12);
    expect(exit[0]!.slippageBps).toBeCloseTo((0.2 / 101.5) * 10_000, 9);
  });

  it('a live step the database refuses is rolled back in the shadow too: the retried step gives the same records as an uninterrupted run', () => {
    const run = (fail: number | null) => {
      const db = openDb(':memory:');
      const bus = new EventBus();
      const live = createSimulatedKernel({ account, risk, bus, now: () => 0, idPrefix: 'L-' });
      live.addInstance({ id: 'flip', strategy: scripted({ 1: 'enter-long', 3: 'exit', 4: 'enter-long' }), params: {}, key, running: true });
      let settle: (committed: boolean) => void = () => undefined;
      const meter = new ParityMeter({ db, live, liveBus: bus, account, risk, now: () => 0, onSettled: (l) => ((settle = l), () => undefined) });
      for (let i = 0; i < candles.length; i++) {
        if (i === fail) {
          // As the app does on a refused write: the transaction rolls back, memory is put back, the step is retried.
          const undo = live.checkpoint()!;
          expect(() =>
            db.transaction(() => {
              live.onCandle(key, candleAt(candles, i));
              throw new Error('SQLITE_FULL');
            })(),
          ).toThrow('SQLITE_FULL');
          undo();
          settle(false);
        }
        db.transaction(() => live.onCandle(key, candleAt(candles, i)))();
        settle(true);
      }
      if (meter.problem) throw new Error(meter.problem);
      return { rows: meter.status().rows, cash: meter.simulated.portfolio.cash, trades: meter.simulated.closedTrades.length, saved: db.prepare('SELECT state FROM parity_shadow').get() };
    };
    const whole = run(null);
    // Candle 2 fills the shadow's entry; candle 4 its exit and the live entry's decision.
    for (const fail of [2, 4]) expect(run(fail)).toEqual(whole);
  });

  it('a shadow that fails stops the meter with a message; the engine it watches trades on', () => {
    const problems: string[] = [];
    const { live, meter } = setup({ problems });
    // An instance added while running whose candles contradict the shadow's (a bug, a corrupted buffer).
    live.onCandle(key, candleAt(candles, 0));
    const shadowRunner = meter.simulated.instances.get('flip')!;
    shadowRunner.preload(hourly([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]));
    // The shadow's buffer now has a candle at candle 1's time that the live one does not follow: advance() throws.
    Object.assign(shadowRunner.candles.time, { 1: candles.time[1]! + 1 });
    expect(() => {
      for (let i = 1; i < candles.length; i++) live.onCandle(key, candleAt(candles, i));
    }).not.toThrow();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^the parity meter stopped: /);
    expect(meter.problem).toBe(problems[0]);
    expect(live.closedTrades).toHaveLength(1);
    // The live orders are still recorded, without their simulated twins.
    expect(meter.status().rows.filter((r) => r.livePrice !== null)).toHaveLength(3);
  });
});
