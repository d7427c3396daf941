// Trading domain types shared by every mode. Plain serialisable data only.

export type Side = 'buy' | 'sell';
export type PositionSide = 'long' | 'short';

/** What a strategy says after a closed candle. `null` from decide() means "nothing". */
export interface Decision {
  action: 'enter-long' | 'enter-short' | 'exit';
  /** Human-readable why, with the indicator values behind it: "fast 101.2 crossed above slow 100.8". */
  reason: string;
  /** Protective stop price the strategy proposes; the risk layer keeps the tighter of this and its own. */
  stop?: number;
  takeProfit?: number;
  /** 0..1, for ML or graded signals; used by confidence-scaled sizing. */
  confidence?: number;
  /** Scales the default size (e.g. high-risk uses > 1); the risk layer still clips it. */
  sizeMultiplier?: number;
}

export type OrderPurpose = 'entry' | 'exit';
export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'trailing_stop' | 'break_even' | 'time' | 'end' | 'manual' | 'kill';

/** An order as the engine hands it to a broker. Market orders fill at the next candle's open. */
export interface Order {
  id: string;
  instanceId: string;
  symbol: string;
  side: Side;
  type: 'market' | 'stop';
  purpose: OrderPurpose;
  /** Base quantity; for entries sized in quote, the broker derives it at fill time from `quote`. */
  qty?: number;
  /** Quote amount to spend on an entry, fees included: qty = quote / (fillPrice × (1 + fee)). */
  quote?: number;
  /** Trigger price for stop orders (exits at stop, take-profit, trailing). */
  price?: number;
  reason: string;
  exitReason?: ExitReason;
  /** The position this exit closes. */
  positionId?: string;
  /** Fill at the last known price now (kill switch, manual close) instead of the next open. */
  urgent?: boolean;
  /** Entry protection carried to the position when it fills. */
  protection?: Protection;
  createdAt: number;
}

/** Exit levels attached to a position; prices, not percentages. */
export interface Protection {
  stop?: number;
  takeProfit?: number;
  /** Trailing distance as a fraction of the best price (0.02 = 2%) ... */
  trailingPct?: number;
  /** ... or as an absolute price distance (ATR × multiple, fixed at entry). */
  trailingDistance?: number;
  /** Move the stop to the entry price once price has moved this fraction in favour. */
  breakEvenPct?: number;
  /** Close after this many candles in the trade. */
  maxCandles?: number;
  /** Set when the stop was moved to the entry price, so its exit is reported as break-even. */
  stopAtBreakEven?: boolean;
}

export interface Fill {
  id: string;
  orderId: string;
  instanceId: string;
  symbol: string;
  side: Side;
  purpose: OrderPurpose;
  qty: number;
  price: number;
  fee: number;
  time: number;
  reason: string;
  exitReason?: ExitReason;
  positionId: string;
}

export interface Position {
  id: string;
  instanceId: string;
  symbol: string;
  side: PositionSide;
  qty: number;
  entryPrice: number;
  entryTime: number;
  entryFee: number;
  protection: Protection;
  /** Best price seen since entry (highest for longs, lowest for shorts); drives trailing and break-even. */
  bestPrice: number;
  candlesHeld: number;
  lastPrice: number;
}

export interface ClosedTrade {
  id: string;
  instanceId: string;
  strategy: string;
  symbol: string;
  side: PositionSide;
  qty: number;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  /** Net of both fees, in quote currency. */
  pnl: number;
  /** pnl ÷ (entry notional + entry fee) × 100. */
  pnlPct: number;
  fees: number;
  exitReason: ExitReason;
}

export function unrealisedPnl(p: Position, price: number): number {
  const dir = p.side === 'long' ? 1 : -1;
  return (price - p.entryPrice) * p.qty * dir;
}
