import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { MIGRATIONS } from '../../../src/adapters/store/sqlite/migrations.js';
import { PaperStore } from '../../../src/adapters/store/sqlite/paper-store.js';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { EventBus } from '../../../src/engine/bus.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';

const key = { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' as const };
const config = parseConfig({});

function setup(db = openDb(':memory:'), session = 1) {
  const store = new PaperStore(db);
  if (!store.load()) store.createAccount(1000, 'USDT', 0);
  const bus = new EventBus();
  store.attach(bus);
  const kernel = createSimulatedKernel({ account: { balance: 1000, fee: 0.001, slippage: 0, allowShort: false }, risk: config.risk, bus, now: () => 0, idPrefix: `s${session}-`, atomic: (step) => store.tx(step) });
  const runner = kernel.addInstance({ id: 'i', strategy: scripted({ 1: 'enter-long', 3: 'exit' }), params: {}, key, running: true });
  return { db, store, kernel, runner };
}

const candles = hourly([
  [100, 101, 99, 100],
  [100, 102, 99, 101],
  [110, 116, 109, 115],
  [115, 121, 114, 120],
  [120, 122, 118, 119],
]);

function feed(kernel: ReturnType<typeof setup>['kernel'], from: number, to: number) {
  for (let i = from; i < to; i++) {
    kernel.onCandle(key, { time: candles.time[i]!, open: candles.open[i]!, high: candles.high[i]!, low: candles.low[i]!, close: candles.close[i]!, volume: 1 });
  }
}

describe('order journal (SQLite)', () => {
  it('writes each step of an order with its fill, and the current record', () => {
    const { db, store, kernel } = setup();
    feed(kernel, 0, 5);
    const orders = store.orders();
    expect(orders.map((o) => [o.purpose, o.status])).toEqual([
      ['entry', 'filled'],
      ['exit', 'filled'],
    ]);
    const entry = orders[0]!;
    expect(entry.clientId).toMatch(/^tt-/);
    expect(entry.filledQty).toBeGreaterThan(0);
    expect(entry.avgPrice).toBe(110);
    expect(store.orderHistory(entry.id).map((e) => e.status)).toEqual(['submitted', 'open', 'partially_filled', 'filled']);
    const row = db.prepare('SELECT status, filled_qty, client_id FROM orders WHERE id = ?').get(entry.id) as Record<string, unknown>;
    expect(row).toEqual({ status: 'filled', filled_qty: entry.filledQty, client_id: entry.clientId });
    expect(db.prepare('SELECT COUNT(*) FROM fills WHERE order_id = ?').pluck().get(entry.id)).toBe(1);
  });

  it('gives back the orders still working at restart, and the simulated broker fills them at the next open', () => {
    const first = setup();
    feed(first.kernel, 0, 2); // entry decided at candle 1, waiting for candle 2's open
    const stored = first.store.load()!;
    expect(stored.pendingOrders.map((o) => o.status)).toEqual(['open']);

    const second = setup(first.db, 2);
    second.runner.preload(candles);
    second.runner.skipTo(candles.time[2]!);
    second.kernel.restore({ cash: 1000, feesPaid: 0, realisedPnl: 0, positions: [], pendingOrders: stored.pendingOrders, trades: [], state: 'running' });
    expect(second.kernel.reservations()).toHaveLength(1);
    feed(second.kernel, 2, 3);
    expect(second.kernel.portfolio.positions.size).toBe(1);
    expect(second.store.orders({ working: true })).toEqual([]);
    expect(second.store.orderHistory(stored.pendingOrders[0]!.id).map((e) => e.status)).toEqual(['submitted', 'open', 'partially_filled', 'filled']);
  });

  it('migrates the old orders table: pending orders become in flight, nothing is lost', () => {
    const fresh = openDb(':memory:', MIGRATIONS.filter((m) => m.version < 40));
    fresh.prepare("INSERT INTO orders (id, instance_id, symbol, status, body, created_at) VALUES ('o1', 'i', 'BTC/USDT', 'pending', ?, 5)").run(
      JSON.stringify({ id: 'o1', instanceId: 'i', symbol: 'BTC/USDT', side: 'buy', type: 'market', purpose: 'entry', quote: 100, reason: 'r', createdAt: 5 }),
    );
    fresh.prepare("INSERT INTO fills (id, order_id, instance_id, symbol, side, purpose, qty, price, fee, time, reason) VALUES ('f0', 'o0', 'i', 'BTC/USDT', 'buy', 'entry', 2, 50, 0.1, 2, 'r')").run();
    fresh.prepare("INSERT INTO orders (id, instance_id, symbol, status, body, created_at) VALUES ('o0', 'i', 'BTC/USDT', 'filled', '{}', 1)").run();
    fresh.exec(MIGRATIONS.find((m) => m.version === 40)!.sql);
    const rows = fresh.prepare('SELECT id, client_id, status, filled_qty, avg_price FROM orders ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'o0', client_id: 'o0', status: 'filled', filled_qty: 2, avg_price: 50 },
      { id: 'o1', client_id: 'o1', status: 'submitted', filled_qty: 0, avg_price: 0 },
    ]);
    expect(fresh.prepare('SELECT COUNT(*) FROM fills').pluck().get()).toBe(1);
  });
});
