// Signal helpers for strategies: the textbook crossover, written once so every strategy (and a trader's own)
// reads it the same way. Allocation-free: called in decide() on every candle.

/**
 * Whether series `a` crossed `b` at candle i: 'up' when a[i-1] < b[i-1] and a[i] > b[i], 'down' for the
 * opposite, else null. Equality on either candle is no cross; NaN (warm-up) never crosses.
 */
export function crossing(a: Float64Array, b: Float64Array, i: number): 'up' | 'down' | null {
  if (i < 1) return null;
  const a0 = a[i - 1]!;
  const b0 = b[i - 1]!;
  const a1 = a[i]!;
  const b1 = b[i]!;
  if (a0 < b0 && a1 > b1) return 'up';
  if (a0 > b0 && a1 < b1) return 'down';
  return null;
}
