// The live–paper parity meter. Beside the live engine runs a shadow: the same strategies, parameters and
// risk settings on a kernel over the simulated broker (the backtest's fill model, the account's fee and
// slippage settings), fed the live engine's own closed candles. It never reaches the exchange, and its
// account (cash, positions, orders, trades) is its own, kept apart from the live account's and saved in the
// live database in the same transaction as each live step, so it survives a restart. Each decision that made
// an order is recorded on both sides (parity-store.ts): the live fill against the decision price and against
// the simulated fill of the same decision, fees and delay, with running totals.
//
// What it reads of the live engine is the engine's event stream only ('candle', 'order'): whatever tables
// the orders are journaled in, these events are the same.
import { marketKeyString, type CandleSeries, type MarketKey } from '../core/candle.js';
import type { Command, EngineEvent } from '../core/events.js';
import { isTerminalStatus, type ClosedTrade, type Order, type Position } from '../core/trading.js';
import { timeframeMs } from '../core/time.js';
import { EventBus } from '../engine/bus.js';
import type { Kernel, KernelState } from '../engine/kernel.js';
import type { ParityRow, ParitySummary } from '../engine/ports.js';
import type { RiskState } from '../engine/risk/types.js';
import type { StrategyRunner } from '../engine/strategy-runner.js';
import { createSimulatedKernel, type AccountSettings } from '../backtest/run.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { Db } from '../adapters/store/sqlite/db.js';
import { ParityStore, parityRows, paritySummary, type DecisionIdentity } from './parity-store.js';

export interface ParityMeterOptions {
  db: Db;
  /** The live engine: its bus (candles, orders) and its instances (strategies, candles) to mirror. */
  live: Kernel;
  liveBus: EventBus;
  account: AccountSettings;
  risk: RiskConfig;
  capitalCap?: number | null;
  /** Per-instance risk overrides (config paper.instances[].risk), as the live instances have them. */
  instanceRisk?: (runner: StrategyRunner) => Parameters<NonNullable<Kernel['risk']['setInstanceRisk']>>[1];
  now?: () => number;
  /** Rows the snapshot carries (the newest); totals cover every row. */
  snapshotRows?: number;
  /** The shadow failed (a strategy error, a bug): the meter stops and says why; live trading goes on. */
  onProblem?: (message: string) => void;
  /**
   * Called after each live step's transaction (App.onSettled): a step the database refused is rolled back in
   * the shadow's memory too, so the retried step processes its candle again, as the live engine does.
   */
  onSettled?: (listener: (committed: boolean) => void) => () => void;
}

/** The shadow's state as saved in the live database (parity_shadow). */
interface ShadowState {
  session: number;
  cash: number;
  feesPaid: number;
  realisedPnl: number;
  positions: Position[];
  pendingOrders: Order[];
  trades: ClosedTrade[];
  state: KernelState;
  risk: RiskState | null;
}

export class ParityMeter {
  readonly store: ParityStore;
  private readonly shadow: Kernel;
  private readonly shadowBus = new EventBus();
  private readonly now: () => number;
  /** The market key object the shadow uses per market (the kernel caches runners by key object). */
  private readonly keys = new Map<string, MarketKey>();
  /** Last candle the shadow processed per market. */
  private readonly lastCandle = new Map<string, number>();
  /** Close of each live instance's latest candle: the price its decisions are made at. */
  private readonly decisionClose = new Map<string, number>();
  /** Live orders already recorded as sent (an order event repeats per status change). */
  private readonly sent = new Set<string>();
  /** Those recorded in the current live step: forgotten again if its transaction rolls back. */
  private sentInStep: string[] = [];
  private readonly session: number;
  private cache: ParityRow[] | null = null;
  private readonly off: Array<() => void> = [];
  /** The shadow's order changes of the current step, written after it (outside the shadow's own errors). */
  private shadowOrders: Order[] = [];
  /** Why the shadow stopped, or null while it runs. */
  private stopped: string | null = null;
  /** How to put the shadow back as it was before the current (uncommitted) live step. */
  private undo: (() => void) | null = null;

  constructor(private readonly opts: ParityMeterOptions) {
    this.now = opts.now ?? Date.now;
    this.store = new ParityStore(opts.db);
    let saved: ShadowState | null = null;
    try {
      saved = this.store.loadShadow() as ShadowState | null;
    } catch (err) {
      this.stopped = `the parity meter's saved shadow cannot be read (${err instanceof Error ? err.message : String(err)}); it starts again from the live account`;
    }
    this.session = (saved?.session ?? 0) + 1;
    this.shadow = createSimulatedKernel({
      account: { ...opts.account, balance: saved?.cash ?? opts.live.portfolio.cash },
      risk: opts.risk,
      bus: this.shadowBus,
      now: this.now,
      // Its own ids (p<session>-…) so nothing it makes could be taken for a live order.
      idPrefix: `p${this.session}-`,
      capitalCap: opts.capitalCap,
    });
    // Collected, then written by the live step (so a database that refuses writes fails that step, as it should).
    this.shadowBus.on('order', (e) => this.shadowOrders.push(e.order));
    this.shadowBus.setErrorHandler(() => undefined);
    const restored = saved;
    const problem = this.stopped;
    this.stopped = null;
    this.shadowStep(() => {
      for (const r of opts.live.instances.values()) this.mirror(r, r.cursor + 1);
      if (restored) {
        this.shadow.restore(restored);
        if (restored.risk) this.shadow.risk.restoreState?.(restored.risk);
      }
    }, false);
    if (problem && !this.stopped) opts.onProblem?.(problem);
    // Propagating: a record that cannot be written fails the live step it belongs to (one transaction).
    this.off.push(opts.liveBus.onAny((e) => this.onLiveEvent(e), { propagate: true }));
    if (opts.onSettled) this.off.push(opts.onSettled((committed) => this.settled(committed)));
    for (const o of opts.live.pendingOrders()) this.sent.add(o.id);
  }

  /** The shadow kernel (tests, and the parity window's simulated P&L). */
  get simulated(): Kernel {
    return this.shadow;
  }

  close(): void {
    for (const f of this.off.splice(0)) f();
  }

  /** Rows for the snapshot (the newest) and the totals over all of them. */
  /** Why the shadow stopped (the meter records no more simulated fills), or null. */
  get problem(): string | null {
    return this.stopped;
  }

  status(): { rows: ParityRow[]; summary: ParitySummary } {
    const rows = (this.cache ??= parityRows(this.store.list()));
    return {
      rows: rows.slice(-(this.opts.snapshotRows ?? 100)),
      summary: paritySummary(rows, { live: this.opts.live.portfolio.realisedPnl, sim: this.shadow.portfolio.realisedPnl }),
    };
  }

  /**
   * A command the live engine carried out that changes positions by hand: the shadow does the same, so it
   * keeps deciding like the live engine (a position closed by hand live would otherwise stay open on paper).
   */
  afterCommand(cmd: Command): void {
    if (cmd.type !== 'close' && cmd.type !== 'kill') return;
    this.shadowStep(() => this.mirrorCommand(cmd));
  }

  private mirrorCommand(cmd: Extract<Command, { type: 'close' | 'kill' }>): void {
    if (cmd.type === 'close') {
      let positionId: string | undefined;
      if (cmd.positionId !== undefined) {
        // The live position's instance tells which shadow position it is (their ids differ).
        const owner = this.liveInstanceOfPosition(cmd.positionId);
        positionId = owner ? this.shadow.portfolio.positionOf(owner)?.id : undefined;
        if (!positionId) return;
      }
      this.shadow.handle({ ...cmd, positionId });
    } else this.shadow.handle(cmd);
  }

  /**
   * Runs the shadow's part of a live step. A failure of the shadow itself (a strategy error, a bug here)
   * stops the meter with a message and never fails the live step; what it recorded is written after, so a
   * database error does fail the step (and rolls it back whole).
   */
  private shadowStep(run: () => void, save = true): void {
    if (this.stopped) return;
    // (Not for the start-up restore, `save` false: it belongs to no live step.)
    if (save && this.opts.onSettled && !this.undo) {
      const undoKernel = this.shadow.checkpoint();
      const lastCandle = new Map(this.lastCandle);
      this.undo = () => {
        undoKernel?.();
        this.lastCandle.clear();
        for (const [k, v] of lastCandle) this.lastCandle.set(k, v);
      };
    }
    try {
      run();
    } catch (err) {
      this.stopped = `the parity meter stopped: ${err instanceof Error ? err.message : String(err)}`;
      this.shadowOrders = [];
      this.opts.onProblem?.(this.stopped);
      return;
    }
    for (const o of this.shadowOrders.splice(0)) this.onShadowOrder(o);
    if (save) this.save();
  }

  private settled(committed: boolean): void {
    const undo = this.undo;
    this.undo = null;
    this.cache = null;
    const sent = this.sentInStep;
    this.sentInStep = [];
    if (committed) return;
    undo?.();
    for (const id of sent) this.sent.delete(id);
  }

  private liveInstanceOfPosition(positionId: string): string | undefined {
    // A live exit fills later (the position is still there); one that filled at once left a closed trade of that id.
    return this.opts.live.portfolio.positions.get(positionId)?.instanceId ?? this.opts.live.closedTrades.findLast((t) => t.id === positionId)?.instanceId;
  }

  private onLiveEvent(e: EngineEvent): void {
    if (e.type === 'candle') this.onLiveCandle(e);
    else if (e.type === 'order') this.onLiveOrder(e.order);
  }

  /** A live instance processed a closed candle: the shadow processes it once per market. */
  private onLiveCandle(e: Extract<EngineEvent, { type: 'candle' }>): void {
    this.decisionClose.set(e.instanceId, e.candle.close);
    const live = this.opts.live.instances.get(e.instanceId);
    if (!live) return;
    const id = marketKeyString(live.key);
    if ((this.lastCandle.get(id) ?? -Infinity) >= e.candle.time) return;
    const key = this.keyOf(live.key);
    this.shadowStep(() => {
      this.lastCandle.set(id, e.candle.time);
      // Every live instance of this market, as it stands before this candle (new ones, warm-up caught up).
      for (const r of this.opts.live.instances.values()) {
        if (marketKeyString(r.key) !== id) continue;
        const upTo = r.cursor >= 0 && r.candles.time[r.cursor] === e.candle.time ? r.cursor : r.cursor + 1;
        this.mirror(r, upTo);
      }
      // Entries are as open as the live engine's (a halt for a difference halts the shadow too).
      this.shadow.state = this.opts.live.state;
      this.shadow.onCandle(key, e.candle);
    });
  }

  /**
   * Makes the shadow instance of a live one (the same strategy object, parameters and market) and gives it
   * the live instance's first `upTo` candles it lacks, as processed history (no decisions on them).
   */
  private mirror(live: StrategyRunner, upTo: number): void {
    let r = this.shadow.instances.get(live.id);
    if (!r) {
      r = this.shadow.addInstance({ id: live.id, strategy: live.strategy, params: live.params, key: this.keyOf(live.key), running: live.running, tradeFrom: live.tradeFrom }, 'system');
      this.shadow.risk.setInstanceRisk?.(live.id, this.opts.instanceRisk?.(live));
    }
    r.running = live.running;
    const have = r.candles.length;
    const last = have > 0 ? r.candles.time[have - 1]! : -Infinity;
    let from = 0;
    while (from < upTo && live.candles.time[from]! <= last) from++;
    if (from < upTo) {
      // A copy: the shadow's buffer adopts the first series it is given, and the live buffer keeps changing.
      r.preload(copySeries(live.candles, from, upTo));
      r.skipTo(live.candles.time[upTo - 1]! + 1);
    }
  }

  private keyOf(k: MarketKey): MarketKey {
    const id = marketKeyString(k);
    let key = this.keys.get(id);
    if (!key) this.keys.set(id, (key = { ...k }));
    return key;
  }

  private onLiveOrder(o: Order): void {
    if (o.resting) return this.onRestingStop(o);
    if (!this.sent.has(o.id)) {
      this.sent.add(o.id);
      if (this.opts.onSettled) this.sentInStep.push(o.id);
      this.store.liveSent(identity(o), this.referenceOf(o, this.opts.live), this.now());
      this.cache = null;
    }
    if (!isTerminalStatus(o.status)) return;
    this.store.liveDone(identity(o), o.filledQty > 0 ? { qty: o.filledQty, price: o.avgPrice, fee: o.fees, filledAt: this.now() } : null, statusText(o));
    this.cache = null;
  }

  /**
   * A protective stop resting on the exchange: placed (and moved) long before it fills, and most are cancelled
   * unfilled. Only a fill is a trade: it is the decision the shadow takes when a candle's range crosses the
   * stop, so it is keyed by the candle the fill happened in, against the stop's level (no delay: the exchange
   * triggered it, not a decision).
   */
  private onRestingStop(o: Order): void {
    if (!isTerminalStatus(o.status) || !(o.filledQty > 0)) return;
    const tf = this.opts.live.instances.get(o.instanceId)?.key.timeframe;
    const candle = tf ? Math.floor(o.updatedAt / timeframeMs(tf)) * timeframeMs(tf) : o.createdAt;
    const id = { ...identity(o), createdAt: candle };
    this.store.liveSent(id, o.price ?? null, null);
    this.store.liveDone(id, { qty: o.filledQty, price: o.avgPrice, fee: o.fees, filledAt: this.now() }, statusText(o));
    this.cache = null;
  }

  private onShadowOrder(o: Order): void {
    if (o.status === 'submitted') this.store.simSent(identity(o), this.referenceOf(o, this.shadow));
    else if (isTerminalStatus(o.status)) this.store.simDone(identity(o), o.filledQty > 0 ? { qty: o.filledQty, price: o.avgPrice, fee: o.fees, filledAt: o.updatedAt } : null, statusText(o));
    else return;
    this.cache = null;
  }

  /** The price a decision was made at: a stop's level, else the decision candle's close (manual: the last price). */
  private referenceOf(o: Order, kernel: Kernel): number | null {
    if (o.type === 'stop' && o.price !== undefined) return o.price;
    if (!o.urgent) {
      const close = this.decisionClose.get(o.instanceId);
      if (close !== undefined) return close;
    }
    const last = kernel.lastPriceOf(o.symbol);
    return last !== undefined && !Number.isNaN(last) ? last : null;
  }

  private save(): void {
    const k = this.shadow;
    const p = k.portfolio;
    const state: ShadowState = {
      session: this.session,
      cash: p.cash,
      feesPaid: p.feesPaid,
      realisedPnl: p.realisedPnl,
      positions: [...p.positions.values()],
      pendingOrders: k.pendingOrders(),
      trades: k.closedTrades,
      state: k.state,
      risk: k.risk.snapshot?.() ?? null,
    };
    this.store.saveShadow(state, this.now());
  }
}

function identity(o: Order): DecisionIdentity & { id: string } {
  return { id: o.id, instanceId: o.instanceId, symbol: o.symbol, side: o.side, purpose: o.purpose, exitReason: o.exitReason, createdAt: o.createdAt };
}

function statusText(o: Order): string {
  return o.statusReason && o.status !== 'filled' ? `${o.status}: ${o.statusReason}` : o.status;
}

function copySeries(s: CandleSeries, start: number, end: number): CandleSeries {
  return {
    length: end - start,
    time: s.time.slice(start, end),
    open: s.open.slice(start, end),
    high: s.high.slice(start, end),
    low: s.low.slice(start, end),
    close: s.close.slice(start, end),
    volume: s.volume.slice(start, end),
  };
}
