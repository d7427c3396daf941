// Migration 41: a live database written by session 3 (engine orders in orders/fills, exchange requests in
// live_orders/live_fills) opens with one journal: the exchange facts beside each engine order in
// order_exchange, every exchange trade once in fills, the old tables gone, and the orders kept.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { MIGRATIONS } from '../../../src/adapters/store/sqlite/migrations.js';
import { PaperStore } from '../../../src/adapters/store/sqlite/paper-store.js';
import { LiveJournal } from '../../../src/live/journal.js';
import { tempDir } from '../../support/run-cli.js';

const T = 1_780_000_000_000;

function session3Db(file: string): void {
  const db = openDb(file, MIGRATIONS.filter((m) => m.version !== 41));
  const store = new PaperStore(db);
  store.createAccount(1000, 'USDT', T);
  const order = (id: string, clientId: string, status: string, filled: number) => {
    const body = { id, clientId, instanceId: 'flip@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy', type: 'market', purpose: 'entry', quote: 500, reason: 'flip in', createdAt: T, status, filledQty: filled, avgPrice: filled ? 50_000 : 0, fees: 0, feesByCurrency: {}, updatedAt: T };
    db.prepare('INSERT INTO orders (id, client_id, instance_id, symbol, purpose, status, filled_qty, avg_price, fees, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)').run(id, clientId, body.instanceId, 'BTC/USDT', 'entry', status, filled, body.avgPrice, JSON.stringify(body), T, T);
  };
  order('s1-o1', 'tt-a', 'filled', 0.01);
  order('s1-o2', 'tt-b', 'open', 0);
  // The engine booked o1's trade; o2's trade reached live_fills only (the crash the old two tables allowed).
  db.prepare("INSERT INTO fills (id, order_id, trade_id, instance_id, symbol, side, purpose, qty, price, fee, fee_currency, fee_amount, time, reason) VALUES ('s1-o1-t5001', 's1-o1', '5001', 'flip@binance:BTC/USDT:1h', 'BTC/USDT', 'buy', 'entry', 0.01, 50000, 0.5, 'BTC', 0.00001, ?, 'flip in')").run(T);
  const live = db.prepare(
    `INSERT INTO live_orders (client_id, order_id, kind, symbol, side, type, amount, price, stop_price, position_id, state, exchange_id, exchange_status, filled, sent_at, updated_at, last_error)
     VALUES (?, ?, ?, 'BTC/USDT', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  live.run('tt-a', 's1-o1', 'order', 'buy', 'market', 0.01, null, null, null, 'done', '1000', 'closed', 0.01, T, T + 5, null);
  live.run('tt-b', 's1-o2', 'order', 'buy', 'market', 0.01, null, null, null, 'working', '1001', 'open', 0.004, T + 1, T + 6, null);
  // Two generations of one position's stop shared an order id.
  live.run('tts-x-0-p1', 'stop:p1', 'stop', 'sell', 'stop_loss_limit', 0.01, 47_760, 48_000, 'p1', 'done', '1002', 'canceled', 0, T + 2, T + 7, null);
  live.run('tts-y-1-p1', 'stop:p1', 'stop', 'sell', 'stop_loss_limit', 0.01, 47_760, 48_000, 'p1', 'done', '1003', 'closed', 0.01, T + 3, T + 8, null);
  live.run('ttf-4-abc', 'flatten:4', 'adopted', 'sell', 'market', 0.002, null, null, null, 'sending', null, null, 0, T + 4, T + 4, 'timeout');
  const fill = db.prepare("INSERT INTO live_fills (symbol, trade_id, client_id, exchange_order_id, side, qty, price, fee, fee_currency, time) VALUES ('BTC/USDT', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  fill.run('5001', 'tt-a', '1000', 'buy', 0.01, 50_000, 0.00001, 'BTC', T);
  fill.run('5002', 'tt-b', '1001', 'buy', 0.004, 50_010, 0.000004, 'BTC', T + 1);
  fill.run('5003', 'tts-y-1-p1', '1003', 'sell', 0.01, 47_900, 0.479, 'USDT', T + 3);
  db.close();
}

describe('migration 41: one order journal', () => {
  it('moves a session-3 live database: exchange facts beside the orders, each trade once in fills, old tables dropped', () => {
    const file = join(tempDir(), 'live-binance.db');
    session3Db(file);
    const db = openDb(file);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    expect(tables).toContain('order_exchange');
    expect(tables).not.toContain('live_orders');
    expect(tables).not.toContain('live_fills');

    // The engine's orders are kept, and the working one still comes back at start.
    const store = new PaperStore(db);
    expect(store.orders().map((o) => [o.id, o.status])).toEqual([
      ['s1-o1', 'filled'],
      ['s1-o2', 'open'],
    ]);
    expect(store.load()!.pendingOrders.map((o) => o.id)).toEqual(['s1-o2']);

    const journal = new LiveJournal(db);
    expect(journal.ofOrder('s1-o1')).toMatchObject({ clientId: 'tt-a', kind: 'order', state: 'done', exchangeId: '1000', exchangeStatus: 'closed', filled: 0.01 });
    expect(journal.get('tt-b')).toMatchObject({ orderId: 's1-o2', state: 'working', exchangeId: '1001' });
    // Each stop request has its own order id now.
    expect(journal.get('tts-x-0-p1')!.orderId).toBe('stop:tts-x-0-p1');
    expect(journal.get('tts-y-1-p1')).toMatchObject({ orderId: 'stop:tts-y-1-p1', kind: 'stop', positionId: 'p1', stopPrice: 48_000 });
    expect(journal.unfinished().map((r) => r.clientId)).toEqual(['tt-b', 'ttf-4-abc']);
    expect(journal.get('ttf-4-abc')).toMatchObject({ kind: 'adopted', state: 'sending', lastError: 'timeout' });

    // 5001 stays the engine's row; 5003 (a stop's trade, no engine order) moved; 5002 was never booked by
    // the engine: it is left for the working order's look-up to report, not hidden as booked.
    expect(journal.hasFill('BTC/USDT', '5001')).toBe(true);
    expect(journal.hasFill('BTC/USDT', '5002')).toBe(false);
    expect(journal.fills().map((f) => [f.tradeId, f.clientId, f.exchangeOrderId, f.qty, f.fee, f.feeCurrency])).toEqual([
      ['5001', 'tt-a', '1000', 0.01, 0.00001, 'BTC'],
      ['5003', 'tts-y-1-p1', '1003', 0.01, 0.479, 'USDT'],
    ]);
    const fillCount = db.prepare('SELECT COUNT(*) FROM fills').pluck().get();
    expect(fillCount).toBe(2);
    db.close();
  });

  it('a fresh database has one journal too (41 runs after 45 and leaves no live_orders behind)', () => {
    const db = openDb(':memory:');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    expect(tables).toContain('order_exchange');
    expect(tables.filter((t) => t === 'live_orders' || t === 'live_fills')).toEqual([]);
    const journal = new LiveJournal(db);
    expect(journal.begin({ clientId: 'c1', orderId: 'o1', kind: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1, price: null, stopPrice: null, positionId: null, sentAt: T })).toBe(true);
    // The same request again is not journaled twice (it may have left: it is looked up instead).
    expect(journal.begin({ clientId: 'c1', orderId: 'o1', kind: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1, price: null, stopPrice: null, positionId: null, sentAt: T })).toBe(false);
    db.close();
  });
});
