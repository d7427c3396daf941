// Reconciliation between what tradetui believes and what the exchange says: orders in doubt are looked up,
// open orders it does not know, trades since the last one it knows (a fill it missed is booked; a trade made
// by hand is a difference), and balances against its positions. Each difference is stored and shown; live
// entries stay halted until the trader resolves every one (adopt, ignore, cancel, flatten). Nothing is ever
// assumed cancelled: an order leaves the journal only on the exchange's evidence.
import type { Trade as CcxtTrade } from 'ccxt';
import { errorMessage } from '../core/errors.js';
import { currenciesOf } from '../core/trading.js';
import type { CcxtBroker } from '../adapters/broker/ccxt.js';
import type { Difference } from './journal.js';
import { floorToStep } from './rules.js';

export type Resolution = 'adopt' | 'ignore' | 'cancel' | 'flatten';

/** The actions that make sense for each kind of difference. */
export const ACTIONS: Record<Difference['kind'], readonly Resolution[]> = {
  'unknown-order': ['adopt', 'cancel', 'ignore'],
  'external-trade': ['adopt', 'ignore'],
  balance: ['adopt', 'flatten', 'ignore'],
  'order-in-doubt': ['ignore'],
  'stop-missing': ['ignore'],
};

/** What the engine holds: base quantity per symbol (long positions; spot). */
export interface Believed {
  positions: Array<{ symbol: string; qty: number }>;
}

export interface ReconcileReport {
  /** Differences found by this run (new ones only). */
  found: Difference[];
  /** All differences still waiting for the trader. */
  unresolved: Difference[];
  /** Journaled orders brought up to date from the exchange, and fills booked that had been missed. */
  ordersChecked: number;
  missedFills: number;
  tradesScanned: number;
  durationMs: number;
}

export interface ReconcilerOptions {
  /** Unified symbols tradetui trades (BTC/USDT, …): their trades and base balances are checked. */
  symbols: string[];
  now?: () => number;
  /**
   * The trader adopted a trade or a balance: the engine books it as its own (position changes). A throw
   * (nothing to adopt) leaves the difference unresolved, with the reason.
   */
  onAdopt?: (adopted: { symbol: string; qty: number; price?: number; difference: Difference }) => void | Promise<void>;
}

export class Reconciler {
  private readonly now: () => number;

  constructor(
    private readonly broker: CcxtBroker,
    private readonly opts: ReconcilerOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  private get journal() {
    return this.broker.journal;
  }

  private get exchange() {
    return this.broker.exchange;
  }

  unresolved(): Difference[] {
    return this.journal.differences({ unresolvedOnly: true });
  }

  /** Live entries must wait while this is true. */
  blocking(): boolean {
    return this.unresolved().length > 0;
  }

  /**
   * `believed` may be a function: it is read after the missed fills are booked (steps 1 and 3), so the
   * balance check compares against positions that include them.
   */
  /** Adds a market to watch (an instance added while running). */
  watch(symbol: string): void {
    if (!this.opts.symbols.includes(symbol)) this.opts.symbols.push(symbol);
  }

  /**
   * Base currency the trader keeps outside tradetui: what the ignored differences of `asset` added up to
   * (an ignored trade made by hand, an ignored balance). The balance check expects positions + this.
   */
  baseline(asset: string): number {
    let sum = 0;
    for (const d of this.journal.differences()) {
      if (d.resolvedAt === null || !d.resolution?.startsWith('ignore') || d.detail.asset !== asset) continue;
      sum += Number(d.detail.baseDelta ?? 0);
    }
    return sum;
  }

  /**
   * `balances: false` skips the balance check (an order is in flight: the exchange's balance may already
   * include a fill the engine has not heard of yet).
   */
  async run(believedNow: Believed | (() => Believed), opts: { balances?: boolean; watchBalances?: () => () => boolean } = {}): Promise<ReconcileReport> {
    const started = performance.now();
    await this.broker.loadMarkets();
    const found: Difference[] = [];
    const fillsBefore = this.journal.fills().length;
    // 1. Requests in doubt or working: ask the exchange about each (by client id).
    const unfinished = this.journal.unfinished();
    for (const row of unfinished) await this.broker.resolve(row);
    for (const row of this.journal.unfinished().filter((r) => r.state === 'sending')) {
      found.push(this.add('order-in-doubt', row.symbol, `order ${row.clientId} (${row.side} ${row.amount} ${row.symbol}) could not be looked up: ${row.lastError ?? 'no answer'}`, { clientId: row.clientId }));
    }
    // 2. Open orders on the exchange that tradetui did not place.
    const open = await this.exchange.fetchOpenOrders();
    const knownDiffs = this.unresolved();
    for (const o of open) {
      if (o.clientOrderId && this.journal.get(o.clientOrderId)) continue;
      if (knownDiffs.some((d) => d.kind === 'unknown-order' && d.detail.exchangeId === o.id)) continue;
      found.push(this.add('unknown-order', o.symbol ?? null, `open order not placed by tradetui: ${o.side} ${o.amount} ${o.symbol} ${o.type}${o.price ? ` at ${o.price}` : ''} (id ${o.id})`, { exchangeId: o.id, clientOrderId: o.clientOrderId ?? null, symbol: o.symbol, side: o.side, amount: o.amount, price: o.price ?? null, type: o.type }));
    }
    // 3. Trades since the last one known, per symbol.
    let scanned = 0;
    for (const symbol of this.opts.symbols) {
      const { trades, first } = await this.tradesSince(symbol);
      scanned += trades.length;
      if (first) continue; // first start: old history is the trader's own; balances catch what it left
      for (const t of trades) {
        const tradeId = String(t.id);
        if (this.journal.hasFill(symbol, tradeId)) continue;
        let row = t.order ? this.journal.byExchangeId(symbol, t.order) : undefined;
        if (!row && t.order) {
          // An order sent while this check ran has no exchange id until its reply (or a look-up) is in: its
          // trade is ours, not one made by hand. Look such orders up by client id before deciding.
          for (const r of this.journal.unfinished().filter((x) => x.symbol === symbol && x.exchangeId === null)) await this.broker.resolve(r);
          row = this.journal.byExchangeId(symbol, t.order);
          if (row && this.journal.hasFill(symbol, tradeId)) continue;
        }
        if (row) {
          // A fill of tradetui's own order that it missed: booked, and the engine told (the order's record).
          this.broker.bookTrade(row, t, this.broker.orderOf(row.orderId));
          continue;
        }
        this.journal.advanceCursor(symbol, tradeId, t.timestamp ?? this.now());
        const { base } = currenciesOf(symbol);
        const amount = t.amount ?? 0;
        const baseFee = t.fee?.currency === base ? (t.fee.cost ?? 0) : 0;
        const baseDelta = t.side === 'sell' ? -amount : amount - baseFee;
        found.push(this.add('external-trade', symbol, `trade not made by tradetui: ${t.side} ${t.amount} ${symbol} at ${t.price} (trade ${tradeId}, order ${t.order ?? '?'})`, { tradeId, orderId: t.order ?? null, side: t.side, amount: t.amount, price: t.price, time: t.timestamp, asset: base, baseDelta }));
      }
    }
    // 4. Balances of the traded base currencies against the positions.
    if (opts.balances === false) return { found, unresolved: this.unresolved(), ordersChecked: unfinished.length, missedFills: this.journal.fills().length - fillsBefore, tradesScanned: scanned, durationMs: performance.now() - started };
    const unchanged = opts.watchBalances?.();
    const balance = await this.exchange.fetchBalance();
    // Read after the balance: a fill booked while it was fetched is in both. An order that moved meanwhile
    // (the caller says) makes the comparison meaningless: it waits for the next run.
    if (unchanged && !unchanged()) return { found, unresolved: this.unresolved(), ordersChecked: unfinished.length, missedFills: this.journal.fills().length - fillsBefore, tradesScanned: scanned, durationMs: performance.now() - started };
    const believed = typeof believedNow === 'function' ? believedNow() : believedNow;
    const believedBy = new Map<string, number>();
    for (const p of believed.positions) {
      const { base } = currenciesOf(p.symbol);
      believedBy.set(base, (believedBy.get(base) ?? 0) + p.qty);
    }
    const stillOpen = this.unresolved();
    for (const symbol of this.opts.symbols) {
      const { base } = currenciesOf(symbol);
      // A difference already waiting on this asset (a balance, a trade by hand, an order not ours) explains it.
      const explained = (d: Difference): boolean => (d.kind === 'balance' || d.kind === 'external-trade' || d.kind === 'unknown-order') && (d.detail.asset === base || d.symbol === symbol);
      if (found.some(explained) || stillOpen.some(explained)) continue;
      const total = (balance.total as unknown as Record<string, number | undefined>)[base] ?? 0;
      const baseline = this.baseline(base);
      const held = (believedBy.get(base) ?? 0) + baseline;
      const step = this.broker.rules(symbol).amountStep;
      // Below one step the difference cannot be traded away (fees taken in the base leave dust).
      if (Math.abs(total - held) <= Math.max(step, 1e-8)) continue;
      const kept = baseline !== 0 ? ` + ${+baseline.toFixed(8)} kept outside tradetui` : '';
      found.push(this.add('balance', symbol, `${base} on ${this.exchange.id}: ${total}; tradetui's positions: ${+(held - baseline).toFixed(8)}${kept} (difference ${+(total - held).toFixed(8)})`, { asset: base, exchange: total, believed: held - baseline, baseline, baseDelta: total - held }));
    }
    return { found, unresolved: this.unresolved(), ordersChecked: unfinished.length, missedFills: this.journal.fills().length - fillsBefore, tradesScanned: scanned, durationMs: performance.now() - started };
  }

  /** The account's trades of `symbol` after the cursor, oldest first, page by page (Binance: 1000 a page). */
  private async tradesSince(symbol: string): Promise<{ trades: CcxtTrade[]; first: boolean }> {
    const cursor = this.journal.cursor(symbol);
    if (!cursor) {
      const latest = await this.exchange.fetchMyTrades(symbol, undefined, 1);
      const last = latest[latest.length - 1];
      if (last) this.journal.advanceCursor(symbol, String(last.id), last.timestamp ?? this.now());
      else this.journal.advanceCursor(symbol, '0', this.now());
      return { trades: [], first: true };
    }
    const out: CcxtTrade[] = [];
    let fromId = Number(cursor.lastTradeId) + 1;
    for (;;) {
      const page = await this.exchange.fetchMyTrades(symbol, undefined, 1000, { fromId });
      out.push(...page);
      if (page.length < 1000) break;
      fromId = Number(page[page.length - 1]!.id) + 1;
    }
    return { trades: out, first: false };
  }

  private add(kind: Difference['kind'], symbol: string | null, summary: string, detail: Record<string, unknown>): Difference {
    return this.journal.addDifference({ kind, symbol, summary, detail, createdAt: this.now() });
  }

  /** Applies the trader's decision on one difference; returns what was done. */
  async resolve(id: number, action: Resolution): Promise<string> {
    const d = this.unresolved().find((x) => x.id === id);
    if (!d) throw new Error(`no unresolved difference #${id}`);
    if (!ACTIONS[d.kind].includes(action)) throw new Error(`difference #${id} (${d.kind}) can be resolved by ${ACTIONS[d.kind].join(', ')}, not ${action}`);
    let done: string;
    if (action === 'ignore') done = 'ignored';
    else if (d.kind === 'unknown-order' && action === 'cancel') {
      await this.broker.loadMarkets();
      try {
        await this.exchange.cancelOrder(String(d.detail.exchangeId), String(d.detail.symbol));
      } catch (err) {
        // Confirm rather than assume: it may have filled or been cancelled meanwhile.
        const o = await this.exchange.fetchOrder(String(d.detail.exchangeId), String(d.detail.symbol));
        if (o.status === 'open') throw new Error(`could not cancel order ${String(d.detail.exchangeId)}: ${errorMessage(err)}`, { cause: err });
      }
      done = `cancelled order ${String(d.detail.exchangeId)} on ${this.exchange.id}`;
    } else if (d.kind === 'unknown-order' && action === 'adopt') {
      // Journaled as ours from now on: its fills are booked and its state followed like any order.
      const clientId = String(d.detail.clientOrderId ?? `adopted-${String(d.detail.exchangeId)}`);
      this.journal.begin({ clientId, orderId: `adopted:${String(d.detail.exchangeId)}`, kind: 'adopted', symbol: String(d.detail.symbol), side: d.detail.side as 'buy' | 'sell', type: String(d.detail.type), amount: Number(d.detail.amount), price: (d.detail.price as number | null) ?? null, stopPrice: null, positionId: null, sentAt: this.now() });
      this.journal.update(clientId, { state: 'working', exchangeId: String(d.detail.exchangeId) }, this.now());
      done = `adopted order ${String(d.detail.exchangeId)}`;
    } else if (d.kind === 'external-trade') {
      const signed = d.detail.side === 'sell' ? -Number(d.detail.amount) : Number(d.detail.amount);
      await this.opts.onAdopt?.({ symbol: d.symbol!, qty: signed, price: Number(d.detail.price), difference: d });
      done = `adopted ${String(d.detail.side)} ${String(d.detail.amount)} ${d.symbol}`;
    } else if (d.kind === 'balance' && action === 'adopt') {
      await this.opts.onAdopt?.({ symbol: d.symbol!, qty: Number(d.detail.baseDelta ?? Number(d.detail.exchange) - Number(d.detail.believed)), difference: d });
      done = `adopted the exchange's ${String(d.detail.asset)} balance ${String(d.detail.exchange)}`;
    } else if (d.kind === 'balance' && action === 'flatten') {
      done = await this.flatten(d);
    } else throw new Error(`cannot ${action} a ${d.kind} difference`);
    this.journal.resolveDifference(id, `${action}: ${done}`, this.now());
    return done;
  }

  /** Sells the base the exchange holds beyond tradetui's positions, at market, journaled like any order. */
  private async flatten(d: Difference): Promise<string> {
    const excess = Number(d.detail.baseDelta ?? Number(d.detail.exchange) - Number(d.detail.believed));
    if (excess <= 0) throw new Error(`nothing to flatten: the exchange holds less ${String(d.detail.asset)} than tradetui believes; adopt or ignore`);
    const symbol = d.symbol!;
    const amount = floorToStep(excess, this.broker.rules(symbol).amountStep);
    const clientId = `ttf-${d.id}-${d.createdAt.toString(36)}`;
    if (this.journal.begin({ clientId, orderId: `flatten:${d.id}`, kind: 'adopted', symbol, side: 'sell', type: 'market', amount, price: null, stopPrice: null, positionId: null, sentAt: this.now() })) {
      await this.exchange.createOrder(symbol, 'market', 'sell', amount, undefined, { newClientOrderId: clientId }).catch(() => undefined);
    }
    await this.broker.resolve(this.journal.get(clientId)!);
    const row = this.journal.get(clientId)!;
    if (row.exchangeStatus !== 'closed') throw new Error(`flatten order ${clientId} ended ${row.exchangeStatus ?? 'unknown'}: ${row.lastError ?? ''}`);
    return `sold ${amount} ${symbol} at market`;
  }
}
