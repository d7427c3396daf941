// Cash, open positions and realised trades of one account. Applies fills; knows nothing of candles or modes.
// Longs: entry pays qty×price + fee, exit receives qty×price − fee. Shorts: entry receives qty×price − fee,
// exit pays qty×price + fee. Equity = cash + Σ long qty×mark − Σ short qty×mark.
import type { ClosedTrade, Fill, Position, PositionSide, Protection } from '../core/trading.js';

export interface FillOutcome {
  position: Position;
  change: 'opened' | 'closed';
  trade?: ClosedTrade;
}

export class Portfolio {
  cash: number;
  readonly positions = new Map<string, Position>();
  /** Fees paid over the account's life. */
  feesPaid = 0;
  realisedPnl = 0;

  constructor(initialCash: number) {
    this.cash = initialCash;
  }

  positionOf(instanceId: string): Position | undefined {
    for (const p of this.positions.values()) if (p.instanceId === instanceId) return p;
    return undefined;
  }

  positionsOn(symbol: string): Position[] {
    const out: Position[] = [];
    for (const p of this.positions.values()) if (p.symbol === symbol) out.push(p);
    return out;
  }

  /** Applies an entry or exit fill; `strategy` names the trade's strategy for the record. */
  apply(fill: Fill, strategy: string, protection: Protection = {}): FillOutcome {
    this.feesPaid += fill.fee;
    if (fill.purpose === 'entry') {
      const side: PositionSide = fill.side === 'buy' ? 'long' : 'short';
      this.cash += side === 'long' ? -(fill.qty * fill.price + fill.fee) : fill.qty * fill.price - fill.fee;
      const position: Position = {
        id: fill.positionId,
        instanceId: fill.instanceId,
        symbol: fill.symbol,
        side,
        qty: fill.qty,
        entryPrice: fill.price,
        entryTime: fill.time,
        entryFee: fill.fee,
        protection: { ...protection },
        bestPrice: fill.price,
        candlesHeld: 0,
        lastPrice: fill.price,
      };
      this.positions.set(position.id, position);
      return { position, change: 'opened' };
    }
    const position = this.positions.get(fill.positionId);
    if (!position) throw new Error(`exit fill ${fill.id} for unknown position ${fill.positionId}`);
    const dir = position.side === 'long' ? 1 : -1;
    this.cash += position.side === 'long' ? fill.qty * fill.price - fill.fee : -(fill.qty * fill.price + fill.fee);
    this.positions.delete(position.id);
    const fees = position.entryFee + fill.fee;
    const pnl = dir * (fill.price - position.entryPrice) * position.qty - fees;
    this.realisedPnl += pnl;
    const cost = position.entryPrice * position.qty + position.entryFee;
    const trade: ClosedTrade = {
      id: position.id,
      instanceId: position.instanceId,
      strategy,
      symbol: position.symbol,
      side: position.side,
      qty: position.qty,
      entryTime: position.entryTime,
      exitTime: fill.time,
      entryPrice: position.entryPrice,
      exitPrice: fill.price,
      pnl,
      pnlPct: cost > 0 ? (pnl / cost) * 100 : 0,
      fees,
      exitReason: fill.exitReason ?? 'signal',
    };
    position.lastPrice = fill.price;
    return { position, change: 'closed', trade };
  }

  /** Market value of open positions at their last marked prices (shorts count negative). */
  positionsValue(): number {
    let v = 0;
    for (const p of this.positions.values()) v += (p.side === 'long' ? 1 : -1) * p.qty * p.lastPrice;
    return v;
  }

  equity(): number {
    return this.cash + this.positionsValue();
  }

  /** Gross notional of open positions at last prices. */
  exposure(): number {
    let v = 0;
    for (const p of this.positions.values()) v += p.qty * p.lastPrice;
    return v;
  }

  mark(symbol: string, price: number): void {
    for (const p of this.positions.values()) if (p.symbol === symbol) p.lastPrice = price;
  }
}
