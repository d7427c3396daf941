// Cash, open positions and realised trades of one account. Applies fills; knows nothing of candles or modes.
// Longs: entry pays qty×price + fee, exit receives qty×price − fee. Shorts: entry receives qty×price − fee,
// exit pays qty×price + fee. Equity = cash + Σ long qty×mark − Σ short qty×mark.
import type { ClosedTrade, Fill, Position, PositionSide, Protection } from '../core/trading.js';
import { currenciesOf } from '../core/trading.js';
import { SmallMap } from '../core/small-map.js';

/** What is left of a position after its exits, as a fraction of its size, that counts as flat (rounding). */
const DUST = 1e-9;

export interface FillOutcome {
  position: Position;
  /** opened: first entry fill; increased: a later entry fill; reduced: part of an exit; closed: flat. */
  change: 'opened' | 'increased' | 'reduced' | 'closed';
  trade?: ClosedTrade;
}

/** Exit fills booked on a position not yet flat: a trade is recorded when the last unit is sold. */
interface PartialExit {
  qty: number;
  value: number;
  fees: number;
  /** The position's quantity before its first exit fill (the trade's size). */
  entryQty: number;
}

export class Portfolio {
  cash: number;
  readonly positions = new Map<string, Position>();
  /** The same positions as an array: per-candle loops over it allocate no iterator. */
  private open: Position[] = [];
  private readonly exits = new SmallMap<string, PartialExit>();
  /** Fees paid over the account's life, valued in quote currency. */
  feesPaid = 0;
  /** Fees charged in a currency other than the pair's (e.g. BNB): counted in P&L, not taken from cash. */
  readonly otherFees: Record<string, number> = {};
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

  /**
   * Books one fill (of possibly several for an order); `strategy` names the trade's strategy for the record.
   * Entry fills open the position or add to it at the average price; exit fills reduce it, and the trade is
   * recorded when it is flat, at the exits' average price with every fill's fee.
   * Fees: in quote currency they move cash; in the base currency they reduce the quantity held (a buy
   * delivers qty − fee, so less can be sold); in a third currency they move neither (P&L still counts them).
   */
  apply(fill: Fill, strategy: string, protection: Protection = {}): FillOutcome {
    this.feesPaid += fill.fee;
    const { base, quote } = currenciesOf(fill.symbol);
    const feeIn = fill.feeCurrency ?? quote;
    const quoteFee = feeIn === quote ? fill.fee : 0;
    const baseFee = feeIn === base ? (fill.feeAmount ?? 0) : 0;
    if (feeIn !== quote && feeIn !== base) this.otherFees[feeIn] = (this.otherFees[feeIn] ?? 0) + (fill.feeAmount ?? 0);
    // Base received (+) or given (−) by this fill, and quote likewise.
    const baseDelta = (fill.side === 'buy' ? fill.qty : -fill.qty) - baseFee;
    this.cash += (fill.side === 'buy' ? -1 : 1) * fill.qty * fill.price - quoteFee;

    if (fill.purpose === 'entry') {
      const side: PositionSide = fill.side === 'buy' ? 'long' : 'short';
      const qty = Math.abs(baseDelta);
      const held = this.positions.get(fill.positionId);
      if (held) {
        const total = held.qty + qty;
        // Average entry over the base actually paid for (fill.qty), so the base fee shows in P&L once.
        held.entryPrice = total > 0 ? (held.entryPrice * held.qty + fill.price * qty) / total : held.entryPrice;
        held.qty = total;
        held.entryFee += fill.fee;
        held.lastPrice = fill.price;
        return { position: held, change: 'increased' };
      }
      const position: Position = {
        id: fill.positionId,
        instanceId: fill.instanceId,
        symbol: fill.symbol,
        side,
        qty,
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
    let exit = this.exits.get(position.id);
    if (!exit) this.exits.set(position.id, (exit = { qty: 0, value: 0, fees: 0, entryQty: position.qty }));
    exit.qty += fill.qty;
    exit.value += fill.qty * fill.price;
    exit.fees += fill.fee;
    // A long's exit sells base; a short's exit buys it back (net of a base fee).
    position.qty = Math.max(0, position.side === 'long' ? position.qty + baseDelta : position.qty - baseDelta);
    position.lastPrice = fill.price;
    if (position.qty > DUST * exit.entryQty) return { position, change: 'reduced' };

    this.positions.delete(position.id);
    this.exits.delete(position.id);
    this.open = this.open.filter((p) => p !== position);
    const dir = position.side === 'long' ? 1 : -1;
    // One exit fill (always, in simulation): its price as is, so figures do not move by a rounding step.
    const exitPrice = exit.qty === fill.qty || !(exit.qty > 0) ? fill.price : exit.value / exit.qty;
    const fees = position.entryFee + exit.fees;
    const pnl = dir * (exitPrice - position.entryPrice) * exit.entryQty - fees;
    this.realisedPnl += pnl;
    const cost = position.entryPrice * exit.entryQty + position.entryFee;
    position.qty = exit.entryQty;
    const trade: ClosedTrade = {
      id: position.id,
      instanceId: position.instanceId,
      strategy,
      symbol: position.symbol,
      side: position.side,
      qty: exit.entryQty,
      entryTime: position.entryTime,
      exitTime: fill.time,
      entryPrice: position.entryPrice,
      exitPrice,
      pnl,
      pnlPct: cost > 0 ? (pnl / cost) * 100 : 0,
      fees,
      exitReason: fill.exitReason ?? 'signal',
    };
    return { position, change: 'closed', trade };
  }

  /**
   * Everything a step may change, to put back if the step's transaction rolls back (disk full): the same
   * position objects get their values back, so nothing holding one sees a stale copy.
   */
  checkpoint(): () => void {
    const cash = this.cash;
    const feesPaid = this.feesPaid;
    const realisedPnl = this.realisedPnl;
    const otherFees = { ...this.otherFees };
    const positions = [...this.positions.values()].map((p) => ({ ref: p, value: { ...p, protection: { ...p.protection } } }));
    const exits = this.exits.entries().map(([id, e]) => [id, { ...e }] as const);
    return () => {
      this.cash = cash;
      this.feesPaid = feesPaid;
      this.realisedPnl = realisedPnl;
      for (const k of Object.keys(this.otherFees)) delete this.otherFees[k];
      Object.assign(this.otherFees, otherFees);
      this.positions.clear();
      for (const { ref, value } of positions) this.positions.set(ref.id, Object.assign(ref, value, { protection: { ...value.protection } }));
      this.open = [...this.positions.values()];
      this.exits.clear();
      for (const [id, e] of exits) this.exits.set(id, { ...e });
    };
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
