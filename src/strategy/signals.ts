// Signal helpers for strategies: the textbook crossover, written once so every strategy (and a trader's own)
// reads it the same way. Allocation-free: called in decide() on every candle.

/**
 * Two series closer than this fraction of their magnitude are tied. Moving averages computed with running
 * sums carry rounding noise around 1e-15..1e-12 relative; an exact tie (e.g. a flat stretch where the fast and
 * slow averages are mathematically equal) would otherwise be decided by that noise, differently from an
 * exact-arithmetic reference and from one platform or summation order to the next. 1e-9 is a thousand times
 * the worst noise measured and still a millionth of a basis point of price (5e-5 at 50,000).
 */
export const TIE_TOLERANCE = 1e-9;

/** −1 when a is below b, +1 above, 0 when tied within TIE_TOLERANCE × max(|a|, |b|); NaN when either is NaN. */
export function compareWithTolerance(a: number, b: number): number {
  const diff = a - b;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (diff > TIE_TOLERANCE * scale) return 1;
  if (diff < -TIE_TOLERANCE * scale) return -1;
  return diff === diff ? 0 : NaN;
}

/**
 * Whether series `a` crossed `b` at candle i: 'up' when a[i-1] is below b[i-1] and a[i] above b[i], 'down'
 * for the opposite, else null. Below/above are decided with a tolerance relative to the values
 * (compareWithTolerance): a tie on either candle — a touch — is no cross; NaN (warm-up) never crosses.
 */
export function crossing(a: Float64Array, b: Float64Array, i: number): 'up' | 'down' | null {
  if (i < 1) return null;
  const before = compareWithTolerance(a[i - 1]!, b[i - 1]!);
  const now = compareWithTolerance(a[i]!, b[i]!);
  if (before === -1 && now === 1) return 'up';
  if (before === 1 && now === -1) return 'down';
  return null;
}
