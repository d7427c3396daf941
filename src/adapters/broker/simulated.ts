// The fill model shared by backtest and paper trading. Market orders wait for the next candle's open;
// stop orders (the engine has already seen the level touched) fill at their price; urgent orders (kill
// switch, manual close) fill at the last known price. Every fill pays adverse slippage and the fee rate
// on its notional. Entries sized in quote get qty = quote / (price × (1 + fee)).
import type { Fill, Order } from '../../core/trading.js';
import type { LegacyBroker as Broker } from '../../engine/ports.js';

export interface SimulatedBrokerOptions {
  fee: number;
  slippage: number;
  /** Cash available for a long entry at fill time; a quote larger than this is reduced to it. */
  cash: () => number;
  nextId: (prefix: string) => string;
}

export class SimulatedBroker implements Broker {
  private readonly queue: Order[] = [];
  private handler: (fill: Fill) => void = () => {};

  constructor(private readonly opts: SimulatedBrokerOptions) {}

  onFill(handler: (fill: Fill) => void): void {
    this.handler = handler;
  }

  submit(order: Order, lastPrice?: number): void {
    if (order.type === 'stop') {
      this.fill(order, order.price!, order.createdAt);
    } else if (order.urgent && lastPrice !== undefined) {
      this.fill(order, lastPrice, order.createdAt);
    } else {
      this.queue.push(order);
    }
  }

  candleOpened(symbol: string, time: number, price: number): void {
    if (this.queue.length === 0) return;
    const due = this.queue.filter((o) => o.symbol === symbol);
    if (due.length === 0) return;
    for (const o of due) this.queue.splice(this.queue.indexOf(o), 1);
    for (const o of due) this.fill(o, price, time);
  }

  pending(): Order[] {
    return [...this.queue];
  }

  hasPending(match: (o: Order) => boolean): boolean {
    return this.queue.some(match);
  }

  cancelAll(symbol?: string): Order[] {
    const cancelled = this.queue.filter((o) => symbol === undefined || o.symbol === symbol);
    for (const o of cancelled) this.queue.splice(this.queue.indexOf(o), 1);
    return cancelled;
  }

  private fill(order: Order, reference: number, time: number): void {
    const { fee, slippage } = this.opts;
    const price = order.side === 'buy' ? reference * (1 + slippage) : reference * (1 - slippage);
    let qty = order.qty ?? 0;
    if (order.quote !== undefined) {
      const quote = order.side === 'buy' ? Math.min(order.quote, this.opts.cash()) : order.quote;
      qty = quote / (price * (1 + fee));
    }
    if (!(qty > 0)) return;
    this.handler({
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
  }
}
