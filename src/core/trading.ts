// Trading domain types shared by every mode. Plain serialisable data only.
import type { MarketConditions } from './slippage.js';

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

/**
 * Life of an order. The engine owns the record (engine/execution.ts); brokers move it with evidence.
 *
 *   intent ──journal──▶ submitted ──ack──▶ open ──fill──▶ partially_filled ──fill──▶ filled
 *                         │  (in flight:       │                 │
 *                         │   sent, no answer) ├──cancel──▶ pending_cancel ──▶ cancelled (or filled)
 *                         └──────────────────▶ rejected | expired | cancelled | filled
 *
 * - `intent`: decided and vetted by risk, not yet journaled; nothing has left the process.
 * - `submitted`: journaled (client id in SQLite) and handed to the broker; the exchange may or may not have it.
 *   A timeout or a 5xx leaves the order here: it is resolved by looking it up by client id, never by resending.
 * - `open` / `partially_filled`: the exchange acknowledged it; `filledQty` grows with each fill.
 * - `pending_cancel`: a cancel was requested; fills may still arrive until the exchange confirms.
 * - Terminal states (`filled`, `cancelled`, `rejected`, `expired`) are reached only from broker evidence
 *   (an exchange answer, or the simulator's own decision) — never assumed by the engine.
 */
export type OrderStatus =
  | 'intent'
  | 'submitted'
  | 'open'
  | 'partially_filled'
  | 'pending_cancel'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired';

export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['filled', 'cancelled', 'rejected', 'expired'];

export function isTerminalStatus(s: OrderStatus): boolean {
  return s === 'filled' || s === 'cancelled' || s === 'rejected' || s === 'expired';
}

/**
 * What the engine asks a broker to do: the order as decided, before any exchange evidence.
 * Market orders fill at the next candle's open in simulation, at market on an exchange.
 */
export interface OrderRequest {
  /** tradetui's id for the order, unique per account (also the journal's primary key). */
  id: string;
  /**
   * The client order id sent to the exchange: deterministic per intent (a retry after a crash sends the same
   * one), at most 36 characters of [.A-Za-z0-9:/_-] (Binance's rule). Never one invented by ccxt.
   */
  clientId: string;
  instanceId: string;
  symbol: string;
  side: Side;
  /** `stop`: an exit whose level the engine saw touched (simulated: fills at `price`). */
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
  /** The position this exit closes (entries: the position they open, which takes the entry's id). */
  positionId?: string;
  /** Fill at the last known price now (kill switch, manual close) instead of the next open. */
  urgent?: boolean;
  /**
   * A protective stop resting on the exchange (type `stop`, `price` the trigger): the exchange sells when the
   * price reaches it, also while tradetui is down. Only made for brokers that keep stops (Broker.restingStops).
   */
  resting?: boolean;
  /** Entry protection carried to the position when it fills. */
  protection?: Protection;
  /** The market when the order was sent (last closed candle's volume, recent volatility): simulated impact. */
  market?: MarketConditions;
  createdAt: number;
}

/** An order record: the request plus what is known of it so far. Plain data, journaled on every change. */
export interface Order extends OrderRequest {
  status: OrderStatus;
  /** Base quantity filled so far (sum of the fills booked for this order). */
  filledQty: number;
  /** Volume-weighted average fill price so far; 0 before the first fill. */
  avgPrice: number;
  /** Fees paid so far valued in quote currency (what P&L uses). */
  fees: number;
  /** Fees as charged, per currency ("USDT", "BTC", "BNB"), for the balances. */
  feesByCurrency: Record<string, number>;
  /** The exchange's own order id once known (live); absent for simulated orders. */
  exchangeId?: string;
  /** Time of the last change (broker or engine clock). */
  updatedAt: number;
  /** Why the order ended as it did (rejection message, cancel reason) or why it is in doubt. */
  statusReason?: string;
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

/**
 * One execution of (part of) an order. An order may have several; the portfolio books each one.
 * `fee` is valued in quote currency for P&L. When the exchange charged it in another currency,
 * `feeCurrency`/`feeAmount` say what was actually taken: a fee in the base currency reduces the
 * quantity received (and so what can be sold); in a third currency (BNB) it touches neither.
 */
export interface Fill {
  id: string;
  orderId: string;
  instanceId: string;
  symbol: string;
  side: Side;
  purpose: OrderPurpose;
  qty: number;
  price: number;
  /** Fee valued in quote currency. */
  fee: number;
  /** Currency the fee was charged in; absent = the quote currency. */
  feeCurrency?: string;
  /** Fee amount in `feeCurrency` (absent when it is the quote currency: then it equals `fee`). */
  feeAmount?: number;
  /** The exchange's trade id: fills are de-duplicated by it (live); absent for simulated fills. */
  tradeId?: string;
  time: number;
  reason: string;
  exitReason?: ExitReason;
  positionId: string;
}

/** Base and quote currencies of a unified ccxt symbol ("BTC/USDT" → BTC, USDT; "BTC/USDT:USDT" too). */
export function currenciesOf(symbol: string): Readonly<{ base: string; quote: string }> {
  // Asked on every fill (two splits and an object each): remembered per symbol, one frozen answer each.
  let c = CURRENCIES.get(symbol);
  if (!c) {
    const [base = symbol, rest = ''] = symbol.split('/');
    c = Object.freeze({ base, quote: rest.split(':')[0] ?? rest });
    if (CURRENCIES.size < 10_000) CURRENCIES.set(symbol, c);
  }
  return c;
}

const CURRENCIES = new Map<string, Readonly<{ base: string; quote: string }>>();

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
