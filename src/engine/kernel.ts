// The engine kernel, identical for backtest, paper and live. For each closed candle of a market:
//   1. the broker hears the candle opened (a simulated broker fills waiting market orders at that price),
//   2. protective exits are checked on the candle's high/low, survivors' trailing/break-even advance,
//   3. positions are marked at the close and the risk layer updates its protections,
//   4. each running instance on the market decides; entries pass the risk layer, then go to the broker.
// Every step is an event on the bus. The kernel never asks which mode it is in.
// It owns the execution layer: every order is a record it keeps until the broker reports a terminal state
// (engine/execution.ts); each change is an `order` event (the journal), each fill is booked once. Working
// entries hold a risk reservation until they are done, so pending orders count in exposure and cash.
// With a broker that keeps protective stops on the exchange (live), each position's stop is an order resting
// there: placed when the position opens, moved when the stop moves, cancelled before any other exit sells
// (that exit is sent once the cancel is confirmed, so nothing is sold twice), and its fill books the exit.
import type { Candle, MarketKey } from '../core/candle.js';
import { marketKeyString } from '../core/candle.js';
import { SmallMap } from '../core/small-map.js';
import type { Actor, Command, CommandResult, InstanceInfo } from '../core/events.js';
import { DAY_MS } from '../core/time.js';
import { marketConditions } from '../core/slippage.js';
import type { ClosedTrade, Decision, ExitReason, Fill, Order, OrderRequest, Position } from '../core/trading.js';
import { applyFill as bookOnOrder, applyUpdate, clientOrderId, isLive, newOrder, transition } from './execution.js';
import { currenciesOf, isTerminalStatus } from '../core/trading.js';
import type { Indicators } from '../strategy/indicators.js';
import type { EventBus } from './bus.js';
import { checkExit, effectiveStop, updateAfterCandle } from './exits.js';
import type { Portfolio } from './portfolio.js';
import type { Broker, BrokerEvents, Clock, OrderUpdate } from './ports.js';
import type { Reservation, RiskLayer } from './risk/types.js';
import { StrategyRunner, type InstanceSpec } from './strategy-runner.js';

export interface KernelDeps {
  bus: EventBus;
  broker: Broker;
  portfolio: Portfolio;
  risk: RiskLayer;
  ta: Indicators;
  clock: Clock;
  nextId: (prefix: string) => string;
  allowShort: boolean;
  /**
   * Runs a broker report (update or fill) as one step: the app makes it one SQLite transaction with its
   * events and the account. Reports from a simulated broker arrive inside a step already.
   */
  atomic?: (step: () => void) => void;
  /** Saves the id sequence and returns how to put it back (a rolled-back step makes the same ids again). */
  checkpointIds?: () => () => void;
  /**
   * The most quote currency the engine may size from (live.maxCapital): entries see at most this much
   * equity, and cash only up to what the cap leaves after open positions and working entries.
   */
  capitalCap?: number | null;
  /**
   * Live without stops resting on the exchange: stops are also checked on every price the feed polls
   * (priceTick), not only at candle close. Off in backtest and paper (one fill model for both).
   */
  stopsOnTicks?: boolean;
}

/** An exit waiting for a resting stop's cancel to be confirmed (the stop could still fill meanwhile). */
interface ExitAfterCancel {
  positionId: string;
  exitReason: ExitReason;
  reason: string;
  time: number;
  urgent: boolean;
}

export type KernelState = 'running' | 'paused' | 'halted' | 'stopped';

/** Per-symbol state the hot path reads once per candle. */
interface SymbolState {
  lastOpened: number;
  lastPrice: number;
}

export class Kernel {
  readonly instances = new Map<string, StrategyRunner>();
  state: KernelState = 'running';
  private readonly symbols = new Map<string, SymbolState>();
  /** Instances per market, resolved once per key object (feeds pass the same key object every candle). */
  private readonly runnersByKey = new WeakMap<MarketKey, StrategyRunner[]>();
  /** Orders not yet terminal, by id, in submission order. The records the views and the journal see. */
  private readonly working = new SmallMap<string, Order>();
  /** Exchange trade ids booked on working orders (a broker may report a trade twice). */
  private readonly bookedFills = new Map<string, Set<string>>();
  private dayStart = NaN;
  dayStartEquity: number;
  readonly closedTrades: ClosedTrade[] = [];
  riskCounts = { accepted: 0, resized: 0, rejected: 0 };
  private instancesVersion = 0;
  decisions = 0;
  /** Resting stop order id → the exit to send once its cancel is confirmed. */
  private readonly exitAfterCancel = new Map<string, ExitAfterCancel>();
  /** Positions whose resting stop the exchange refused: the engine checks their stops itself. */
  private readonly stopRefused = new Set<string>();
  /** Decision time of the last resting stop made: each new one gets a later one (and so its own client id). */
  private lastStopAt = -Infinity;

  constructor(private readonly d: KernelDeps) {
    const atomic = d.atomic;
    // Without an atomic step (a backtest), reports are applied directly: no closure made per report.
    const events: BrokerEvents = atomic
      ? { update: (u) => atomic(() => this.onOrderUpdate(u)), fill: (f) => atomic(() => this.onBrokerFill(f)) }
      : { update: (u) => this.onOrderUpdate(u), fill: (f) => this.onBrokerFill(f) };
    d.broker.connect(events);
    this.dayStartEquity = d.portfolio.equity();
  }

  get portfolio(): Portfolio {
    return this.d.portfolio;
  }

  get risk(): RiskLayer {
    return this.d.risk;
  }

  addInstance(spec: InstanceSpec, by: Actor = 'config'): StrategyRunner {
    if (this.instances.has(spec.id)) throw new Error(`instance ${spec.id} exists`);
    const runner = new StrategyRunner(spec, this.d.ta, this.d.risk);
    this.instances.set(spec.id, runner);
    this.instancesVersion++;
    if (this.d.bus.wants('instance')) this.d.bus.emit({ type: 'instance', instance: this.info(runner), change: 'added', by });
    return runner;
  }

  /** Takes an instance out (delete-instance; the app refuses while it holds a position or waiting orders). */
  removeInstance(id: string, by: Actor): boolean {
    const r = this.instances.get(id);
    if (!r) return false;
    this.instances.delete(id);
    this.instancesVersion++;
    this.d.risk.setInstanceRisk?.(id, undefined);
    this.d.bus.emit({ type: 'instance', instance: { ...this.info(r), running: false }, change: 'removed', by });
    return true;
  }

  /**
   * A new runner (new params, or reloaded strategy code) in an instance's place: same id and place in the list, its
   * closed trades carried over; positions and orders are the portfolio's, keyed by the id, so they stay its own.
   */
  replaceInstance(spec: InstanceSpec, by: Actor, reload = false): StrategyRunner {
    const old = this.instances.get(spec.id);
    if (!old) throw new Error(`no instance ${spec.id}`);
    const runner = new StrategyRunner(spec, this.d.ta, this.d.risk);
    runner.trades.push(...old.trades);
    this.instances.set(spec.id, runner);
    this.instancesVersion++;
    this.d.bus.emit({ type: 'instance', instance: this.info(runner), change: 'updated', by, ...(reload ? { reload: true as const } : {}) });
    return runner;
  }

  info(r: StrategyRunner): InstanceInfo {
    return { id: r.id, strategy: r.strategy.name, symbol: r.key.symbol, timeframe: r.key.timeframe, params: { ...r.params }, running: r.running };
  }

  private symbolState(symbol: string): SymbolState {
    let st = this.symbols.get(symbol);
    if (!st) this.symbols.set(symbol, (st = { lastOpened: -Infinity, lastPrice: NaN }));
    return st;
  }

  private runnersOf(key: MarketKey): StrategyRunner[] {
    let list = this.runnersByKey.get(key) as (StrategyRunner[] & { version?: number }) | undefined;
    if (!list || list.version !== this.instancesVersion) {
      const id = marketKeyString(key);
      list = [...this.instances.values()].filter((r) => marketKeyString(r.key) === id);
      list.version = this.instancesVersion;
      this.runnersByKey.set(key, list);
    }
    return list;
  }

  /** A new candle opened (feeds that see forming candles); pending market orders fill at its open. */
  candleOpened(key: MarketKey, time: number, price: number): void {
    const st = this.symbolState(key.symbol);
    if (st.lastOpened === time) return;
    st.lastOpened = time;
    this.d.broker.marketOpened?.(key.symbol, time, price);
  }

  /** One closed candle of one market. The candle object is not retained. */
  onCandle(key: MarketKey, c: Candle): void {
    const { bus, portfolio, risk } = this.d;
    const symbol = key.symbol;
    const st = this.symbolState(symbol);
    if (st.lastOpened !== c.time) {
      st.lastOpened = c.time;
      this.d.broker.marketOpened?.(symbol, c.time, c.open);
    }
    this.rollDay(c.time);

    // 2. protective exits on this candle's range, with the levels as they stood before it
    if (portfolio.positions.size > 0) {
      const open = portfolio.openPositions();
      for (let k = 0; k < open.length; k++) {
        const p = open[k]!;
        if (p.symbol !== symbol || p.entryTime > c.time) continue;
        let hit = checkExit(p, c);
        // A stop resting on the exchange is the exchange's to trigger: its fill, not this candle, books the exit.
        if (hit && hit.reason !== 'take_profit' && this.working.size > 0 && this.restingStopOf(p.id)) hit = null;
        if (hit) this.exitPosition(p, 'stop', hit.price, hit.reason, `${hit.reason.replace('_', ' ')} at ${fmt(hit.price)}`, c.time);
        else {
          updateAfterCandle(p, c);
          if (bus.wants('position')) bus.emit({ type: 'position', change: 'updated', position: { ...p, protection: { ...p.protection } } });
          if (this.d.broker.restingStops?.(symbol)) this.syncStop(p, c.time);
        }
      }
    }

    // 3. mark to market, protections
    st.lastPrice = c.close;
    if (portfolio.positions.size > 0) portfolio.mark(symbol, c.close);
    risk.onCandle(symbol, c.time, portfolio.equity());

    // 4. decisions
    const runners = this.runnersOf(key);
    for (let k = 0; k < runners.length; k++) {
      const r = runners[k]!;
      const i = r.advance(c);
      if (i < 0) continue;
      if (bus.wants('candle')) bus.emit({ type: 'candle', instanceId: r.id, symbol, timeframe: key.timeframe, candle: { ...c } });
      if (!r.running) continue;
      const position = portfolio.positions.size > 0 ? portfolio.positionOf(r.id) : undefined;
      this.timeExit(r, position, c);
      const decision = r.decide(position ? position.side : null, this.reasonsRead());
      if (decision) this.act(r, decision, i, c);
    }

    if (bus.wants('equity')) {
      bus.emit({ type: 'equity', time: c.time, equity: portfolio.equity(), cash: portfolio.cash, exposure: portfolio.exposure() });
    }
  }

  /**
   * Whether a decision's reason is read by anyone: its decision event, the order it makes (journal, views) or the
   * fill. Not in a backtest no one listens to, where building reasons was a sixth of all allocation.
   */
  private reasonsRead(): boolean {
    const { bus } = this.d;
    return bus.wants('decision') || bus.wants('order') || bus.wants('fill');
  }

  private timeExit(r: StrategyRunner, p: Position | undefined, c: Candle): void {
    const max = p?.protection.maxCandles;
    if (!p || max === undefined || p.candlesHeld < max || this.hasPendingExit(p.id)) return;
    this.exitPosition(p, 'market', c.close, 'time', `held ${p.candlesHeld} candles (max ${max})`, c.time);
  }

  private act(r: StrategyRunner, decision: Decision, i: number, c: Candle): void {
    const { bus, portfolio, risk } = this.d;
    this.decisions++;
    if (bus.wants('decision')) {
      bus.emit({ type: 'decision', instanceId: r.id, strategy: r.strategy.name, symbol: r.key.symbol, time: c.time, action: decision.action, reason: decision.reason });
    }
    const position = portfolio.positionOf(r.id);
    if (decision.action === 'exit') {
      if (position && !this.hasPendingExit(position.id)) this.exitPosition(position, 'market', c.close, 'signal', decision.reason, c.time);
      return;
    }
    const side = decision.action === 'enter-long' ? 'long' : 'short';
    if (position) {
      // An opposite signal while holding closes the position; entering again waits for the next signal.
      if (position.side !== side && !this.hasPendingExit(position.id)) this.exitPosition(position, 'market', c.close, 'signal', decision.reason, c.time);
      return;
    }
    if (this.hasPendingEntry(r.id)) return;
    if (side === 'short' && !this.d.allowShort) return this.riskEvent(r, c.time, { verdict: 'rejected', reason: 'short selling is off for this account (account.allowShort)' });
    if (this.state !== 'running') return this.riskEvent(r, c.time, { verdict: 'rejected', reason: `entries are ${this.state}` });
    const { risk: riskSeries } = r.series();
    const reserved = this.reservations();
    let reservedCash = 0;
    for (let k = 0; k < reserved.length; k++) if (reserved[k]!.side === 'long') reservedCash += reserved[k]!.quote;
    const cap = this.d.capitalCap ?? Infinity;
    const verdict = risk.vetEntry({
      instanceId: r.id,
      strategy: r.strategy.name,
      symbol: r.key.symbol,
      side,
      decision,
      time: c.time,
      price: c.close,
      series: riskSeries,
      index: i,
      equity: Math.min(portfolio.equity(), cap),
      // Cash promised to entries still working is not available to this one.
      cash: Math.max(0, Math.min(portfolio.cash, cap - portfolio.exposure()) - reservedCash),
      positions: [...portfolio.positions.values()],
      reserved,
      hints: r.strategy.risk,
      instanceTrades: r.trades,
      explain: bus.wants('risk'),
    });
    this.riskEvent(r, c.time, verdict);
    if (verdict.verdict === 'rejected') return;
    const order = this.order({
      instanceId: r.id,
      symbol: r.key.symbol,
      side: side === 'long' ? 'buy' : 'sell',
      type: 'market',
      purpose: 'entry',
      qty: verdict.qty,
      quote: verdict.quote,
      reason: decision.reason,
      protection: verdict.protection,
      createdAt: c.time,
    });
    this.submit(order);
  }

  private riskEvent(r: StrategyRunner, time: number, v: { verdict: 'accepted' | 'resized' | 'rejected'; reason: string; requested?: number; granted?: number }): void {
    this.riskCounts[v.verdict]++;
    const { bus } = this.d;
    if (bus.wants('risk')) {
      bus.emit({ type: 'risk', instanceId: r.id, symbol: r.key.symbol, time, verdict: v.verdict, reason: v.reason, requested: v.requested, granted: v.granted });
    }
  }

  private exitPosition(p: Position, type: 'market' | 'stop', price: number, exitReason: ExitReason, reason: string, time: number, urgent = false): void {
    const resting = this.working.size > 0 ? this.restingStopOf(p.id) : undefined;
    if (resting) {
      // The exchange holds a stop for this position: it goes first, the exit follows its confirmed cancel.
      this.exitAfterCancel.set(resting.id, { positionId: p.id, exitReason, reason, time, urgent });
      this.cancelOrder(resting, `${reason}: the position exits at market instead`, time);
      return;
    }
    this.submit(this.order({
      instanceId: p.instanceId,
      symbol: p.symbol,
      side: p.side === 'long' ? 'sell' : 'buy',
      type,
      purpose: 'exit',
      qty: p.qty,
      price: type === 'stop' ? price : undefined,
      reason,
      exitReason,
      positionId: p.id,
      urgent,
      createdAt: time,
    }));
  }

  /** `req` is a fresh literal from the caller; it becomes the record. */
  private order(req: Omit<OrderRequest, 'id' | 'clientId'>): Order {
    // Not `{ ...req, id, clientId }`: V8 copies a spread followed by more keys on a slow path (µs per order,
    // a fifth of an optimisation trial's time). Same keys in the same order.
    const clientId = clientOrderId(req);
    const r = req as OrderRequest;
    r.id = this.d.nextId('o');
    r.clientId = clientId;
    return newOrder(r);
  }

  /**
   * Journals the order as in flight (the `order` event is written to SQLite before this returns), then
   * hands it to the broker, which may answer at once (simulated) or later (exchange).
   */
  private submit(order: Order): void {
    // The market as the order leaves (closed candles only): a simulated broker's impact model prices by it.
    const runner = this.instances.get(order.instanceId);
    if (runner && runner.cursor >= 0 && order.market === undefined) {
      const market = marketConditions(runner.candles.close, runner.candles.volume, runner.cursor);
      if (market) order.market = market;
    }
    transition(order, 'submitted', order.createdAt);
    this.working.set(order.id, order);
    this.emitOrder(order);
    const last = this.symbols.get(order.symbol)?.lastPrice;
    this.d.broker.submit(order, { lastPrice: last !== undefined && !Number.isNaN(last) ? last : undefined });
  }

  private emitOrder(order: Order): void {
    if (this.d.bus.wants('order')) this.d.bus.emit({ type: 'order', order: { ...order, feesByCurrency: { ...order.feesByCurrency } } });
  }

  /** Asks the broker to cancel a working order; the broker's report ends it (or a fill does). */
  private cancelOrder(order: Order, reason: string, time: number): void {
    if (order.status === 'pending_cancel') return;
    transition(order, 'pending_cancel', time, reason);
    this.emitOrder(order);
    this.d.broker.cancel(order, reason);
  }

  private hasPendingExit(positionId: string): boolean {
    for (const o of this.working.values()) if (o.purpose === 'exit' && o.positionId === positionId && o.resting !== true) return true;
    if (this.exitAfterCancel.size > 0) for (const e of this.exitAfterCancel.values()) if (e.positionId === positionId) return true;
    return false;
  }

  /** The position's stop resting on the exchange, if one is working. */
  private restingStopOf(positionId: string): Order | undefined {
    for (const o of this.working.values()) if (o.resting === true && o.positionId === positionId) return o;
    return undefined;
  }

  /**
   * Keeps a position's exchange-resting stop where its stop level is: places one when there is none, cancels
   * it to move it (the replacement follows the confirmed cancel), cancels it when the position has no stop.
   */
  private syncStop(p: Position, time: number): void {
    const resting = this.restingStopOf(p.id);
    // A cancel the exchange did not carry out (the stop is working again): an exit still waits for it.
    if (resting && resting.status !== 'pending_cancel' && this.exitAfterCancel.has(resting.id)) return this.cancelOrder(resting, 'the exit still waits for this stop to be cancelled', time);
    if (this.stopRefused.has(p.id) || this.hasPendingExit(p.id)) return;
    const want = effectiveStop(p);
    if (resting) {
      if (resting.status === 'pending_cancel') return;
      if (!want) this.cancelOrder(resting, 'the position has no stop any more', time);
      else if (Math.abs((resting.price ?? 0) - want.level) > want.level * 1e-9 || resting.qty !== p.qty) this.cancelOrder(resting, `stop moved to ${fmt(want.level)}`, time);
      return;
    }
    if (!want) return;
    this.lastStopAt = Math.max(time, this.lastStopAt + 1);
    this.submit(this.order({
      instanceId: p.instanceId,
      symbol: p.symbol,
      side: p.side === 'long' ? 'sell' : 'buy',
      type: 'stop',
      purpose: 'exit',
      qty: p.qty,
      price: want.level,
      reason: `protective ${want.reason.replace('_', ' ')} at ${fmt(want.level)}, resting on the exchange`,
      exitReason: want.reason,
      positionId: p.id,
      resting: true,
      createdAt: this.lastStopAt,
    }));
  }

  /**
   * Places a resting stop for every open position that should have one and has none (after a restart and
   * its reconciliation; brokers that keep stops only).
   */
  syncStops(time: number): void {
    for (const p of this.d.portfolio.openPositions()) if (this.d.broker.restingStops?.(p.symbol)) this.syncStop(p, time);
  }

  /**
   * A price polled between candle closes (live feeds): positions whose stops the exchange does not hold are
   * exited at market as soon as the price reaches their stop, not only at the candle's close.
   */
  priceTick(symbol: string, price: number, time: number): void {
    if (!this.d.stopsOnTicks || this.d.portfolio.positions.size === 0) return;
    for (const p of this.d.portfolio.openPositions()) {
      if (p.symbol !== symbol || this.hasPendingExit(p.id) || this.restingStopOf(p.id)) continue;
      const stop = effectiveStop(p);
      if (!stop || (p.side === 'long' ? price > stop.level : price < stop.level)) continue;
      this.exitPosition(p, 'market', price, stop.reason, `${stop.reason.replace('_', ' ')} at ${fmt(stop.level)} (price ${fmt(price)} polled)`, time);
    }
  }

  /** A resting stop ended: send the exit that waited for it, or put the stop back if the position still needs one. */
  private afterRestingStop(order: Order, before: Order['status'], time: number): void {
    const waiting = this.exitAfterCancel.get(order.id);
    this.exitAfterCancel.delete(order.id);
    const p = order.positionId !== undefined ? this.d.portfolio.positions.get(order.positionId) : undefined;
    if (!p) return; // it filled and closed the position, or the position is gone
    if (waiting) return this.exitPosition(p, 'market', p.lastPrice, waiting.exitReason, waiting.reason, waiting.time, waiting.urgent);
    if (order.status === 'rejected') {
      this.stopRefused.add(p.id);
      return this.brokerProblem(`protective stop of ${p.symbol} position ${p.id} refused (${order.statusReason ?? 'no reason'}): tradetui checks this stop itself, on every price`, time);
    }
    if (order.status !== 'filled' && before !== 'pending_cancel') {
      this.brokerProblem(`protective stop of ${p.symbol} position ${p.id} is gone from the exchange (${order.status}${order.statusReason ? `: ${order.statusReason}` : ''}); placing it again`, time);
    }
    this.syncStop(p, time);
  }

  private hasPendingEntry(instanceId: string): boolean {
    for (const o of this.working.values()) if (o.purpose === 'entry' && o.instanceId === instanceId) return true;
    return false;
  }

  /**
   * What working entries still hold: the quote not yet spent (entries sized in quote) or the quantity not
   * yet filled at the symbol's last price. Held from submission until the order is terminal.
   */
  reservations(): Reservation[] {
    const out: Reservation[] = [];
    if (this.working.size === 0) return out;
    for (const o of this.working.values()) {
      if (o.purpose !== 'entry') continue;
      let quote: number;
      if (o.quote !== undefined) quote = o.quote - (o.filledQty * o.avgPrice + o.fees);
      else quote = ((o.qty ?? 0) - o.filledQty) * (this.lastPriceOf(o.symbol) ?? o.avgPrice);
      if (quote > 0) out.push({ instanceId: o.instanceId, symbol: o.symbol, side: o.side === 'buy' ? 'long' : 'short', quote });
    }
    return out;
  }

  private onOrderUpdate(u: OrderUpdate): void {
    const order = this.working.get(u.orderId);
    if (!order) return this.brokerProblem(`order update for unknown or finished order ${u.orderId} (${u.status})`, u.time);
    const before = order.status;
    try {
      if (!applyUpdate(order, u)) return;
    } catch (err) {
      return this.brokerProblem((err as Error).message, u.time);
    }
    this.emitOrder(order);
    if (!isTerminalStatus(order.status)) return;
    this.working.delete(order.id);
    this.bookedFills.delete(order.id);
    if (order.status === 'filled' && order.purpose === 'exit') this.writeOffDust(order, u.time);
    if (order.resting === true) this.afterRestingStop(order, before, u.time);
    else if (order.purpose === 'entry' && order.filledQty > 0 && this.d.broker.restingStops?.(order.symbol)) {
      const p = this.d.portfolio.positionOf(order.instanceId);
      if (p) this.syncStop(p, u.time);
    }
    if (order.purpose === 'entry' && order.filledQty === 0 && order.status !== 'filled') {
      // An accepted entry that ends without a fill says so where the trader looks for entries.
      const r = this.instances.get(order.instanceId);
      if (r) this.riskEvent(r, u.time, { verdict: 'rejected', reason: `entry ${order.status}${order.statusReason ? `: ${order.statusReason}` : ''}` });
    }
  }

  private onBrokerFill(fill: Fill): void {
    const order = this.working.get(fill.orderId);
    if (!order) return this.brokerProblem(`fill ${fill.tradeId ?? fill.id} for unknown or finished order ${fill.orderId}`, fill.time);
    // Exchange fills carry a trade id and may be reported twice (a poll and a lookup): book each once.
    // Simulated fills have none and are reported once; no set per order on the backtest path.
    if (fill.tradeId !== undefined) {
      let seen = this.bookedFills.get(order.id);
      if (!seen) this.bookedFills.set(order.id, (seen = new Set()));
      if (seen.has(fill.tradeId)) return;
      seen.add(fill.tradeId);
    }
    bookOnOrder(order, fill, currenciesOf(order.symbol).quote);
    this.applyFill(fill, order);
    this.emitOrder(order);
  }

  /**
   * An exchange sells whole steps of its quantity rule: an exit reported filled for less than it asked
   * leaves a remainder too small to sell. When all that is left of the position is that remainder, it is
   * written off (booked at price 0, so cash stays what the exchange holds) and the position closes.
   */
  private writeOffDust(order: Order, time: number): void {
    const p = order.positionId !== undefined ? this.d.portfolio.positions.get(order.positionId) : undefined;
    const unsent = (order.qty ?? 0) - order.filledQty;
    if (!p || !(unsent > 0) || p.qty > unsent * (1 + 1e-9)) return;
    this.applyFill(
      {
        id: `${order.id}-dust`,
        orderId: order.id,
        instanceId: order.instanceId,
        symbol: order.symbol,
        side: order.side,
        purpose: 'exit',
        qty: p.qty,
        price: 0,
        fee: 0,
        time,
        reason: `remainder ${p.qty} below the exchange's quantity step, written off`,
        exitReason: order.exitReason,
        positionId: p.id,
      },
      order,
    );
  }

  /** A broker report the engine cannot apply: alerted, never applied or guessed at. */
  private brokerProblem(message: string, time: number): void {
    this.d.bus.emit({ type: 'alert', alert: { id: this.d.nextId('a'), time, severity: 'error', category: 'error', message: `broker: ${message}` } });
  }

  /**
   * Books an execution the engine did not order: a trade made by hand on the exchange that the trader
   * adopted (live reconciliation). It moves cash and the position like any fill, as one step's events.
   */
  adoptFill(fill: Fill): void {
    this.applyFill(fill, undefined);
  }

  private applyFill(fill: Fill, order: Order | undefined): void {
    const { bus, portfolio, risk } = this.d;
    const r = this.instances.get(fill.instanceId);
    const out = portfolio.apply(fill, r?.strategy.name ?? fill.instanceId, order?.protection ?? {});
    if (bus.wants('fill')) bus.emit({ type: 'fill', fill });
    const change = out.change === 'increased' || out.change === 'reduced' ? 'updated' : out.change;
    if (bus.wants('position')) bus.emit({ type: 'position', change, position: { ...out.position, protection: { ...out.position.protection } } });
    if (out.trade) {
      r?.trades.push(out.trade);
      this.closedTrades.push(out.trade);
      risk.onTradeClosed(out.trade, fill.time);
      if (bus.wants('trade')) bus.emit({ type: 'trade', trade: out.trade });
    }
  }

  private rollDay(time: number): void {
    const day = Math.floor(time / DAY_MS);
    if (day !== this.dayStart) {
      this.dayStart = day;
      this.dayStartEquity = this.d.portfolio.equity();
    }
  }

  /** Closes open positions now at their last price (kill switch, end of a backtest, manual close): all, a symbol's, or one. */
  closePositions(reason: ExitReason, why: string, symbol?: string, positionId?: string): number {
    let n = 0;
    const time = this.lastTime();
    for (const o of [...this.working.values()]) {
      if ((symbol === undefined || o.symbol === symbol) && (positionId === undefined || o.positionId === positionId) && isLive(o)) this.cancelOrder(o, why, time);
    }
    for (const p of [...this.d.portfolio.positions.values()]) {
      if (symbol !== undefined && p.symbol !== symbol) continue;
      if (positionId !== undefined && p.id !== positionId) continue;
      // An exit whose cancel the broker has not confirmed may still fill: a second exit could oversell.
      if (this.hasPendingExit(p.id)) continue;
      this.exitPosition(p, 'market', p.lastPrice, reason, why, time, true);
      n++;
    }
    return n;
  }

  private lastTime(): number {
    let t = -Infinity;
    for (const v of this.symbols.values()) t = Math.max(t, v.lastOpened);
    return Number.isFinite(t) ? t : this.d.clock.now();
  }

  /** Commands from views (TUI, Telegram, CLI): the same checks whoever sends them. */
  handle(cmd: Command): CommandResult {
    const { bus } = this.d;
    switch (cmd.type) {
      case 'start':
      case 'stop': {
        const r = this.instances.get(cmd.instanceId);
        if (!r) return { ok: false, message: `no strategy instance "${cmd.instanceId}"` };
        const run = cmd.type === 'start';
        if (r.running === run) return { ok: true, message: `${r.id} is already ${run ? 'running' : 'stopped'}` };
        r.running = run;
        bus.emit({ type: 'instance', instance: this.info(r), change: run ? 'started' : 'stopped', by: cmd.by });
        return { ok: true, message: `${r.id} ${run ? 'started' : 'stopped'}` };
      }
      case 'close': {
        if (cmd.positionId !== undefined) {
          const n = this.closePositions('manual', `closed by ${cmd.by}`, cmd.symbol, cmd.positionId);
          return n > 0 ? { ok: true, message: `closing position ${cmd.positionId} on ${cmd.symbol}` } : { ok: false, message: `position ${cmd.positionId} on ${cmd.symbol} is no longer open` };
        }
        const n = this.closePositions('manual', `closed by ${cmd.by}`, cmd.symbol);
        return n > 0 ? { ok: true, message: `closing ${n} position(s) on ${cmd.symbol}` } : { ok: false, message: `no open position on ${cmd.symbol}` };
      }
      case 'pause':
      case 'resume':
      case 'kill': {
        if (cmd.type === 'kill') {
          for (const r of this.instances.values()) {
            if (!r.running) continue;
            r.running = false;
            bus.emit({ type: 'instance', instance: this.info(r), change: 'stopped', by: cmd.by });
          }
          const n = this.closePositions('kill', `kill switch by ${cmd.by}`);
          this.d.risk.halt?.(`kill switch by ${cmd.by}; entries halted until resumed`, this.lastTime());
          this.setState('halted', `kill switch by ${cmd.by}`, cmd.by);
          return { ok: true, message: `kill switch: all strategies stopped, ${n} position(s) closed` };
        }
        if (cmd.type === 'pause') {
          this.setState('paused', `paused by ${cmd.by}`, cmd.by);
          return { ok: true, message: 'new entries paused; open positions keep their stops' };
        }
        this.d.risk.resume(this.lastTime());
        this.setState('running', `resumed by ${cmd.by}`, cmd.by);
        return { ok: true, message: 'entries resumed' };
      }
      case 'cancel-order': {
        const o = this.working.get(cmd.orderId);
        if (!o || !isLive(o)) return { ok: false, message: `order ${cmd.orderId} is no longer waiting` };
        if (o.status === 'pending_cancel') return { ok: true, message: `order ${o.id} is already being cancelled` };
        this.cancelOrder(o, `cancelled by ${cmd.by}`, this.lastTime());
        return { ok: true, message: `cancelling order ${o.id} (${o.side} ${o.symbol})` };
      }
      case 'add-instance':
      case 'delete-instance':
      case 'edit-instance':
      case 'reload-strategies':
      case 'set-speed':
      case 'replay':
      case 'reconcile':
        return { ok: false, message: `${cmd.type} is handled by the application, not the kernel` };
    }
  }

  setState(state: KernelState, reason: string, by: Actor): void {
    this.state = state;
    this.d.bus.emit({ type: 'engine', state, reason, by });
  }

  /**
   * Puts back a stored account after a restart: cash, positions, orders still waiting for a fill and the
   * trades each instance closed. Instances must have been added first.
   */
  restore(state: { cash: number; feesPaid: number; realisedPnl: number; positions: Position[]; pendingOrders: Order[]; trades: ClosedTrade[]; state: KernelState; dayStart?: { day: number; equity: number } }): void {
    const { portfolio, broker } = this.d;
    portfolio.cash = state.cash;
    portfolio.feesPaid = state.feesPaid;
    portfolio.realisedPnl = state.realisedPnl;
    for (const p of state.positions) {
      portfolio.restorePosition({ ...p, protection: { ...p.protection } });
      this.symbolState(p.symbol).lastPrice = p.lastPrice;
    }
    // Orders still working when the engine stopped go back to the broker as they were: a simulated broker
    // queues them again, a live one looks each up by client id. They are never sent again from here.
    for (const o of state.pendingOrders) this.working.set(o.id, o);
    if (state.pendingOrders.length > 0) broker.resume(state.pendingOrders);
    // Not replayed into the risk layer: that would fire (and store, and alert) old protections again.
    // Halts still in force come back through the risk layer's own restore; Kelly reads instance trades.
    for (const t of state.trades) {
      this.closedTrades.push(t);
      this.instances.get(t.instanceId)?.trades.push(t);
    }
    this.state = state.state;
    // The day's starting equity is state (issue #9): "today" must neither reset nor shift after a restart.
    this.dayStartEquity = state.dayStart?.equity ?? portfolio.equity();
    if (state.dayStart) this.dayStart = Math.floor(state.dayStart.day / DAY_MS);
  }

  /**
   * Saves everything a step (a candle, a command, a broker report) may change in memory and returns how to
   * put it back, or null when a part cannot go back (a broker without checkpoints: what it sent is sent).
   * The app takes one before each step's transaction and rolls memory back with it when the transaction
   * does (disk full), so the engine never runs ahead of what the database holds.
   */
  checkpoint(): (() => void) | null {
    const { portfolio, risk, broker } = this.d;
    const undoBroker = broker.checkpoint?.();
    const undoRisk = risk.checkpoint?.();
    if (!undoBroker || !undoRisk) return null;
    const undoPortfolio = portfolio.checkpoint();
    const undoIds = this.d.checkpointIds?.();
    const working = [...this.working.values()].map((o) => ({ ref: o, value: { ...o, feesByCurrency: { ...o.feesByCurrency } } }));
    const booked = [...this.bookedFills].map(([id, set]) => [id, new Set(set)] as const);
    const symbols = [...this.symbols].map(([symbol, st]) => [symbol, { ...st }] as const);
    const runners = [...this.instances.values()].map((r) => ({ r, cursor: r.cursor, running: r.running, trades: r.trades.length }));
    const { dayStart, dayStartEquity, state, decisions } = this;
    const riskCounts = { ...this.riskCounts };
    const closedTrades = this.closedTrades.length;
    const exitAfterCancel = [...this.exitAfterCancel];
    const stopRefused = [...this.stopRefused];
    const lastStopAt = this.lastStopAt;
    return () => {
      this.exitAfterCancel.clear();
      for (const [id, e] of exitAfterCancel) this.exitAfterCancel.set(id, e);
      this.stopRefused.clear();
      for (const id of stopRefused) this.stopRefused.add(id);
      this.lastStopAt = lastStopAt;
      undoBroker();
      undoRisk();
      undoPortfolio();
      undoIds?.();
      this.working.clear();
      for (const { ref, value } of working) this.working.set(ref.id, Object.assign(ref, value, { feesByCurrency: { ...value.feesByCurrency } }));
      this.bookedFills.clear();
      for (const [id, set] of booked) this.bookedFills.set(id, new Set(set));
      this.symbols.clear();
      for (const [symbol, st] of symbols) this.symbols.set(symbol, { ...st });
      for (const x of runners) {
        // A candle pushed into the buffer stays: the retried step finds it where it belongs (advance()).
        x.r.cursor = x.cursor;
        x.r.running = x.running;
        x.r.trades.length = x.trades;
      }
      this.dayStart = dayStart;
      this.dayStartEquity = dayStartEquity;
      this.state = state;
      this.decisions = decisions;
      this.riskCounts = riskCounts;
      this.closedTrades.length = closedTrades;
    };
  }

  /** End of a run: positions still open close at the last close with reason `end`. */
  finish(): void {
    this.closePositions('end', 'end of data');
  }

  /** Orders not yet terminal (copies of the records). */
  pendingOrders(): Order[] {
    return [...this.working.values()].map((o) => ({ ...o, feesByCurrency: { ...o.feesByCurrency } }));
  }

  lastPriceOf(symbol: string): number | undefined {
    return this.symbols.get(symbol)?.lastPrice;
  }
}

export function instanceId(strategy: string, key: MarketKey): string {
  return `${strategy}@${marketKeyString(key)}`;
}

function fmt(n: number): string {
  return Number(n.toPrecision(8)).toString();
}
