// An exchange's order rules for one market (from ccxt's loadMarkets) applied before an order is sent:
// amount down to the step, price to the tick, minimum quantity and minimum notional with a small reserve
// (the price moves between our check and the exchange's). An order that cannot meet them is refused here,
// with the reason, instead of by the exchange.

export interface MarketRules {
  symbol: string;
  /** Amount step (lot size) and price tick, as numbers (0.00001, 0.01). */
  amountStep: number;
  priceTick: number;
  minAmount: number;
  maxAmount: number;
  /** Minimum notional (price × amount) in quote; 0 if none. */
  minNotional: number;
}

/** ccxt's precision modes (ccxt/js/src/base/functions/number.js). */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

interface CcxtMarketLike {
  symbol: string;
  precision: { amount?: number | undefined; price?: number | undefined };
  limits: { amount?: { min?: number | undefined; max?: number | undefined }; cost?: { min?: number | undefined } };
}

/** Rules from a ccxt market; `precisionMode` is the exchange's (TICK_SIZE for Binance). */
export function rulesFromMarket(m: CcxtMarketLike, precisionMode: number): MarketRules {
  const step = (p: number | undefined): number => {
    if (p === undefined || !(p > 0 || p === 0)) return 0;
    if (precisionMode === TICK_SIZE) return p;
    if (precisionMode === DECIMAL_PLACES) return 10 ** -p;
    return 0; // significant digits: no fixed grid
  };
  return {
    symbol: m.symbol,
    amountStep: step(m.precision.amount),
    priceTick: step(m.precision.price),
    minAmount: m.limits.amount?.min ?? 0,
    maxAmount: m.limits.amount?.max ?? Infinity,
    minNotional: m.limits.cost?.min ?? 0,
  };
}

/** Rounds down to a multiple of step (0: unchanged), without float dust (0.30000000000000004). */
export function floorToStep(x: number, step: number): number {
  if (!(step > 0)) return x;
  const n = Math.floor(x / step + 1e-9);
  return Number((n * step).toFixed(decimals(step)));
}

export function roundToStep(x: number, step: number): number {
  if (!(step > 0)) return x;
  return Number((Math.round(x / step) * step).toFixed(decimals(step)));
}

function decimals(step: number): number {
  const s = step.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

export type Checked = { ok: true; amount: number; price?: number } | { ok: false; reason: string };

/**
 * The order as the exchange will accept it, or why not. `refPrice` values a market order's notional;
 * `reserve` (0.05 = 5%) is added to the minimum notional so a small move does not get it refused.
 */
export function applyRules(rules: MarketRules, order: { amount: number; price?: number; refPrice: number }, reserve = 0.05): Checked {
  const amount = floorToStep(order.amount, rules.amountStep);
  const price = order.price !== undefined ? roundToStep(order.price, rules.priceTick) : undefined;
  if (!(amount > 0) || amount < rules.minAmount) {
    return { ok: false, reason: `${rules.symbol}: amount ${order.amount} is below the exchange's minimum ${rules.minAmount} (step ${rules.amountStep})` };
  }
  if (amount > rules.maxAmount) return { ok: false, reason: `${rules.symbol}: amount ${amount} is above the exchange's maximum ${rules.maxAmount}` };
  const notional = amount * (price ?? order.refPrice);
  const needed = rules.minNotional * (1 + reserve);
  if (rules.minNotional > 0 && notional < needed) {
    return { ok: false, reason: `${rules.symbol}: order value ${notional.toFixed(2)} is below the exchange's minimum ${rules.minNotional} (+${Math.round(reserve * 100)}% reserve = ${needed.toFixed(2)})` };
  }
  return price !== undefined ? { ok: true, amount, price } : { ok: true, amount };
}
