// Number formatting for decision reasons ("fast SMA(10) 101.23 crossed above slow SMA(30) 100.80"): two decimals
// for prices and oscillators, four significant digits below 1 so small values (MACD on cheap coins, ATR ratios)
// stay readable. Only called when a Decision is returned (~0.1 µs per number), never per candle.

/**
 * Whether a decision's reason will be read (`input.explain` is not false): build it only then,
 * `reason: explains(input) ? \`…\` : ''`. A year of 1m rsi-macd makes ~39,000 decisions, and their text was a sixth
 * of all the backtest allocated. (Not a callback: a function that creates a closure allocates the variables it
 * captures on every call, decision or not.)
 */
export function explains(input: { explain?: boolean }): boolean {
  return input.explain !== false;
}

export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1 || a === 0) return x.toFixed(2);
  return String(Number(x.toPrecision(4)));
}

/** A fraction as a percentage: 0.0123 → "1.23%". */
export function pct(x: number): string {
  return `${num(x * 100)}%`;
}
