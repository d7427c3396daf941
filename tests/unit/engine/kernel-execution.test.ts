// The kernel's execution layer against a broker that answers later (as an exchange does): orders stay
// working until the broker's evidence ends them, partial fills are booked once each, reservations last
// as long as the order, and reports that make no sense are alerted, never applied.
import { describe, expect, it } from 'vitest';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import type { EngineEvent } from '../../../src/core/events.js';
import type { Fill, Order } from '../../../src/core/trading.js';
import { EventBus } from '../../../src/engine/bus.js';
import type { Broker, BrokerEvents } from '../../../src/engine/ports.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';

/** Holds what it is sent; the test plays the exchange's answers. */
class LaterBroker implements Broker {
  events!: BrokerEvents;
  readonly sent: Order[] = [];
  readonly cancels: string[] = [];
  connect(events: BrokerEvents): void {
    this.events = events;
  }
  submit(order: Readonly<Order>): void {
    this.sent.push({ ...order });
  }
  cancel(order: Readonly<Order>, reason: string): void {
    this.cancels.push(`${order.id}: ${reason}`);
  }
  resume(): void {}
}

const key = { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' as const };
const candles = hourly([
  [100, 101, 99, 100],
  [100, 102, 99, 100],
  [100, 101, 99, 100],
  [100, 101, 99, 100],
  [100, 101, 99, 100],
]);

function setup(script: Parameters<typeof scripted>[0] = { 1: 'enter-long' }) {
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  bus.onAny((e) => events.push(e));
  const broker = new LaterBroker();
  const risk = parseConfig({ risk: { sizing: { pct: 40 }, limits: { maxPositionPct: 40, maxSymbolPct: 100, maxTotalExposurePct: 50 } } }).risk;
  const kernel = createSimulatedKernel({ account: { balance: 10_000, fee: 0.001, slippage: 0, allowShort: false }, risk, bus, now: () => 0, broker: () => broker });
  kernel.addInstance({ id: 'a', strategy: scripted(script), params: {}, key, running: true });
  const step = (i: number) => kernel.onCandle(key, { time: candles.time[i]!, open: candles.open[i]!, high: candles.high[i]!, low: candles.low[i]!, close: candles.close[i]!, volume: 1 });
  return { kernel, broker, events, step };
}

function fill(o: Order, over: Partial<Fill>): Fill {
  return { id: 'x', orderId: o.id, instanceId: o.instanceId, symbol: o.symbol, side: o.side, purpose: o.purpose, qty: 1, price: 100, fee: 0.1, time: 0, reason: o.reason, positionId: o.positionId ?? o.id, ...over };
}

describe('kernel execution layer with a broker that answers later', () => {
  it('keeps the entry working and reserved across candles until the exchange reports it done', () => {
    const { kernel, broker, step } = setup();
    step(0);
    step(1);
    expect(broker.sent).toHaveLength(1);
    const o = broker.sent[0]!;
    expect(o).toMatchObject({ status: 'submitted', purpose: 'entry', quote: 4000 });
    step(2);
    step(3);
    // Still in flight three candles later: still reserved, no second entry for the instance.
    expect(kernel.reservations()).toEqual([{ instanceId: 'a', symbol: 'BTC/USDT', side: 'long', quote: 4000 }]);
    expect(broker.sent).toHaveLength(1);
    expect(kernel.pendingOrders()[0]!.status).toBe('submitted');
  });

  it('books partial fills once each (a repeated trade id is ignored), and ends the order only on the filled report', () => {
    const { kernel, broker, events, step } = setup();
    step(0);
    step(1);
    const o = broker.sent[0]!;
    broker.events.update({ orderId: o.id, status: 'open', time: 10, exchangeId: 'X1' });
    broker.events.fill(fill(o, { id: 'f1', tradeId: 't1', qty: 10, price: 100, fee: 1 }));
    broker.events.fill(fill(o, { id: 'f1-again', tradeId: 't1', qty: 10, price: 100, fee: 1 }));
    expect(kernel.portfolio.positions.get(o.id)!.qty).toBe(10);
    expect(kernel.reservations()[0]!.quote).toBeCloseTo(4000 - 1001, 9);
    broker.events.fill(fill(o, { id: 'f2', tradeId: 't2', qty: 29.9, price: 100, fee: 2.99 }));
    expect(kernel.portfolio.positions.get(o.id)!.qty).toBeCloseTo(39.9, 12);
    expect(kernel.pendingOrders()[0]).toMatchObject({ status: 'partially_filled', exchangeId: 'X1' });
    broker.events.update({ orderId: o.id, status: 'filled', time: 12 });
    expect(kernel.pendingOrders()).toEqual([]);
    expect(kernel.reservations()).toEqual([]);
    const statuses = events.filter((e) => e.type === 'order').map((e) => (e as Extract<EngineEvent, { type: 'order' }>).order.status);
    expect(statuses).toEqual(['submitted', 'open', 'partially_filled', 'partially_filled', 'filled']);
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(2);
  });

  it('an entry the exchange rejects ends with a risk event and the reason; its reservation is released', () => {
    const { kernel, broker, events, step } = setup();
    step(0);
    step(1);
    broker.events.update({ orderId: broker.sent[0]!.id, status: 'rejected', time: 10, reason: 'Account has insufficient balance for requested action.' });
    expect(kernel.reservations()).toEqual([]);
    const last = events.filter((e) => e.type === 'risk').pop() as Extract<EngineEvent, { type: 'risk' }>;
    expect(last).toMatchObject({ verdict: 'rejected', reason: 'entry rejected: Account has insufficient balance for requested action.' });
  });

  it('alerts on reports it cannot apply and changes nothing', () => {
    const { kernel, broker, events, step } = setup();
    step(0);
    step(1);
    const o = broker.sent[0]!;
    broker.events.update({ orderId: 'nope', status: 'filled', time: 10 });
    broker.events.fill(fill(o, { orderId: 'nope' }));
    broker.events.update({ orderId: o.id, status: 'cancelled', time: 11 });
    broker.events.update({ orderId: o.id, status: 'open', time: 12 });
    const alerts = events.filter((e) => e.type === 'alert').map((e) => (e as Extract<EngineEvent, { type: 'alert' }>).alert.message);
    expect(alerts).toEqual([
      'broker: order update for unknown or finished order nope (filled)',
      'broker: fill x for unknown or finished order nope',
      `broker: order update for unknown or finished order ${o.id} (open)`,
    ]);
    expect(kernel.portfolio.positions.size).toBe(0);
  });

  it('the kill switch asks the broker to cancel working orders and waits for its answer', () => {
    const { kernel, broker, step } = setup();
    step(0);
    step(1);
    const o = broker.sent[0]!;
    expect(kernel.handle({ type: 'kill', by: 'keyboard' }).ok).toBe(true);
    expect(broker.cancels).toEqual([`${o.id}: kill switch by keyboard`]);
    expect(kernel.pendingOrders()[0]!.status).toBe('pending_cancel');
    // A fill can still arrive before the cancel lands: it is booked.
    broker.events.fill(fill(o, { id: 'f1', tradeId: 't1', qty: 5 }));
    broker.events.update({ orderId: o.id, status: 'cancelled', time: 20, reason: 'kill switch by keyboard' });
    expect(kernel.pendingOrders()).toEqual([]);
    expect(kernel.portfolio.positions.get(o.id)!.qty).toBe(5);
  });
});

describe('cancel-order command (the Orders window)', () => {
  it('asks the broker to cancel exactly that order; the broker report ends it and frees the reservation', () => {
    const { kernel, broker, step } = setup();
    step(0);
    step(1);
    const o = broker.sent[0]!;
    expect(kernel.handle({ type: 'cancel-order', orderId: 'nope', by: 'keyboard' })).toEqual({ ok: false, message: 'order nope is no longer waiting' });
    const r = kernel.handle({ type: 'cancel-order', orderId: o.id, by: 'keyboard' });
    expect(r.ok).toBe(true);
    expect(broker.cancels).toEqual([`${o.id}: cancelled by keyboard`]);
    expect(kernel.pendingOrders()[0]!.status).toBe('pending_cancel');
    // asking twice sends no second cancel
    expect(kernel.handle({ type: 'cancel-order', orderId: o.id, by: 'telegram' }).message).toMatch(/already being cancelled/);
    expect(broker.cancels).toHaveLength(1);
    broker.events.update({ orderId: o.id, status: 'cancelled', time: 20, reason: 'cancelled by keyboard' });
    expect(kernel.pendingOrders()).toEqual([]);
    expect(kernel.reservations()).toEqual([]);
    expect(kernel.handle({ type: 'cancel-order', orderId: o.id, by: 'keyboard' }).ok).toBe(false);
  });
});
