// The fill model shared by backtest and paper trading, behind the same Broker port as a live exchange: it
// answers synchronously (inside submit / marketOpened) with the events an exchange would send later.
// Market orders wait for the next candle's open (status open meanwhile); stop orders (the engine has already
// seen the level touched) fill at their price; urgent orders (kill switch, manual close) fill at the last
// known price. Every fill pays adverse slippage (a fixed rate, or the square-root impact model of
// core/slippage.ts from the market conditions the order carries) and the fee rate on its notional, in quote currency.
// Entries sized in quote get qty = quote / (price × (1 + fee)). An order that cannot fill ends rejected with
// the reason: nothing is dropped silently.
import type { Order } from '../../core/trading.js';
import { slippageRate, type SlippageSettings } from '../../core/slippage.js';
import type { Broker, BrokerEvents, SubmitContext } from '../../engine/ports.js';

export interface SimulatedBrokerOptions {
  fee: number;
  slippage: number;
  /** The slippage model; default: the fixed rate `slippage`. */
  slippageModel?: SlippageSettings;
  /** Cash available for a long entry at fill time; a quote larger than this is reduced to it. */
  cash: () => number;
  nextId: (prefix: string) => string;
}

export class SimulatedBroker implements Broker {
  /** Market orders waiting for their symbol's next open, in submission order. */
  private readonly queue: Array<Readonly<Order>> = [];
  private events: BrokerEvents | null = null;

  constructor(private readonly opts: SimulatedBrokerOptions) {}

  connect(events: BrokerEvents): void {
    this.events = events;
  }

  submit(order: Readonly<Order>, context: SubmitContext): void {
    if (order.type === 'stop') {
      this.fill(order, order.price!, order.createdAt);
    } else if (order.urgent && context.lastPrice !== undefined) {
      this.fill(order, context.lastPrice, order.createdAt);
    } else {
      this.queue.push(order);
      this.out.update({ orderId: order.id, status: 'open', time: order.createdAt });
    }
  }

  cancel(order: Readonly<Order>, reason: string): void {
    const i = this.queue.findIndex((o) => o.id === order.id);
    if (i >= 0) this.queue.splice(i, 1);
    // Simulated orders are either queued or already done: a cancel of a queued one always succeeds.
    if (i >= 0) this.out.update({ orderId: order.id, status: 'cancelled', time: order.updatedAt, reason });
  }

  resume(orders: readonly Order[]): void {
    for (const o of orders) if (!this.queue.some((q) => q.id === o.id)) this.queue.push(o);
  }

  /** The queue as it stands, to put back if the engine's step rolls back (orders are the engine's records). */
  checkpoint(): () => void {
    const queue = [...this.queue];
    return () => {
      this.queue.length = 0;
      this.queue.push(...queue);
    };
  }

  marketOpened(symbol: string, time: number, price: number): void {
    // Called on every candle: kept tiny, the fills in their own function (inlining the whole fill path into
    // the kernel's candle loop made each candle allocate and run slower).
    if (this.queue.length > 0) this.fillDue(symbol, time, price);
  }

  private fillDue(symbol: string, time: number, price: number): void {
    const due = this.queue.filter((o) => o.symbol === symbol);
    if (due.length === 0) return;
    for (const o of due) this.queue.splice(this.queue.indexOf(o), 1);
    for (const o of due) this.fill(o, price, time);
  }

  private get out(): BrokerEvents {
    if (!this.events) throw new Error('SimulatedBroker: connect() must be called before orders are sent');
    return this.events;
  }

  private fill(order: Readonly<Order>, reference: number, time: number): void {
    const { fee } = this.opts;
    // The size the impact model sees: the quantity, or for a quote-sized entry what it buys at the reference.
    const size = order.qty ?? (order.quote !== undefined ? order.quote / (reference * (1 + fee)) : 0);
    const slippage = this.opts.slippageModel ? slippageRate(this.opts.slippageModel, size, order.market) : this.opts.slippage;
    const price = order.side === 'buy' ? reference * (1 + slippage) : reference * (1 - slippage);
    let qty = order.qty ?? 0;
    let cashNote = '';
    if (order.quote !== undefined) {
      const cash = this.opts.cash();
      const quote = order.side === 'buy' ? Math.min(order.quote, cash) : order.quote;
      if (quote < order.quote) cashNote = ` (cash ${fmt(cash)} < quote ${fmt(order.quote)})`;
      qty = quote / (price * (1 + fee));
    }
    if (!(qty > 0)) {
      const why = order.quote !== undefined ? `no cash left to buy at ${fmt(price)}${cashNote}` : `nothing to fill (quantity ${fmt(qty)})`;
      this.out.update({ orderId: order.id, status: 'rejected', time, reason: why });
      return;
    }
    this.out.fill({
      id: this.opts.nextId('f'),
      orderId: order.id,
      instanceId: order.instanceId,
      symbol: order.symbol,
      side: order.side,
      purpose: order.purpose,
      qty,
      price,
      fee: qty * price * fee,
      time,
      reason: order.reason,
      exitReason: order.exitReason,
      positionId: order.positionId ?? order.id,
    });
    this.out.update({ orderId: order.id, status: 'filled', time, reason: cashNote ? `filled with the cash left${cashNote}` : undefined });
  }
}

function fmt(n: number): string {
  return Number(n.toPrecision(8)).toString();
}
