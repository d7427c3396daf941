// Persists the paper (or live) account as events happen, inside the transaction the app opens around each
// candle and command, and loads it back on start. SQLite is the source of truth: what the views showed as
// done was committed first.
import type { Alert, EngineEvent, ProtectionEvent } from '../../../core/events.js';
import type { ClosedTrade, Order, OrderRequest, Position } from '../../../core/trading.js';
import type { EventBus } from '../../../engine/bus.js';
import type { SignalRecord } from '../../../engine/ports.js';
import type { Db } from './db.js';

export interface StoredAccount {
  currency: string;
  initialBalance: number;
  cash: number;
  feesPaid: number;
  realisedPnl: number;
  state: 'running' | 'paused' | 'halted' | 'stopped';
  session: number;
}

export interface StoredInstance {
  id: string;
  strategy: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  params: Record<string, number | string | boolean>;
  running: boolean;
  bufferStart: number | null;
  cursorTime: number | null;
  /** Risk overrides set from a view (edit-instance); absent: the config's, if any. */
  risk?: Record<string, unknown> | null;
}

export interface StoredState {
  account: StoredAccount;
  instances: StoredInstance[];
  /** How many instances were deleted from a view (their rows kept for the history). */
  deletedInstances: number;
  positions: Position[];
  pendingOrders: Order[];
  trades: ClosedTrade[];
  protections: ProtectionEvent[];
}

/** A paper account archived by a replay restart (account_archives): its copy's folder and where it stood. */
export interface ArchivedAccount {
  id: number;
  /** Its data directory, relative to the current one (accounts/N-time). */
  dir: string;
  archivedAt: number;
  accountCreatedAt: number;
  /** Where its replay began, when it began by a restart. */
  replayFrom: number | null;
  /** The replay time when it was archived. */
  replayAt: number | null;
  currency: string;
  initialBalance: number;
  cash: number;
  equity: number;
  trades: number;
  /** Positions open when it was archived (they stay open in the archive). */
  positions: number;
  /** Where the account that replaced it starts. */
  restartedFrom: number;
}

export class PaperStore {
  constructor(private readonly db: Db) {}

  /** Runs fn in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }

  /** Whether a transaction is open (a step is being applied). */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  load(): StoredState | null {
    const a = this.db.prepare('SELECT * FROM account WHERE id = 1').get() as Record<string, unknown> | undefined;
    if (!a) return null;
    // rowid after created_at: instances added in the same millisecond keep the order they were added in (the config's)
    // after a restart, rather than their names' order
    const instances = (this.db.prepare('SELECT * FROM instances WHERE deleted_at IS NULL ORDER BY created_at, rowid').all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      strategy: r.strategy as string,
      exchange: r.exchange as string,
      symbol: r.symbol as string,
      timeframe: r.timeframe as string,
      params: JSON.parse(r.params as string),
      running: r.running === 1,
      bufferStart: (r.buffer_start as number | null) ?? null,
      cursorTime: (r.cursor_time as number | null) ?? null,
      risk: r.risk ? (JSON.parse(r.risk as string) as Record<string, unknown>) : null,
    }));
    const positions = (this.db.prepare('SELECT * FROM positions').all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      instanceId: r.instance_id as string,
      symbol: r.symbol as string,
      side: r.side as Position['side'],
      qty: r.qty as number,
      entryPrice: r.entry_price as number,
      entryTime: r.entry_time as number,
      entryFee: r.entry_fee as number,
      protection: JSON.parse(r.protection as string),
      bestPrice: r.best_price as number,
      candlesHeld: r.candles_held as number,
      lastPrice: r.last_price as number,
    }));
    const pendingOrders = (
      this.db.prepare("SELECT body FROM orders WHERE status NOT IN ('filled', 'cancelled', 'rejected', 'expired') ORDER BY created_at, rowid").pluck().all() as string[]
    ).map((b) => asOrderRecord(JSON.parse(b) as Partial<Order> & OrderRequest));
    const trades = this.trades({});
    trades.reverse();
    const protections = (this.db.prepare('SELECT * FROM protection_events ORDER BY seq').all() as Record<string, unknown>[]).map((r) => ({
      name: r.name as string,
      scope: r.scope as string,
      state: r.state as ProtectionEvent['state'],
      triggeredAt: r.triggered_at as number,
      releasedAt: (r.released_at as number | null) ?? null,
      reason: r.reason as string,
    }));
    return {
      account: {
        currency: a.currency as string,
        initialBalance: a.initial_balance as number,
        cash: a.cash as number,
        feesPaid: a.fees_paid as number,
        realisedPnl: a.realised_pnl as number,
        state: a.state as StoredAccount['state'],
        session: a.session as number,
      },
      instances,
      deletedInstances: this.db.prepare('SELECT COUNT(*) FROM instances WHERE deleted_at IS NOT NULL').pluck().get() as number,
      positions,
      pendingOrders,
      trades,
      protections,
    };
  }

  createAccount(balance: number, currency: string, now: number): void {
    this.db
      .prepare('INSERT INTO account (id, currency, initial_balance, cash, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)')
      .run(currency, balance, balance, now, now);
  }

  /** Where this account's replay began when it was started by a replay restart (migration 91), else null. */
  replayFrom(): number | null {
    return (this.db.prepare('SELECT replay_from FROM account WHERE id = 1').pluck().get() as number | null | undefined) ?? null;
  }

  /**
   * Ends the paper account in this database and starts a new one at `from` with `balance` (the caller archived a
   * copy first and runs this in the same transaction as the archive's row). Instances keep their definitions, risk
   * overrides and running flag but forget their candles, so each warms up at `from` like a fresh account's; every
   * record of the old account (orders, fills, trades, decisions, alerts, protections, daily equity, risk state) goes,
   * and the row counters start again, so the new account's ids are the ones a fresh data directory would give.
   */
  resetAccount(o: { from: number; balance: number; currency: string; now: number }): void {
    const tables = ['positions', 'orders', 'fills', 'trades', 'decisions', 'alerts', 'protection_events', 'equity_daily', 'instance_events', 'order_events', 'order_exchange', 'risk_state', 'account'];
    const existing = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    for (const t of tables) if (existing.has(t)) this.db.prepare(`DELETE FROM ${t}`).run();
    if (existing.has('sqlite_sequence')) this.db.prepare(`DELETE FROM sqlite_sequence WHERE name IN (${tables.map(() => '?').join(', ')})`).run(...tables);
    this.db.prepare('UPDATE instances SET buffer_start = NULL, cursor_time = NULL').run();
    this.createAccount(o.balance, o.currency, o.now);
    this.db.prepare('UPDATE account SET replay_from = ? WHERE id = 1').run(o.from);
  }

  /** Archived accounts (replay restarts), oldest first. */
  archives(): ArchivedAccount[] {
    return (this.db.prepare('SELECT * FROM account_archives ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as number,
      dir: r.dir as string,
      archivedAt: r.archived_at as number,
      accountCreatedAt: r.account_created_at as number,
      replayFrom: (r.replay_from as number | null) ?? null,
      replayAt: (r.replay_at as number | null) ?? null,
      currency: r.currency as string,
      initialBalance: r.initial_balance as number,
      cash: r.cash as number,
      equity: r.equity as number,
      trades: r.trades as number,
      positions: r.positions as number,
      restartedFrom: r.restarted_from as number,
    }));
  }

  /** Records an archived account (in the reset's transaction); returns its row id. */
  addArchive(a: Omit<ArchivedAccount, 'id'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO account_archives (dir, archived_at, account_created_at, replay_from, replay_at, currency, initial_balance, cash, equity, trades, positions, restarted_from)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.dir, a.archivedAt, a.accountCreatedAt, a.replayFrom, a.replayAt, a.currency, a.initialBalance, a.cash, a.equity, a.trades, a.positions, a.restartedFrom).lastInsertRowid,
    );
  }

  /** The next archive's number. */
  nextArchiveId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) + 1 FROM account_archives').pluck().get() as number) ?? 1;
  }

  /** The current account's row as the archive records it. */
  accountRow(): { createdAt: number; currency: string; initialBalance: number; cash: number; replayFrom: number | null; trades: number; positions: number } | null {
    // SELECT *: a read-only look at a database from before migration 91 has no replay_from
    const a = this.db.prepare('SELECT * FROM account WHERE id = 1').get() as Record<string, unknown> | undefined;
    if (!a) return null;
    return {
      createdAt: a.created_at as number,
      currency: a.currency as string,
      initialBalance: a.initial_balance as number,
      cash: a.cash as number,
      replayFrom: (a.replay_from as number | null) ?? null,
      trades: this.db.prepare('SELECT COUNT(*) FROM trades').pluck().get() as number,
      positions: this.db.prepare('SELECT COUNT(*) FROM positions').pluck().get() as number,
    };
  }

  /** Starts a new session (ids made in it carry its number) and returns it. */
  nextSession(): number {
    this.db.prepare('UPDATE account SET session = session + 1').run();
    return this.db.prepare('SELECT session FROM account WHERE id = 1').pluck().get() as number;
  }

  saveAccount(cash: number, feesPaid: number, realisedPnl: number, now: number): void {
    this.db.prepare('UPDATE account SET cash = ?, fees_paid = ?, realised_pnl = ?, updated_at = ? WHERE id = 1').run(cash, feesPaid, realisedPnl, now);
  }

  saveInstance(i: StoredInstance, now: number): void {
    this.db
      .prepare(
        `INSERT INTO instances (id, strategy, exchange, symbol, timeframe, params, running, buffer_start, cursor_time, created_at, risk)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET running = excluded.running, params = excluded.params,
           buffer_start = excluded.buffer_start, cursor_time = excluded.cursor_time, risk = excluded.risk, deleted_at = NULL`,
      )
      .run(i.id, i.strategy, i.exchange, i.symbol, i.timeframe, JSON.stringify(i.params), i.running ? 1 : 0, i.bufferStart, i.cursorTime, now, i.risk ? JSON.stringify(i.risk) : null);
  }

  /** A deleted instance leaves the restored set; its row stays so its trades and decisions still name it. */
  markInstanceDeleted(id: string, now: number): void {
    this.db.prepare('UPDATE instances SET deleted_at = ?, running = 0 WHERE id = ?').run(now, id);
  }

  saveCursor(instanceId: string, time: number): void {
    this.db.prepare('UPDATE instances SET cursor_time = ? WHERE id = ?').run(time, instanceId);
  }

  /** Marks the stored positions on `symbol` at a candle's close, as the kernel just did (restart sizes from it). */
  markPositions(symbol: string, price: number): void {
    this.db.prepare('UPDATE positions SET last_price = ? WHERE symbol = ?').run(price, symbol);
  }

  /** The risk layer's state (RiskLayer.snapshot()), replaced in the current transaction. */
  saveRiskState(state: unknown, time: number): void {
    this.db.prepare('INSERT INTO risk_state (id, state, saved_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at').run(JSON.stringify(state), time);
  }

  /** The last saved risk state, or null (a fresh account, or one stored before migration 11). */
  loadRiskState(): unknown {
    const row = this.db.prepare('SELECT state FROM risk_state WHERE id = 1').pluck().get() as string | undefined;
    return row === undefined ? null : JSON.parse(row);
  }

  saveDayEquity(day: number, equity: number): void {
    this.db.prepare('INSERT OR IGNORE INTO equity_daily (day, equity) VALUES (?, ?)').run(day, equity);
  }

  /** An order's journal: each state it went through, oldest first. */
  orderHistory(orderId: string): Array<{ time: number; status: Order['status']; filledQty: number; reason: string | null }> {
    return (this.db.prepare('SELECT time, status, filled_qty, reason FROM order_events WHERE order_id = ? ORDER BY seq').all(orderId) as Record<string, unknown>[]).map((r) => ({
      time: r.time as number,
      status: r.status as Order['status'],
      filledQty: r.filled_qty as number,
      reason: (r.reason as string | null) ?? null,
    }));
  }

  /** Orders by id (the current record), or every order not yet terminal. */
  orders(opts: { working?: boolean } = {}): Order[] {
    const where = opts.working ? "WHERE status NOT IN ('filled', 'cancelled', 'rejected', 'expired')" : '';
    return (this.db.prepare(`SELECT body FROM orders ${where} ORDER BY created_at, rowid`).pluck().all() as string[]).map((b) => asOrderRecord(JSON.parse(b)));
  }

  /** Protections triggered and not released: what a restart must keep in force. */
  activeProtections(): ProtectionEvent[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM protection_events t WHERE t.state = 'triggered' AND NOT EXISTS (
           SELECT 1 FROM protection_events r WHERE r.state = 'released' AND r.name = t.name AND r.scope = t.scope AND r.triggered_at = t.triggered_at)
         ORDER BY seq`,
      )
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({
      name: r.name as string,
      scope: r.scope as string,
      state: 'triggered',
      triggeredAt: r.triggered_at as number,
      releasedAt: null,
      reason: r.reason as string,
    }));
  }

  trades(opts: { since?: number; limit?: number }): ClosedTrade[] {
    const rows = this.db
      .prepare('SELECT * FROM trades WHERE exit_time >= ? ORDER BY exit_time DESC, rowid DESC LIMIT ?')
      .all(opts.since ?? -1e15, opts.limit ?? 1e9) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as string,
      instanceId: r.instance_id as string,
      strategy: r.strategy as string,
      symbol: r.symbol as string,
      side: r.side as ClosedTrade['side'],
      qty: r.qty as number,
      entryTime: r.entry_time as number,
      exitTime: r.exit_time as number,
      entryPrice: r.entry_price as number,
      exitPrice: r.exit_price as number,
      pnl: r.pnl as number,
      pnlPct: r.pnl_pct as number,
      fees: r.fees as number,
      exitReason: r.exit_reason as ClosedTrade['exitReason'],
    }));
  }

  /** Decisions and risk refusals/resizes (not plain acceptances), newest first. */
  recentSignals(limit: number): SignalRecord[] {
    const rows = this.db
      .prepare(
        `SELECT d.time, d.instance_id, d.kind, d.action, d.reason, i.strategy, i.symbol FROM decisions d
         LEFT JOIN instances i ON i.id = d.instance_id
         WHERE NOT (d.kind = 'risk' AND d.action = 'accepted') ORDER BY d.seq DESC LIMIT ?`,
      )
      .all(limit) as Record<string, unknown>[];
    return rows.map((r) => ({
      time: r.time as number,
      instanceId: r.instance_id as string,
      strategy: (r.strategy as string | null) ?? String(r.instance_id).split('@')[0]!,
      symbol: (r.symbol as string | null) ?? '',
      kind: r.kind as SignalRecord['kind'],
      action: r.action as string,
      reason: r.reason as string,
    }));
  }

  recentAlerts(limit: number): Alert[] {
    // Newest first in the order they were raised (a replay's times need not be monotonic across timeframes).
    return (this.db.prepare('SELECT * FROM alerts ORDER BY rowid DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      time: r.time as number,
      severity: r.severity as Alert['severity'],
      category: r.category as string,
      message: r.message as string,
      data: r.data ? JSON.parse(r.data as string) : undefined,
      ...(r.wall_time != null ? { wallTime: r.wall_time as number } : {}),
    }));
  }

  dailyEquity(days: number): Array<{ day: number; equity: number }> {
    const rows = this.db.prepare('SELECT day, equity FROM equity_daily ORDER BY day DESC LIMIT ?').all(days) as Array<{ day: number; equity: number }>;
    return rows.reverse();
  }

  /** Writes each event that changes money, orders or history. Called synchronously inside the transaction. */
  attach(bus: EventBus): () => void {
    const upsertOrder = this.db.prepare(
      `INSERT INTO orders (id, client_id, instance_id, symbol, purpose, status, filled_qty, avg_price, fees, exchange_id, status_reason, body, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, filled_qty = excluded.filled_qty, avg_price = excluded.avg_price,
         fees = excluded.fees, exchange_id = excluded.exchange_id, status_reason = excluded.status_reason, body = excluded.body, updated_at = excluded.updated_at`,
    );
    const insertOrderEvent = this.db.prepare('INSERT INTO order_events (order_id, time, status, filled_qty, reason) VALUES (?, ?, ?, ?, ?)');
    const insertFill = this.db.prepare(
      `INSERT INTO fills (id, order_id, trade_id, instance_id, symbol, side, purpose, qty, price, fee, fee_currency, fee_amount, time, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const upsertPosition = this.db.prepare(
      `INSERT INTO positions (id, instance_id, symbol, side, qty, entry_price, entry_time, entry_fee, protection, best_price, candles_held, last_price)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET qty = excluded.qty, entry_price = excluded.entry_price, entry_fee = excluded.entry_fee,
         protection = excluded.protection, best_price = excluded.best_price,
         candles_held = excluded.candles_held, last_price = excluded.last_price`,
    );
    const deletePosition = this.db.prepare('DELETE FROM positions WHERE id = ?');
    const insertTrade = this.db.prepare(
      `INSERT INTO trades (id, instance_id, strategy, symbol, side, qty, entry_time, exit_time, entry_price, exit_price, pnl, pnl_pct, fees, exit_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertDecision = this.db.prepare('INSERT INTO decisions (time, instance_id, kind, action, reason) VALUES (?, ?, ?, ?, ?)');
    const insertAlert = this.db.prepare('INSERT OR IGNORE INTO alerts (id, time, severity, category, message, data, wall_time) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertProtection = this.db.prepare(
      'INSERT INTO protection_events (name, scope, state, triggered_at, released_at, reason) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const setRunning = this.db.prepare('UPDATE instances SET running = ? WHERE id = ?');
    const insertInstanceEvent = this.db.prepare('INSERT INTO instance_events (time, instance_id, change, actor) VALUES (?, ?, ?, ?)');
    const setState = this.db.prepare('UPDATE account SET state = ? WHERE id = 1');
    const savePosition = (p: Position): void => {
      upsertPosition.run(p.id, p.instanceId, p.symbol, p.side, p.qty, p.entryPrice, p.entryTime, p.entryFee, JSON.stringify(p.protection), p.bestPrice, p.candlesHeld, p.lastPrice);
    };
    const write = (e: EngineEvent): void => {
      switch (e.type) {
        case 'order': {
          const o = e.order;
          upsertOrder.run(o.id, o.clientId, o.instanceId, o.symbol, o.purpose, o.status, o.filledQty, o.avgPrice, o.fees, o.exchangeId ?? null, o.statusReason ?? null, JSON.stringify(o), o.createdAt, o.updatedAt);
          insertOrderEvent.run(o.id, o.updatedAt, o.status, o.filledQty, o.statusReason ?? null);
          break;
        }
        case 'fill': {
          const f = e.fill;
          insertFill.run(f.id, f.orderId, f.tradeId ?? null, f.instanceId, f.symbol, f.side, f.purpose, f.qty, f.price, f.fee, f.feeCurrency ?? null, f.feeAmount ?? null, f.time, f.reason);
          break;
        }
        case 'position':
          if (e.change === 'closed') deletePosition.run(e.position.id);
          else savePosition(e.position);
          break;
        case 'trade': {
          const t = e.trade;
          insertTrade.run(t.id, t.instanceId, t.strategy, t.symbol, t.side, t.qty, t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.pnl, t.pnlPct, t.fees, t.exitReason);
          break;
        }
        case 'decision':
          insertDecision.run(e.time, e.instanceId, 'decision', e.action, e.reason);
          break;
        case 'risk':
          insertDecision.run(e.time, e.instanceId, 'risk', e.verdict, e.reason);
          break;
        case 'alert':
          insertAlert.run(e.alert.id, e.alert.time, e.alert.severity, e.alert.category, e.alert.message, e.alert.data ? JSON.stringify(e.alert.data) : null, e.alert.wallTime ?? null);
          break;
        case 'protection': {
          const p = e.protection;
          insertProtection.run(p.name, p.scope, p.state, p.triggeredAt, p.releasedAt, p.reason);
          break;
        }
        case 'instance':
          if (e.change === 'started' || e.change === 'stopped') setRunning.run(e.instance.running ? 1 : 0, e.instance.id);
          insertInstanceEvent.run(Date.now(), e.instance.id, e.change, e.by);
          break;
        case 'engine':
          setState.run(e.state);
          break;
        default:
          break;
      }
    };
    // A write that fails (disk full) fails the step that emitted the event: never an account without its fill.
    return bus.onAny(write, { propagate: true });
  }
}

/** An order body as stored; bodies written before orders had a status are orders in flight with no fill. */
function asOrderRecord(o: Partial<Order> & OrderRequest): Order {
  return {
    ...o,
    clientId: o.clientId ?? o.id,
    status: o.status ?? 'submitted',
    filledQty: o.filledQty ?? 0,
    avgPrice: o.avgPrice ?? 0,
    fees: o.fees ?? 0,
    feesByCurrency: o.feesByCurrency ?? {},
    updatedAt: o.updatedAt ?? o.createdAt,
  };
}
