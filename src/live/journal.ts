// The exchange side of the one order journal (migration 41): for each request an exchange broker sends, the
// facts beside the engine's order record, keyed by its order id, in order_exchange: the client id, written
// BEFORE the request is sent, the exchange's id and status, sending/working/done, the last error. Every
// exchange trade is booked once in fills, by (symbol, trade id): an engine order's trades by the engine's
// own step (the broker reports them), the trades of orders the engine did not make (adopted, flatten) here.
// Also the last trade seen per symbol and the differences found, for reconciliation. What survives a crash
// is exactly what was committed here and by the engine's steps.
import type { Fill } from '../core/trading.js';
import { currenciesOf } from '../core/trading.js';
import type { Db } from '../adapters/store/sqlite/db.js';

/**
 * sending: written, the request may or may not have left (crash, lost reply); resolve by lookup.
 * working: the exchange has it (open or partially filled).
 * done: terminal on the exchange (filled, cancelled, expired, rejected) or never reached it.
 */
export type JournalState = 'sending' | 'working' | 'done';

/** `order`: an engine order; `stop`: a protective stop resting on the exchange; `adopted`: found there. */
export type JournalKind = 'order' | 'stop' | 'adopted';

export interface JournalRow {
  clientId: string;
  orderId: string;
  kind: JournalKind;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  amount: number;
  price: number | null;
  stopPrice: number | null;
  positionId: string | null;
  state: JournalState;
  exchangeId: string | null;
  exchangeStatus: string | null;
  filled: number;
  /** When the request was (to be) sent, by our clock: its timestamp, which bounds when the exchange may accept it. */
  sentAt: number;
  updatedAt: number;
  lastError: string | null;
}

export interface JournalFill {
  symbol: string;
  tradeId: string;
  clientId: string | null;
  exchangeOrderId: string | null;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  fee: number;
  feeCurrency: string | null;
  time: number;
}

export interface Difference {
  id: number;
  kind: 'unknown-order' | 'external-trade' | 'balance' | 'order-in-doubt' | 'stop-missing';
  symbol: string | null;
  summary: string;
  detail: Record<string, unknown>;
  createdAt: number;
  resolvedAt: number | null;
  resolution: string | null;
}

type Row = Record<string, unknown>;

function toRow(r: Row): JournalRow {
  return {
    clientId: r.client_id as string,
    orderId: r.order_id as string,
    kind: r.kind as JournalKind,
    symbol: r.symbol as string,
    side: r.side as 'buy' | 'sell',
    type: r.type as string,
    amount: r.amount as number,
    price: r.price as number | null,
    stopPrice: r.stop_price as number | null,
    positionId: r.position_id as string | null,
    state: r.state as JournalState,
    exchangeId: r.exchange_id as string | null,
    exchangeStatus: r.exchange_status as string | null,
    filled: r.filled as number,
    sentAt: r.sent_at as number,
    updatedAt: r.updated_at as number,
    lastError: r.last_error as string | null,
  };
}

export class LiveJournal {
  constructor(readonly db: Db) {}

  tx<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }

  /**
   * Journals a request before it is sent. Returns false (and writes nothing) when the client id (or the
   * order) is already journaled: that request may have left already, so it must be looked up, not sent again.
   */
  begin(row: Omit<JournalRow, 'state' | 'exchangeId' | 'exchangeStatus' | 'filled' | 'updatedAt' | 'lastError'>): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO order_exchange (order_id, client_id, kind, symbol, side, type, amount, price, stop_price, position_id, state, sent_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(row.orderId, row.clientId, row.kind, row.symbol, row.side, row.type, row.amount, row.price, row.stopPrice, row.positionId, row.sentAt, row.sentAt);
    return r.changes === 1;
  }

  get(clientId: string): JournalRow | undefined {
    const r = this.db.prepare('SELECT * FROM order_exchange WHERE client_id = ?').get(clientId) as Row | undefined;
    return r ? toRow(r) : undefined;
  }

  /** The exchange side of an engine order, by the engine's order id. */
  ofOrder(orderId: string): JournalRow | undefined {
    const r = this.db.prepare('SELECT * FROM order_exchange WHERE order_id = ?').get(orderId) as Row | undefined;
    return r ? toRow(r) : undefined;
  }

  byExchangeId(symbol: string, exchangeId: string): JournalRow | undefined {
    const r = this.db.prepare('SELECT * FROM order_exchange WHERE symbol = ? AND exchange_id = ?').get(symbol, exchangeId) as Row | undefined;
    return r ? toRow(r) : undefined;
  }

  /** Requests not known to be over: in flight or working on the exchange. */
  unfinished(kind?: JournalKind): JournalRow[] {
    const rows = (kind ? this.db.prepare(`SELECT * FROM order_exchange WHERE state != 'done' AND kind = ? ORDER BY sent_at, rowid`).all(kind) : this.db.prepare(`SELECT * FROM order_exchange WHERE state != 'done' ORDER BY sent_at, rowid`).all()) as Row[];
    return rows.map(toRow);
  }

  all(): JournalRow[] {
    return (this.db.prepare('SELECT * FROM order_exchange ORDER BY sent_at, rowid').all() as Row[]).map(toRow);
  }

  update(clientId: string, change: { state?: JournalState; exchangeId?: string | null; exchangeStatus?: string | null; filled?: number; lastError?: string | null; amount?: number }, now: number): void {
    const cur = this.get(clientId);
    if (!cur) throw new Error(`journal has no order ${clientId}`);
    this.db
      .prepare('UPDATE order_exchange SET state = ?, exchange_id = ?, exchange_status = ?, filled = ?, last_error = ?, amount = ?, updated_at = ? WHERE client_id = ?')
      .run(
        change.state ?? cur.state,
        change.exchangeId !== undefined ? change.exchangeId : cur.exchangeId,
        change.exchangeStatus !== undefined ? change.exchangeStatus : cur.exchangeStatus,
        change.filled ?? cur.filled,
        change.lastError !== undefined ? change.lastError : cur.lastError,
        change.amount ?? cur.amount,
        now,
        clientId,
      );
  }

  /**
   * Books a trade of an order the engine did not make (adopted, flatten): false if this trade id was booked
   * before. An engine order's trades are booked by the engine's step (bookEngineFill from its store), in the
   * same transaction as the position they change.
   */
  addFill(row: JournalRow, t: { tradeId: string; qty: number; price: number; fee: number; feeCurrency: string | null; time: number }): boolean {
    const quote = currenciesOf(row.symbol).quote;
    const inQuote = t.feeCurrency === null || t.feeCurrency === quote;
    const r = this.db
      .prepare(
        `INSERT INTO fills (id, order_id, trade_id, instance_id, symbol, side, purpose, qty, price, fee, fee_currency, fee_amount, time, reason)
         VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(`x-${row.orderId}-t${t.tradeId}`, row.orderId, t.tradeId, row.symbol, row.side, row.kind, t.qty, t.price, inQuote ? t.fee : 0, t.feeCurrency, t.fee, t.time, `exchange trade of ${row.clientId}`);
    return r.changes === 1;
  }

  /** Writes an engine fill as the engine's store does (tests and tools that run a broker without an engine). */
  bookEngineFill(f: Fill): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO fills (id, order_id, trade_id, instance_id, symbol, side, purpose, qty, price, fee, fee_currency, fee_amount, time, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(f.id, f.orderId, f.tradeId ?? null, f.instanceId, f.symbol, f.side, f.purpose, f.qty, f.price, f.fee, f.feeCurrency ?? null, f.feeAmount ?? null, f.time, f.reason);
    return r.changes === 1;
  }

  hasFill(symbol: string, tradeId: string): boolean {
    return this.db.prepare('SELECT 1 FROM fills WHERE symbol = ? AND trade_id = ?').get(symbol, tradeId) !== undefined;
  }

  /** Exchange trades booked (of every journaled order, or of one client id), oldest first; fee in its own currency. */
  fills(clientId?: string): JournalFill[] {
    const sql = `SELECT f.symbol, f.trade_id, x.client_id, x.exchange_id, f.side, f.qty, f.price, f.fee, f.fee_currency, f.fee_amount, f.time
      FROM fills f JOIN order_exchange x ON x.order_id = f.order_id WHERE f.trade_id IS NOT NULL ${clientId ? 'AND x.client_id = ?' : ''} ORDER BY f.time, f.trade_id`;
    const rows = (clientId ? this.db.prepare(sql).all(clientId) : this.db.prepare(sql).all()) as Row[];
    return rows.map((r) => ({
      symbol: r.symbol as string,
      tradeId: r.trade_id as string,
      clientId: r.client_id as string | null,
      exchangeOrderId: r.exchange_id as string | null,
      side: r.side as 'buy' | 'sell',
      qty: r.qty as number,
      price: r.price as number,
      fee: (r.fee_amount as number | null) ?? (r.fee as number),
      feeCurrency: (r.fee_currency as string | null) ?? currenciesOf(r.symbol as string).quote,
      time: r.time as number,
    }));
  }

  cursor(symbol: string): { lastTradeId: string; lastTradeTime: number } | undefined {
    const r = this.db.prepare('SELECT last_trade_id, last_trade_time FROM live_cursor WHERE symbol = ?').get(symbol) as Row | undefined;
    return r ? { lastTradeId: r.last_trade_id as string, lastTradeTime: r.last_trade_time as number } : undefined;
  }

  /** Moves the symbol's trade cursor forward (never back). */
  advanceCursor(symbol: string, tradeId: string, time: number): void {
    const cur = this.cursor(symbol);
    if (cur && Number(cur.lastTradeId) >= Number(tradeId)) return;
    this.db.prepare('INSERT INTO live_cursor (symbol, last_trade_id, last_trade_time) VALUES (?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET last_trade_id = excluded.last_trade_id, last_trade_time = excluded.last_trade_time').run(symbol, tradeId, time);
  }

  addDifference(d: Omit<Difference, 'id' | 'resolvedAt' | 'resolution'>): Difference {
    const r = this.db.prepare('INSERT INTO live_differences (kind, symbol, summary, detail, created_at) VALUES (?, ?, ?, ?, ?)').run(d.kind, d.symbol, d.summary, JSON.stringify(d.detail), d.createdAt);
    return { ...d, id: Number(r.lastInsertRowid), resolvedAt: null, resolution: null };
  }

  differences(opts: { unresolvedOnly?: boolean } = {}): Difference[] {
    const rows = this.db.prepare(`SELECT * FROM live_differences ${opts.unresolvedOnly ? 'WHERE resolved_at IS NULL' : ''} ORDER BY id`).all() as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      kind: r.kind as Difference['kind'],
      symbol: r.symbol as string | null,
      summary: r.summary as string,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      createdAt: r.created_at as number,
      resolvedAt: r.resolved_at as number | null,
      resolution: r.resolution as string | null,
    }));
  }

  resolveDifference(id: number, resolution: string, now: number): void {
    this.db.prepare('UPDATE live_differences SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL').run(now, resolution, id);
  }
}
