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
  /** The same positions as an array: per-candle loops over it allocate no iterator. */
  private open: Position[] = [];
  /** Fees paid over the account's life. */
  feesPaid = 0;
  realisedPnl = 0;

  constructor(initialCash: number) {
    this.cash = initialCash;
  }

  positionOf(instanceId: string): Position | undefined {
    const open = this.open;
    for (let i = 0; i < open.length; i++) if (open[i]!.instanceId === instanceId) return open[i];
    return undefined;
  }

  /** Open positions on `symbol` (a new array: safe to close positions while going through it). */
  positionsOn(symbol: string): Position[] {
    return this.open.filter((p) => p.symbol === symbol);
  }

  /**
   * The open positions, no copy. Opening or closing replaces the array rather than changing it, so a loop
   * over the returned array may close positions as it goes.
   */
  openPositions(): readonly Position[] {
    return this.open;
  }

  /** Puts back a stored position (restart). */
  restorePosition(p: Position): void {
    this.positions.set(p.id, p);
    this.open = [...this.positions.values()];
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
      this.open = [...this.open, position];
      return { position, change: 'opened' };
    }
    const position = this.positions.get(fill.positionId);
    if (!position) throw new Error(`exit fill ${fill.id} for unknown position ${fill.positionId}`);
    const dir = position.side === 'long' ? 1 : -1;
    this.cash += position.side === 'long' ? fill.qty * fill.price - fill.fee : -(fill.qty * fill.price + fill.fee);
    this.positions.delete(position.id);
    this.open = this.open.filter((p) => p !== position);
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
    const open = this.open;
    for (let i = 0; i < open.length; i++) {
      const p = open[i]!;
      v += (p.side === 'long' ? 1 : -1) * p.qty * p.lastPrice;
    }
    return v;
  }

  equity(): number {
    return this.cash + this.positionsValue();
  }

  /** Gross notional of open positions at last prices. */
  exposure(): number {
    let v = 0;
    for (const p of this.open) v += p.qty * p.lastPrice;
    return v;
  }

  mark(symbol: string, price: number): void {
    const open = this.open;
    for (let i = 0; i < open.length; i++) if (open[i]!.symbol === symbol) open[i]!.lastPrice = price;
  }
}
