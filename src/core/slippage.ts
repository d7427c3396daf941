// The slippage a simulated fill pays (backtest and paper share it through the simulated broker): a fixed
// rate, or a square-root market-impact model that grows with the order's size against the market's volume
// and with volatility:
//
//   rate = min(maxRate, base + k × σ × √(qty ÷ volume))
//
// where base is the fixed rate (account.slippage: spread and fixed costs), σ the standard deviation of the
// per-candle log returns over the last MARKET_WINDOW closes, volume the last closed candle's volume (base
// units) and qty the order's base quantity (for entries sized in quote: quote ÷ (reference × (1 + fee))).
// Both inputs are taken when the order is sent, from candles already closed, and travel with the order
// (journaled), so a fill after a restart is priced exactly as without it.
export type SlippageModel = 'fixed' | 'sqrt-impact';

export const SLIPPAGE_MODELS: readonly SlippageModel[] = ['fixed', 'sqrt-impact'];

/** Candles behind σ: the last 20 closes' log returns. */
export const MARKET_WINDOW = 20;

export interface SlippageSettings {
  model: SlippageModel;
  /** Fixed part (the whole slippage under `fixed`), a rate: 0.0005 = 0.05%. */
  rate: number;
  /** Impact coefficient k (sqrt-impact). */
  k: number;
  /** Cap on the total rate (sqrt-impact): an order far larger than the volume does not get a price of 0. */
  maxRate: number;
}

/** What the market looked like when an order was sent: the inputs of the impact model. */
export interface MarketConditions {
  /** Volume of the last closed candle (base units). */
  volume: number;
  /** Standard deviation of per-candle log returns over the last MARKET_WINDOW closes (population). */
  sigma: number;
}

/** Conditions at candle `end` (inclusive) of a series, or undefined before there are two closes. */
export function marketConditions(close: ArrayLike<number>, volume: ArrayLike<number>, end: number, window = MARKET_WINDOW): MarketConditions | undefined {
  if (end < 1) return undefined;
  const from = Math.max(1, end - window + 1);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = from; i <= end; i++) {
    const r = Math.log(close[i]! / close[i - 1]!);
    if (!Number.isFinite(r)) continue;
    n++;
    sum += r;
    sumSq += r * r;
  }
  if (n === 0) return undefined;
  const mean = sum / n;
  const sigma = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  return { volume: volume[end]!, sigma };
}

/** The adverse slippage rate of a fill of `qty` (base units) under `s`, given the market when it was sent. */
export function slippageRate(s: SlippageSettings, qty: number, market: MarketConditions | undefined): number {
  if (s.model === 'fixed' || !market) return s.rate;
  if (!(qty > 0)) return s.rate;
  const impact = market.volume > 0 ? s.k * market.sigma * Math.sqrt(qty / market.volume) : Infinity;
  return Math.max(s.rate, Math.min(s.maxRate, s.rate + impact));
}
