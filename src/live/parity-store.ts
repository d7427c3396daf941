// The parity meter's records in the live database (migration 46): one row per decision that made an order,
// with the live order's outcome beside the shadow simulated broker's outcome of the same decision, and the
// shadow engine's state so it survives a restart. Reading them back into per-trade figures (slippage in bps
// against the decision price and against the simulated fill, fees, delay, running totals) and the slippage
// report `tradetui slippage` prints are pure functions here, so the TUI, Telegram and the CLI agree.
import type { Db } from '../adapters/store/sqlite/db.js';
import type { ParityRow, ParitySummary } from '../engine/ports.js';
import { percentile } from '../engine/risk/analytics/stats.js';

/** What is known of one decision's order on one side (live exchange or shadow simulated broker). */
export interface ParitySide {
  qty: number;
  price: number;
  fee: number;
  /** When the side's order was done (live: the engine clock when the fill was booked; sim: the fill's candle time). */
  filledAt: number;
}

export interface ParityRecord {
  key: string;
  instanceId: string;
  symbol: string;
  side: 'buy' | 'sell';
  purpose: 'entry' | 'exit';
  exitReason: string | null;
  /** The decision candle's open time (the order's createdAt). */
  decisionCandle: number;
  /** Engine clock when the live order left (null: the live engine made no such order). */
  decidedAt: number | null;
  /** The price the decision was made at: the decision candle's close, a stop's level, the last price of a manual close. */
  reference: number | null;
  liveOrderId: string | null;
  live: ParitySide | null;
  /** How the live order ended when nothing filled (rejected, cancelled, expired), with the reason. */
  liveStatus: string | null;
  simReference: number | null;
  sim: ParitySide | null;
  simStatus: string | null;
}

interface Row {
  key: string;
  instance_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  purpose: 'entry' | 'exit';
  exit_reason: string | null;
  decision_candle: number;
  decided_at: number | null;
  reference: number | null;
  live_order_id: string | null;
  live_qty: number | null;
  live_price: number | null;
  live_fee: number | null;
  live_filled_at: number | null;
  live_status: string | null;
  sim_reference: number | null;
  sim_qty: number | null;
  sim_price: number | null;
  sim_fee: number | null;
  sim_filled_at: number | null;
  sim_status: string | null;
}

function fromRow(r: Row): ParityRecord {
  const side = (qty: number | null, price: number | null, fee: number | null, at: number | null): ParitySide | null =>
    qty !== null && price !== null && qty > 0 ? { qty, price, fee: fee ?? 0, filledAt: at ?? 0 } : null;
  return {
    key: r.key,
    instanceId: r.instance_id,
    symbol: r.symbol,
    side: r.side,
    purpose: r.purpose,
    exitReason: r.exit_reason,
    decisionCandle: r.decision_candle,
    decidedAt: r.decided_at,
    reference: r.reference,
    liveOrderId: r.live_order_id,
    live: side(r.live_qty, r.live_price, r.live_fee, r.live_filled_at),
    liveStatus: r.live_status,
    simReference: r.sim_reference,
    sim: side(r.sim_qty, r.sim_price, r.sim_fee, r.sim_filled_at),
    simStatus: r.sim_status,
  };
}

/** The identity of a decision's order, the same on the live engine and its shadow (ids differ, decisions do not). */
export interface DecisionIdentity {
  instanceId: string;
  symbol: string;
  side: 'buy' | 'sell';
  purpose: 'entry' | 'exit';
  exitReason?: string;
  createdAt: number;
}

export function decisionKey(o: DecisionIdentity): string {
  return `${o.instanceId}|${o.purpose}|${o.side}|${o.exitReason ?? ''}|${o.createdAt}`;
}

export class ParityStore {
  constructor(private readonly db: Db) {}

  private ensure(o: DecisionIdentity): string {
    const key = decisionKey(o);
    this.db
      .prepare(`INSERT INTO parity_trades (key, instance_id, symbol, side, purpose, exit_reason, decision_candle) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`)
      .run(key, o.instanceId, o.symbol, o.side, o.purpose, o.exitReason ?? null, o.createdAt);
    return key;
  }

  /** The live engine sent an order for a decision: when, at what decision price. */
  liveSent(o: DecisionIdentity & { id: string }, reference: number | null, decidedAt: number | null): void {
    const key = this.ensure(o);
    this.db.prepare(`UPDATE parity_trades SET live_order_id = ?, reference = ?, decided_at = ? WHERE key = ? AND live_order_id IS NULL`).run(o.id, reference, decidedAt, key);
  }

  /** The live order is done: what filled (or, with nothing filled, how it ended). */
  liveDone(o: DecisionIdentity, fill: ParitySide | null, status: string): void {
    const key = this.ensure(o);
    if (fill) this.db.prepare(`UPDATE parity_trades SET live_qty = ?, live_price = ?, live_fee = ?, live_filled_at = ?, live_status = ? WHERE key = ?`).run(fill.qty, fill.price, fill.fee, fill.filledAt, status, key);
    else this.db.prepare(`UPDATE parity_trades SET live_status = ? WHERE key = ?`).run(status, key);
  }

  simSent(o: DecisionIdentity, reference: number | null): void {
    const key = this.ensure(o);
    this.db.prepare(`UPDATE parity_trades SET sim_reference = COALESCE(sim_reference, ?) WHERE key = ?`).run(reference, key);
  }

  simDone(o: DecisionIdentity, fill: ParitySide | null, status: string): void {
    const key = this.ensure(o);
    if (fill) this.db.prepare(`UPDATE parity_trades SET sim_qty = ?, sim_price = ?, sim_fee = ?, sim_filled_at = ?, sim_status = ? WHERE key = ?`).run(fill.qty, fill.price, fill.fee, fill.filledAt, status, key);
    else this.db.prepare(`UPDATE parity_trades SET sim_status = ? WHERE key = ?`).run(status, key);
  }

  /** Records oldest decision first, optionally of one instance and decided at or after `since`. */
  list(opts: { instanceId?: string; since?: number } = {}): ParityRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.instanceId !== undefined) {
      where.push('instance_id = ?');
      args.push(opts.instanceId);
    }
    if (opts.since !== undefined) {
      where.push('COALESCE(decided_at, decision_candle) >= ?');
      args.push(opts.since);
    }
    const rows = this.db.prepare(`SELECT * FROM parity_trades ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY decision_candle, COALESCE(decided_at, 0), key`).all(...args) as Row[];
    return rows.map(fromRow);
  }

  saveShadow(state: unknown, time: number): void {
    this.db.prepare(`INSERT INTO parity_shadow (id, state, saved_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at`).run(JSON.stringify(state), time);
  }

  loadShadow(): unknown {
    const row = this.db.prepare(`SELECT state FROM parity_shadow WHERE id = 1`).get() as { state: string } | undefined;
    return row ? JSON.parse(row.state) : null;
  }
}

/** +1 when a higher price costs the trader (buys), −1 when a lower one does (sells). */
const adverse = (side: 'buy' | 'sell'): number => (side === 'buy' ? 1 : -1);
const BPS = 10_000;

/**
 * Per-trade figures in decision order, with running totals. Slippage is signed so that positive is a cost:
 * a buy filled above (a sell below) the decision price. Rows whose live order filled nothing are kept, with
 * null figures, so a decision that traded only on paper (or only live) shows.
 */
export function parityRows(records: readonly ParityRecord[]): ParityRow[] {
  let totalCost = 0;
  let totalVsSim = 0;
  const out: ParityRow[] = [];
  for (const r of records) {
    const live = r.live;
    const sign = adverse(r.side);
    // `+ 0`: a sell with no difference is 0, not −0.
    const slippageBps = live && r.reference ? (sign * (live.price - r.reference) * BPS) / r.reference + 0 : null;
    const vsSimBps = live && r.sim ? (sign * (live.price - r.sim.price) * BPS) / r.sim.price + 0 : null;
    const cost = live && r.reference ? sign * (live.price - r.reference) * live.qty + 0 : null;
    const vsSimCost = live && r.sim ? sign * (live.price - r.sim.price) * live.qty + 0 : null;
    if (cost !== null) totalCost += cost;
    if (vsSimCost !== null) totalVsSim += vsSimCost;
    out.push({
      key: r.key,
      time: r.decidedAt ?? r.decisionCandle,
      instanceId: r.instanceId,
      symbol: r.symbol,
      side: r.side,
      purpose: r.purpose,
      exitReason: r.exitReason,
      reference: r.reference ?? r.simReference,
      qty: live?.qty ?? r.sim?.qty ?? 0,
      livePrice: live?.price ?? null,
      liveStatus: r.liveStatus,
      simPrice: r.sim?.price ?? null,
      simStatus: r.simStatus,
      slippageBps,
      vsSimBps,
      slippage: cost,
      vsSim: vsSimCost,
      liveFee: live?.fee ?? null,
      simFee: r.sim?.fee ?? null,
      liveFeeBps: live && live.qty * live.price > 0 ? (live.fee * BPS) / (live.qty * live.price) : null,
      simFeeBps: r.sim && r.sim.qty * r.sim.price > 0 ? (r.sim.fee * BPS) / (r.sim.qty * r.sim.price) : null,
      delayMs: live && r.decidedAt !== null ? live.filledAt - r.decidedAt : null,
      totalSlippage: totalCost,
      totalVsSim,
    });
  }
  return out;
}

/** Totals over every record (the snapshot carries only the newest rows, the totals cover all). */
export function paritySummary(rows: readonly ParityRow[], realised: { live: number; sim: number }): ParitySummary {
  const paired = rows.filter((r) => r.livePrice !== null && r.simPrice !== null).length;
  const last = rows[rows.length - 1];
  return {
    trades: rows.filter((r) => r.livePrice !== null).length,
    paired,
    liveOnly: rows.filter((r) => r.livePrice !== null && r.simPrice === null).length,
    simOnly: rows.filter((r) => r.livePrice === null && r.simPrice !== null).length,
    totalSlippage: last?.totalSlippage ?? 0,
    totalVsSim: last?.totalVsSim ?? 0,
    liveRealised: realised.live,
    simRealised: realised.sim,
  };
}

export interface SlippageStats {
  count: number;
  /** Signed bps, positive = paid. */
  meanBps: number;
  medianBps: number;
  p90Bps: number;
  /** Quote currency paid against the decision prices (negative: the fills were better). */
  cost: number;
  /** Σ qty × decision price of these fills. */
  notional: number;
}

export interface SlippageReport {
  fills: number;
  overall: SlippageStats | null;
  bySide: Record<string, SlippageStats>;
  bySymbol: Record<string, SlippageStats>;
  /** Live against the shadow simulated fills of the same decisions, where both exist (bps, positive: live worse). */
  vsSimulated: { count: number; meanBps: number; cost: number } | null;
  /**
   * The backtest `account.slippage` (a fraction) that would have charged what these fills cost: the cost
   * divided by the notional at the decision prices (a notional-weighted mean), never below 0; null without fills.
   */
  suggestedSlippage: number | null;
  /** Fees paid on these fills, in quote currency and in bps of their notional. */
  fees: { total: number; bps: number } | null;
}

function stats(rows: readonly ParityRow[]): SlippageStats {
  const bps = rows.map((r) => r.slippageBps!).sort((a, b) => a - b);
  let cost = 0;
  let notional = 0;
  for (const r of rows) {
    cost += r.slippage!;
    notional += r.qty * r.reference!;
  }
  return { count: rows.length, meanBps: bps.reduce((s, x) => s + x, 0) / bps.length, medianBps: percentile(bps, 50), p90Bps: percentile(bps, 90), cost, notional };
}

function groupStats(rows: readonly ParityRow[], by: (r: ParityRow) => string): Record<string, SlippageStats> {
  const groups = new Map<string, ParityRow[]>();
  for (const r of rows) {
    const k = by(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return Object.fromEntries([...groups.keys()].sort().map((k) => [k, stats(groups.get(k)!)]));
}

/** Slippage actually paid on live fills, against their decision prices, and the backtest setting that matches it. */
export function slippageReport(rows: readonly ParityRow[]): SlippageReport {
  const paid = rows.filter((r) => r.slippageBps !== null && r.slippage !== null && r.reference !== null);
  if (paid.length === 0) return { fills: 0, overall: null, bySide: {}, bySymbol: {}, vsSimulated: null, suggestedSlippage: null, fees: null };
  const overall = stats(paid);
  const vs = paid.filter((r) => r.vsSimBps !== null);
  let fees = 0;
  let liveNotional = 0;
  for (const r of paid) {
    fees += r.liveFee ?? 0;
    liveNotional += r.qty * (r.livePrice ?? 0);
  }
  return {
    fills: paid.length,
    overall,
    bySide: groupStats(paid, (r) => r.side),
    bySymbol: groupStats(paid, (r) => r.symbol),
    vsSimulated: vs.length ? { count: vs.length, meanBps: vs.reduce((s, r) => s + r.vsSimBps!, 0) / vs.length, cost: vs.reduce((s, r) => s + r.vsSim!, 0) } : null,
    suggestedSlippage: overall.notional > 0 ? Math.max(0, overall.cost / overall.notional) : null,
    fees: liveNotional > 0 ? { total: fees, bps: (fees * BPS) / liveNotional } : null,
  };
}
