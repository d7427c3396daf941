// The execution layer's rules: how an order record may move (the state machine in core/trading.ts), how a
// new record and its deterministic client id are made, and how a broker's report changes a record. Pure
// functions over plain data, so the kernel, the journal and a live broker's reconciliation agree on them.
import type { Fill, Order, OrderRequest, OrderStatus } from '../core/trading.js';
import { isTerminalStatus } from '../core/trading.js';
import type { OrderUpdate } from './ports.js';

/** Allowed moves. A fill moves submitted/open to partially_filled (see applyFill); the rest come from brokers. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  // A broker may refuse an order locally before it leaves (exchange rules): intent → rejected.
  intent: ['submitted', 'rejected'],
  // In flight: the answer (or the lookup after a timeout) can be anything.
  submitted: ['open', 'partially_filled', 'filled', 'pending_cancel', 'cancelled', 'rejected', 'expired'],
  open: ['partially_filled', 'filled', 'pending_cancel', 'cancelled', 'expired'],
  partially_filled: ['filled', 'pending_cancel', 'cancelled', 'expired'],
  // A cancel the exchange refused because the order is still working puts it back where it was.
  pending_cancel: ['open', 'partially_filled', 'filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return from === to ? !isTerminalStatus(from) : NEXT[from].includes(to);
}

export class OrderTransitionError extends Error {
  constructor(
    readonly order: Readonly<Order>,
    readonly to: OrderStatus,
  ) {
    super(`order ${order.id} (${order.clientId}) cannot go from ${order.status} to ${to}`);
    this.name = 'OrderTransitionError';
  }
}

/** Binance's rule, the strictest of the major exchanges: at most 36 characters of [.A-Za-z0-9:/_-]. */
export const CLIENT_ID_PATTERN = /^[.A-Za-z0-9:/_-]{1,36}$/;

/**
 * The client order id of an intent: the same decision gives the same id, so an order re-created after a
 * crash is recognised by the exchange (and by a lookup) instead of being placed twice. The parts that make
 * an intent: instance, purpose, side, the position it opens or closes, the exit reason and the decision
 * time (and whether it is a stop resting on the exchange). `prefix` (≤ 6 chars of [A-Za-z0-9]) tells apart engines sharing one exchange account.
 */
export function clientOrderId(req: Omit<OrderRequest, 'id' | 'clientId'>, prefix = DEFAULT_PREFIX): string {
  if (prefix !== DEFAULT_PREFIX && !/^[A-Za-z0-9]{1,6}$/.test(prefix)) throw new Error(`client id prefix "${prefix}" must be 1-6 letters or digits`);
  // The hash of `${instanceId}|${purpose}|${side}|${positionId ?? ''}|${exitReason ?? ''}|${createdAt}` (+ `|resting`
  // for a stop resting on the exchange: a different intent from the exit sent when the engine sees it touched), fed part by
  // part (every backtest order makes one id: no joined string to build and flatten). 32-bit FNV-1a with two
  // seeds (64 bits, plenty to tell apart one account's intents), both in one pass.
  hashA = 0x811c9dc5;
  hashB = 0x01000193 ^ 0x5bd1e995;
  feed(req.instanceId);
  feedBar();
  feed(req.purpose);
  feedBar();
  feed(req.side);
  feedBar();
  if (req.positionId !== undefined && req.positionId !== null) feed(req.positionId);
  feedBar();
  if (req.exitReason !== undefined && req.exitReason !== null) feed(req.exitReason);
  feedBar();
  feedTime(req.createdAt);
  if (req.resting === true) {
    feedBar();
    feed('resting');
  }
  // prefix(≤6) + '-' + time base36 (≤9 until year 5188) + '-' + 16 hex = ≤ 33 characters
  return `${prefix}-${Math.max(0, Math.floor(req.createdAt)).toString(36)}-${hex8(hashA)}${hex8(hashB)}`;
}

let hashA = 0;
let hashB = 0;

function feed(s: string): void {
  let a = hashA;
  let b = hashB;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  hashA = a;
  hashB = b;
}

/** feed(String(t)) for a time in ms, without making the string (one per order of a backtest). */
function feedTime(t: number): void {
  if (!(Number.isSafeInteger(t) && t >= 0)) return feed(String(t));
  let n = 0;
  do {
    DIGITS[n++] = 48 + (t % 10);
    t = Math.floor(t / 10);
  } while (t > 0);
  let a = hashA;
  let b = hashB;
  while (n > 0) {
    const c = DIGITS[--n]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  hashA = a;
  hashB = b;
}

/** Decimal digits of a safe integer, least significant first. */
const DIGITS = new Uint8Array(16);

function feedBar(): void {
  hashA = Math.imul(hashA ^ 0x7c, 0x01000193);
  hashB = Math.imul(hashB ^ 0x7c, 0x01000193);
}

const DEFAULT_PREFIX = 'tt';
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A 32-bit value as 8 hex digits. */
function hex8(h: number): string {
  return HEX_BYTE[h >>> 24]! + HEX_BYTE[(h >>> 16) & 255]! + HEX_BYTE[(h >>> 8) & 255]! + HEX_BYTE[h & 255]!;
}

/**
 * A new order record in state `intent`: `req` itself becomes the record (pass a fresh object). Not a copy such as
 * `{ ...req, status, … }`, which V8 runs on a slow path: microseconds per order on the backtest loop.
 */
export function newOrder(req: OrderRequest): Order {
  const o = req as Order;
  o.status = 'intent';
  o.filledQty = 0;
  o.avgPrice = 0;
  o.fees = 0;
  o.feesByCurrency = {};
  o.updatedAt = req.createdAt;
  return o;
}

/** Moves `order` to `to` (mutates it). Throws OrderTransitionError on a move the state machine forbids. */
export function transition(order: Order, to: OrderStatus, time: number, reason?: string): void {
  if (!canTransition(order.status, to)) throw new OrderTransitionError(order, to);
  order.status = to;
  order.updatedAt = Math.max(order.updatedAt, time);
  if (reason !== undefined) order.statusReason = reason;
}

/**
 * Applies a broker's status report. Returns false (and changes nothing) for a report that repeats the
 * current state with nothing new; throws OrderTransitionError for one the state machine forbids.
 */
export function applyUpdate(order: Order, u: OrderUpdate): boolean {
  if (u.exchangeId !== undefined) order.exchangeId = u.exchangeId;
  if (order.status === u.status && isTerminalStatus(u.status)) return false;
  transition(order, u.status, u.time, u.reason);
  return true;
}

/**
 * Books a fill on its order: quantity, average price, fees (in quote and per currency). The first fill of
 * an order in flight or open makes it partially_filled; only the broker's `filled` report ends it. A fill on
 * a terminal order is refused: brokers report fills before the terminal update.
 */
export function applyFill(order: Order, f: Fill, quoteCurrency: string): void {
  if (isTerminalStatus(order.status)) throw new OrderTransitionError(order, order.status);
  const qty = order.filledQty + f.qty;
  order.avgPrice = qty > 0 ? (order.avgPrice * order.filledQty + f.price * f.qty) / qty : 0;
  order.filledQty = qty;
  order.fees += f.fee;
  const currency = f.feeCurrency ?? quoteCurrency;
  const amount = f.feeAmount ?? f.fee;
  if (amount !== 0) order.feesByCurrency[currency] = (order.feesByCurrency[currency] ?? 0) + amount;
  order.updatedAt = Math.max(order.updatedAt, f.time);
  if (order.status === 'submitted' || order.status === 'open') order.status = 'partially_filled';
}

/** Orders still working: they hold a risk reservation and may fill. */
export function isLive(order: Readonly<Order>): boolean {
  return !isTerminalStatus(order.status);
}
