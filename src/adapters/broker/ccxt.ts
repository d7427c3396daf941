// The exchange broker: real orders through a keyed ccxt client, behind the same Broker port as the
// simulator. Every request is journaled in SQLite with its deterministic client id BEFORE it is sent; an
// ambiguous outcome (timeout, 5xx, network) is resolved by looking the id up, with bounded retries, never by
// sending again; fills are booked once per exchange trade id; exchange rules are applied before sending;
// errors follow one policy (live/error-policy.ts). The engine's resting stops are sent as STOP_LOSS_LIMIT
// orders where the market has that type (restingStops), so a position's stop holds while tradetui is down.
import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import { errorMessage } from '../../core/errors.js';
import { currenciesOf, type Fill, type Order } from '../../core/trading.js';
import type { Broker, BrokerEvents, OrderUpdate, SubmitContext } from '../../engine/ports.js';
import { classify, retryAfterMs, type ErrorClass } from '../../live/error-policy.js';
import type { JournalRow, LiveJournal } from '../../live/journal.js';
import { applyRules, rulesFromMarket, type MarketRules } from '../../live/rules.js';

export interface LiveAlert {
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export interface CcxtBrokerOptions {
  exchange: Exchange;
  journal: LiveJournal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Lookups of an order in doubt before it is left for the next reconcile (and entries halted). */
  lookupRetries?: number;
  /** First wait between lookups; doubles, up to 10 s. */
  lookupDelayMs?: number;
  /**
   * How long after its timestamp the exchange may still accept a request (Binance: recvWindow, 5 s by
   * default). An order not found after this is known never to have been placed.
   */
  acceptWindowMs?: number;
  /** Added to the minimum notional before sending (0.05 = 5%). */
  notionalReserve?: number;
  /** Retries after a 429 (the request was not processed, so it is safe to send it again). */
  rateLimitRetries?: number;
  /** Limit price of a protective stop below (sell) its trigger, as a fraction (0.005 = 0.5%). */
  stopLimitOffset?: number;
  onAlert?: (alert: LiveAlert) => void;
  /** Live trading must stop (bad key, permission): no order is sent after this. */
  onHalt?: (reason: string) => void;
  /** Balances may differ from what the engine believes (insufficient funds): reconcile now. */
  onReconcileNeeded?: (reason: string) => void;
}

/**
 * Whether `symbol`'s protective stops can rest on the exchange: the market lists a stop-limit order type
 * (Binance spot: STOP_LOSS_LIMIT in exchangeInfo), or, without such a list, ccxt says the exchange has one.
 * Markets must be loaded.
 */
export function restingStopsOn(exchange: Exchange, symbol: string): boolean {
  const market = exchange.markets?.[symbol];
  if (!market) return false;
  const types = (market.info as { orderTypes?: unknown } | undefined)?.orderTypes;
  if (Array.isArray(types)) return types.includes('STOP_LOSS_LIMIT');
  return exchange.has['createStopLimitOrder'] === true;
}

const STATUS: Record<string, OrderUpdate['status'] | undefined> = { open: 'open', closed: 'filled', canceled: 'cancelled', cancelled: 'cancelled', expired: 'expired', rejected: 'rejected' };

export class CcxtBroker implements Broker {
  private events: BrokerEvents | null = null;
  private readonly orders = new Map<string, Order>();
  /** Last status reported per order id, so the same evidence is not reported twice. */
  private readonly reported = new Map<string, OrderUpdate['status']>();
  private readonly pending = new Set<Promise<unknown>>();
  private activityCount = 0;
  private pausedUntil = 0;
  private haltReason: string | null = null;
  private marketsLoaded: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: CcxtBrokerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get exchange(): Exchange {
    return this.opts.exchange;
  }

  get journal(): LiveJournal {
    return this.opts.journal;
  }

  /** The engine's record of an order this broker was handed (submit, cancel, resume), if any. */
  orderOf(orderId: string): Order | undefined {
    return this.orders.get(orderId);
  }

  /** Requests are under way (an order being placed, looked up or cancelled). */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Grows with every request started and every trade booked: a balance read across a change is stale. */
  get activity(): number {
    return this.activityCount;
  }

  /** Why live trading is halted (auth refused), or null. */
  get halted(): string | null {
    return this.haltReason;
  }

  connect(events: BrokerEvents): void {
    this.events = events;
  }

  restingStops(symbol: string): boolean {
    return restingStopsOn(this.exchange, symbol);
  }

  submit(order: Readonly<Order>, context: SubmitContext): void {
    this.orders.set(order.id, { ...order });
    this.track(this.place(order, context));
  }

  cancel(order: Readonly<Order>, reason: string): void {
    this.orders.set(order.id, { ...order });
    this.track(this.cancelOrder(order, reason));
  }

  /** Orders the engine had not seen end: each is looked up by client id (never sent again). */
  resume(orders: readonly Order[]): void {
    for (const o of orders) {
      this.orders.set(o.id, { ...o });
      this.reported.set(o.id, o.status === 'intent' ? 'submitted' : o.status);
      const row = this.journal.get(o.clientId);
      // Journaled by the engine but never by us: the request cannot have left this process.
      if (!row) {
        this.report({ orderId: o.id, status: 'rejected', time: this.now(), reason: 'not sent before the restart (no request was journaled)' });
        continue;
      }
      this.track(this.resolve(row));
    }
  }

  /** Resolves when every request started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async loadMarkets(): Promise<void> {
    this.marketsLoaded ??= this.call(() => this.exchange.loadMarkets()).then(() => undefined);
    try {
      await this.marketsLoaded;
    } catch (err) {
      this.marketsLoaded = null;
      throw err;
    }
  }

  rules(symbol: string): MarketRules {
    return rulesFromMarket(this.exchange.market(symbol), this.exchange.precisionMode ?? 4);
  }

  private track(p: Promise<unknown>): void {
    this.activityCount++;
    const tracked = p.catch((err) => this.alert('critical', `live broker: ${errorMessage(err)}`)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private alert(severity: LiveAlert['severity'], message: string): void {
    this.opts.onAlert?.({ severity, message });
  }

  private halt(reason: string): void {
    if (this.haltReason) return;
    this.haltReason = reason;
    this.alert('critical', `live trading halted: ${reason}`);
    this.opts.onHalt?.(reason);
  }

  private report(u: OrderUpdate): void {
    if (this.reported.get(u.orderId) === u.status) return;
    this.reported.set(u.orderId, u.status);
    this.events?.update(u);
  }

  /** Runs one request after any rate-limit pause; a 429 pauses everyone (Retry-After honoured) and retries. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const retries = this.opts.rateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) await this.sleep(wait);
      try {
        return await fn();
      } catch (err) {
        const cls = classify(err);
        if (cls !== 'rate-limit' || attempt >= retries) throw err;
        const asked = retryAfterMs(this.exchange) ?? 1000 * 2 ** attempt;
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + asked);
        this.alert('warning', `${this.exchange.id} rate limit: pausing requests for ${Math.round(asked / 1000)} s`);
      }
    }
  }

  /** Runs a signed request; a clock-skew refusal resyncs the time difference and retries once. */
  private async signed<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.call(fn);
    } catch (err) {
      if (classify(err) !== 'clock') throw err;
      await this.call(() => this.exchange.loadTimeDifference());
      this.alert('warning', `${this.exchange.id}: clock difference resynchronised (${errorMessage(err)})`);
      return await this.call(fn);
    }
  }

  private async place(order: Readonly<Order>, ctx: SubmitContext): Promise<void> {
    const fail = (reason: string): void => this.report({ orderId: order.id, status: 'rejected', time: this.now(), reason });
    if (this.haltReason) return fail(`live trading halted: ${this.haltReason}`);
    if (this.journal.get(order.clientId)) {
      // Same intent again (a restart, a repeated submit): its first request may be out there. Look, do not send.
      return this.resolve(this.journal.get(order.clientId)!);
    }
    if (order.resting) return this.placeStop(order);
    let amount: number;
    let refPrice: number;
    try {
      await this.loadMarkets();
      refPrice = ctx.lastPrice ?? (await this.lastPrice(order.symbol));
      // Market buys are sent as a base quantity: an entry sized in quote becomes quote / (price × (1 + fee)).
      const fee = this.exchange.market(order.symbol).taker ?? 0.001;
      amount = order.qty ?? (order.quote ?? 0) / (refPrice * (1 + fee));
    } catch (err) {
      // Nothing was sent: refusing is safe; the engine sees why.
      return fail(`could not prepare the order: ${errorMessage(err)}`);
    }
    const checked = applyRules(this.rules(order.symbol), { amount, refPrice }, this.opts.notionalReserve ?? 0.05);
    if (!checked.ok) {
      this.alert('warning', `order refused before sending: ${checked.reason}`);
      return fail(checked.reason);
    }
    const sentAt = this.now();
    // The journal entry is the point of no return: from here the order is resolved by lookup only.
    this.journal.begin({ clientId: order.clientId, orderId: order.id, kind: 'order', symbol: order.symbol, side: order.side, type: 'market', amount: checked.amount, price: null, stopPrice: null, positionId: order.positionId ?? null, sentAt });
    await this.send(this.journal.get(order.clientId)!, () => this.exchange.createOrder(order.symbol, 'market', order.side, checked.amount, undefined, { newClientOrderId: order.clientId }));
  }

  /** Sends a journaled request and applies the policy to its outcome. */
  private async send(row: JournalRow, request: () => Promise<CcxtOrder>): Promise<void> {
    try {
      const placed = await this.signed(request);
      await this.apply(row, placed);
    } catch (err) {
      const cls = classify(err);
      if (cls === 'ambiguous') {
        this.journal.update(row.clientId, { lastError: errorMessage(err) }, this.now());
        this.alert('warning', `order ${row.clientId}: ${errorMessage(err)}; looking it up`);
        return this.resolve(this.journal.get(row.clientId)!);
      }
      // Refused without being processed (funds, filters, key, clock twice, rate limit exhausted).
      this.journal.update(row.clientId, { state: 'done', exchangeStatus: 'rejected', lastError: errorMessage(err) }, this.now());
      this.report({ orderId: row.orderId, status: 'rejected', time: this.now(), reason: reasonFor(cls, err) });
      this.onRefusal(cls, row, err);
    }
  }

  private onRefusal(cls: ErrorClass, row: JournalRow, err: unknown): void {
    if (cls === 'auth') return this.halt(`${this.exchange.id} refused the API key: ${errorMessage(err)}`);
    if (cls === 'funds') {
      this.alert('critical', `insufficient funds for ${row.side} ${row.amount} ${row.symbol}: balances are being reconciled`);
      this.opts.onReconcileNeeded?.(`insufficient funds for ${row.clientId}`);
      return;
    }
    this.alert('warning', `${this.exchange.id} refused order ${row.clientId}: ${errorMessage(err)}`);
  }

  /**
   * Finds out what became of a journaled request by its client id. Not found while the exchange could
   * still accept the request: wait and look again. Not found after that: it was never placed. Unreachable
   * for all the lookups: the order stays in doubt, entries halt and the next reconcile tries again.
   */
  async resolve(row: JournalRow): Promise<void> {
    const retries = this.opts.lookupRetries ?? 5;
    let delay = this.opts.lookupDelayMs ?? 500;
    // The request's own recvWindow when the exchange takes one (sent with every signed request), else 5 s.
    const recvWindow = Number((this.exchange.options as Record<string, unknown> | undefined)?.recvWindow);
    const window = this.opts.acceptWindowMs ?? (recvWindow > 0 ? recvWindow : 5000);
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        await this.loadMarkets();
        const found = await this.signed(() => this.exchange.fetchOrder('', row.symbol, { origClientOrderId: row.clientId }));
        await this.apply(row, found);
        return;
      } catch (err) {
        const cls = classify(err);
        lastError = errorMessage(err);
        if (cls === 'not-found') {
          const safeAfter = row.sentAt + window + 1000;
          if (this.now() >= safeAfter) {
            this.journal.update(row.clientId, { state: 'done', exchangeStatus: 'not-placed', lastError: 'not found on the exchange after its acceptance window' }, this.now());
            this.report({ orderId: row.orderId, status: 'rejected', time: this.now(), reason: `never reached ${this.exchange.id} (no order ${row.clientId} after the request's time window)` });
            return;
          }
          await this.sleep(safeAfter - this.now());
          continue;
        }
        if (cls === 'auth') return this.halt(`${this.exchange.id} refused the API key: ${lastError}`);
        if (attempt < retries) await this.sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    this.alert('critical', `order ${row.clientId} (${row.side} ${row.amount} ${row.symbol}) is in doubt after ${retries + 1} lookups (${lastError}); new entries halted until it is resolved`);
    this.opts.onReconcileNeeded?.(`order ${row.clientId} in doubt`);
  }

  /** Applies the exchange's view of an order: journal, fills (once per trade id), then its status. */
  private async apply(row: JournalRow, o: CcxtOrder): Promise<void> {
    const status = STATUS[o.status ?? ''] ?? 'open';
    const filled = o.filled ?? 0;
    const exchangeId = o.id;
    this.journal.update(row.clientId, { state: status === 'open' ? 'working' : 'done', exchangeId, exchangeStatus: o.status ?? null, filled }, this.now());
    const known = this.journal.fills(row.clientId).reduce((s, f) => s + f.qty, 0);
    let trades: CcxtTrade[] = (o.trades ?? []).filter((t) => t.id !== undefined);
    const traded = trades.reduce((s, t) => s + (t.amount ?? 0), 0);
    if (filled > known + 1e-12 && traded + 1e-12 < filled) {
      trades = await this.signed(() => this.exchange.fetchMyTrades(row.symbol, undefined, undefined, { orderId: exchangeId }));
    }
    const order = this.orders.get(row.orderId);
    // Orders the engine made (its orders and resting stops) hear what became of them; adopted ones do not.
    const engineOwned = row.kind === 'order' || order !== undefined;
    if (engineOwned && this.reported.get(row.orderId) === undefined) this.reported.set(row.orderId, 'submitted');
    if (engineOwned && (status === 'open' || filled > 0) && (this.reported.get(row.orderId) === 'submitted')) {
      this.report({ orderId: row.orderId, status: 'open', time: o.timestamp ?? this.now(), exchangeId });
    }
    for (const t of trades) this.bookTrade(row, t, order);
    if (!engineOwned) return;
    if (status === 'open') return;
    this.report({ orderId: row.orderId, status, time: o.lastTradeTimestamp ?? o.timestamp ?? this.now(), exchangeId, reason: status === 'filled' ? undefined : `${this.exchange.id}: ${o.status}` });
  }

  /**
   * Books one exchange trade, once per trade id: a trade of an engine order is reported to the engine, whose
   * step writes it to fills with the position it changes (one transaction); a trade of an order the engine
   * did not make (adopted, flatten) is written to fills here.
   */
  bookTrade(row: JournalRow, t: CcxtTrade, order: Order | undefined): boolean {
    const tradeId = String(t.id);
    if (this.journal.hasFill(row.symbol, tradeId)) return false;
    const { base, quote } = currenciesOf(row.symbol);
    const price = t.price ?? 0;
    const qty = t.amount ?? 0;
    const feeCurrency = t.fee?.currency ?? quote;
    const feeAmount = t.fee?.cost ?? 0;
    const time = t.timestamp ?? this.now();
    this.activityCount++;
    this.journal.advanceCursor(row.symbol, tradeId, time);
    if (!order || !this.events) return this.journal.addFill(row, { tradeId, qty, price, fee: feeAmount, feeCurrency, time });
    // P&L values every fee in quote; a fee in a third currency (BNB) is not priced here.
    const feeInQuote = feeCurrency === quote ? feeAmount : feeCurrency === base ? feeAmount * price : 0;
    const fill: Fill = {
      id: `${order.id}-t${tradeId}`,
      orderId: order.id,
      instanceId: order.instanceId,
      symbol: order.symbol,
      side: order.side,
      purpose: order.purpose,
      qty,
      price,
      fee: feeInQuote,
      ...(feeCurrency !== quote ? { feeCurrency, feeAmount } : {}),
      tradeId,
      time,
      reason: order.reason,
      exitReason: order.exitReason,
      positionId: order.positionId ?? order.id,
    };
    this.events.fill(fill);
    return true;
  }

  private async cancelOrder(order: Readonly<Order>, reason: string): Promise<void> {
    const row = this.journal.get(order.clientId);
    if (!row) {
      // Never journaled, so never sent: nothing to cancel on the exchange.
      this.report({ orderId: order.id, status: 'cancelled', time: this.now(), reason: `${reason} (not sent)` });
      return;
    }
    await this.cancelRow(row);
  }

  /** Cancels a journaled order; whatever the answer, the outcome is confirmed by fetching the order. */
  async cancelRow(row: JournalRow): Promise<void> {
    try {
      await this.loadMarkets();
      const params = row.exchangeId ? {} : { origClientOrderId: row.clientId };
      const res = await this.signed(() => this.exchange.cancelOrder(row.exchangeId ?? '', row.symbol, params));
      if (res && res.status) await this.apply(row, res);
    } catch (err) {
      if (classify(err) === 'auth') return this.halt(`${this.exchange.id} refused the API key: ${errorMessage(err)}`);
      // Not found (already filled or cancelled), or no answer: ask the exchange what the order is now.
    }
    const current = this.journal.get(row.clientId)!;
    if (current.state !== 'done' || current.exchangeStatus !== 'canceled') await this.resolve(current);
  }

  private async lastPrice(symbol: string): Promise<number> {
    const t = await this.call(() => this.exchange.fetchTicker(symbol));
    const p = t.last ?? t.close ?? t.bid;
    if (!(typeof p === 'number' && p > 0)) throw new Error(`${this.exchange.id} gave no price for ${symbol}`);
    return p;
  }

  // ---- protective stops -------------------------------------------------------------------------------

  /**
   * Places an engine's resting stop as a STOP_LOSS_LIMIT (journaled first, like every request): triggered at
   * its price, it sells with a limit `stopLimitOffset` below (buys above) so a gap still fills.
   */
  private async placeStop(order: Readonly<Order>): Promise<void> {
    const fail = (reason: string): void => this.report({ orderId: order.id, status: 'rejected', time: this.now(), reason });
    let checked: ReturnType<typeof applyRules>;
    let stopPrice: number;
    try {
      await this.loadMarkets();
      if (!this.restingStops(order.symbol)) return fail(`${this.exchange.id} takes no stop-limit order on ${order.symbol}`);
      const offset = this.opts.stopLimitOffset ?? 0.005;
      stopPrice = Number(this.exchange.priceToPrecision(order.symbol, order.price ?? NaN));
      const limit = order.side === 'sell' ? stopPrice * (1 - offset) : stopPrice * (1 + offset);
      checked = applyRules(this.rules(order.symbol), { amount: order.qty ?? 0, price: limit, refPrice: stopPrice }, 0);
    } catch (err) {
      return fail(`could not prepare the stop: ${errorMessage(err)}`);
    }
    if (!checked.ok) {
      this.alert('warning', `protective stop of ${order.positionId ?? order.id} cannot rest on ${this.exchange.id}: ${checked.reason}`);
      return fail(checked.reason);
    }
    const { amount, price } = checked;
    this.journal.begin({ clientId: order.clientId, orderId: order.id, kind: 'stop', symbol: order.symbol, side: order.side, type: 'stop_loss_limit', amount, price: price!, stopPrice, positionId: order.positionId ?? null, sentAt: this.now() });
    await this.send(this.journal.get(order.clientId)!, () => this.exchange.createOrder(order.symbol, 'limit', order.side, amount, price, { triggerPrice: stopPrice, newClientOrderId: order.clientId }));
  }
}

function reasonFor(cls: ErrorClass, err: unknown): string {
  const msg = errorMessage(err);
  switch (cls) {
    case 'funds':
      return `insufficient funds: ${msg}`;
    case 'invalid':
      return `refused by the exchange: ${msg}`;
    case 'auth':
      return `API key refused: ${msg}`;
    case 'clock':
      return `clock out of sync after a resync: ${msg}`;
    case 'rate-limit':
      return `rate limited: ${msg}`;
    default:
      return msg;
  }
}
