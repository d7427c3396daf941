// The kernel keeping a position's stop resting on the exchange, against a broker port that holds stops (the
// test plays the exchange's answers): placed when the entry fills, moved with a trailing stop (cancel, then
// the replacement once the cancel is confirmed), never doubled by the engine's own candle check, its fill
// books the exit, and an exit by the strategy waits for the stop's confirmed cancel before it sells.
import { describe, expect, it } from 'vitest';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { Fill, Order } from '../../../src/core/trading.js';
import { EventBus } from '../../../src/engine/bus.js';
import type { Broker, BrokerEvents } from '../../../src/engine/ports.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';

class StopHoldingBroker implements Broker {
  events!: BrokerEvents;
  readonly sent: Order[] = [];
  readonly cancels: string[] = [];
  connect(events: BrokerEvents): void {
    this.events = events;
  }
  submit(order: Readonly<Order>): void {
    this.sent.push({ ...order });
  }
  cancel(order: Readonly<Order>): void {
    this.cancels.push(order.id);
  }
  resume(): void {}
  restingStops(): boolean {
    return true;
  }
}

const key = { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' as const };
const candles = hourly([
  [100, 101, 99, 100],
  [100, 101, 99, 100],
  [100, 110, 100, 109],
  [109, 109, 105, 106],
  [106, 107, 104, 106],
  [106, 107, 104, 106],
]);

function setup(script: Parameters<typeof scripted>[0]) {
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  bus.onAny((e) => events.push(e));
  const broker = new StopHoldingBroker();
  const risk = parseConfig({ risk: { exits: { trailingPct: 2 } } }).risk;
  const kernel = createSimulatedKernel({ account: { balance: 10_000, fee: 0, slippage: 0, allowShort: false }, risk, bus, now: () => 0, broker: () => broker });
  kernel.addInstance({ id: 'a', strategy: scripted(script), params: {}, key, running: true });
  const step = (i: number) => kernel.onCandle(key, { time: candles.time[i]!, open: candles.open[i]!, high: candles.high[i]!, low: candles.low[i]!, close: candles.close[i]!, volume: 1 });
  const fillAll = (o: Order, price: number, time: number) => {
    broker.events.update({ orderId: o.id, status: 'open', time });
    const f: Fill = { id: `${o.id}-f`, orderId: o.id, instanceId: o.instanceId, symbol: o.symbol, side: o.side, purpose: o.purpose, qty: o.qty ?? 1, price, fee: 0, time, reason: o.reason, exitReason: o.exitReason, positionId: o.positionId ?? o.id, tradeId: `${o.id}-t` };
    broker.events.fill(f);
    broker.events.update({ orderId: o.id, status: 'filled', time });
  };
  const resting = () => kernel.pendingOrders().filter((o) => o.resting);
  return { kernel, broker, events, step, fillAll, resting };
}

describe('stops resting on the exchange (kernel)', () => {
  it('placed when the entry fills, moved with the trailing stop after a confirmed cancel, not doubled by the candle check; its fill books the exit', () => {
    const { kernel, broker, step, fillAll, resting } = setup({ 1: 'enter-long' });
    step(0);
    step(1);
    const entry = broker.sent[0]!;
    // The entry is sized in quote: the exchange fills 10 at 100.
    fillAll({ ...entry, qty: 10 }, 100, candles.time[1]! + 1);
    const first = broker.sent[1]!;
    expect(first).toMatchObject({ type: 'stop', purpose: 'exit', side: 'sell', resting: true, qty: 10, price: 98, exitReason: 'trailing_stop' });
    expect(resting().map((o) => o.id)).toEqual([first.id]);

    // A new high: the stop moves up. The old one is cancelled first; the replacement waits for the confirmation.
    step(2);
    expect(broker.cancels).toEqual([first.id]);
    expect(broker.sent).toHaveLength(2);
    broker.events.update({ orderId: first.id, status: 'cancelled', time: candles.time[2]! + 1 });
    const moved = broker.sent[2]!;
    expect(moved).toMatchObject({ resting: true, qty: 10, price: 110 * 0.98 });
    expect(moved.clientId).not.toBe(first.clientId);

    // The next candle trades through the stop: the exchange holds it, the engine sends no exit of its own.
    step(3);
    expect(broker.sent).toHaveLength(3);
    expect(kernel.portfolio.positions.size).toBe(1);
    // The exchange's fill of the stop books the exit.
    fillAll(moved, 107.8, candles.time[3]! + 10);
    expect(kernel.portfolio.positions.size).toBe(0);
    expect(kernel.closedTrades).toMatchObject([{ exitReason: 'trailing_stop', exitPrice: 107.8 }]);
    expect(resting()).toEqual([]);
    step(4);
    expect(broker.sent).toHaveLength(3);
  });

  it('an exit by the strategy cancels the stop and sells only once the cancel is confirmed', () => {
    const { kernel, broker, step, fillAll, resting } = setup({ 1: 'enter-long', 2: 'exit' });
    step(0);
    step(1);
    fillAll({ ...broker.sent[0]!, qty: 10 }, 100, candles.time[1]! + 1);
    const stop = broker.sent[1]!;
    step(2);
    // The strategy exits: the stop goes first; no sell is sent while the exchange could still fill the stop.
    expect(broker.cancels).toEqual([stop.id]);
    expect(broker.sent.filter((o) => o.purpose === 'exit' && !o.resting)).toEqual([]);
    // A second exit signal while waiting sends nothing either.
    step(3);
    expect(broker.sent.filter((o) => o.purpose === 'exit' && !o.resting)).toEqual([]);
    broker.events.update({ orderId: stop.id, status: 'cancelled', time: candles.time[3]! + 1 });
    const exits = broker.sent.filter((o) => o.purpose === 'exit' && !o.resting);
    expect(exits).toMatchObject([{ type: 'market', qty: 10, exitReason: 'signal' }]);
    fillAll(exits[0]!, 106, candles.time[3]! + 2);
    expect(kernel.portfolio.positions.size).toBe(0);
    expect(resting()).toEqual([]);
  });
});
