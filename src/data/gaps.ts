// Gap report over ascending candle open times: runs of missing timeframe slots between the first and the
// last candle. Gaps are reported, never filled (a missing candle is an exchange outage or a halt).

export interface GapReport {
  /** Runs of consecutive missing candles. */
  gaps: number;
  /** Missing candles in total. */
  missing: number;
  /** The longest run, in candles (0 when there is no gap). */
  largestGap: number;
  /** Open time of the last candle before the longest run, or null. */
  largestGapAfter: number | null;
}

export function emptyGapReport(): GapReport {
  return { gaps: 0, missing: 0, largestGap: 0, largestGapAfter: null };
}

/** Adds the slots missing between `prev` and `next` (consecutive cached candles) to the report. */
export function addGap(report: GapReport, prev: number, next: number, tfMs: number): void {
  const missing = Math.round((next - prev) / tfMs) - 1;
  if (missing <= 0) return;
  report.gaps++;
  report.missing += missing;
  if (missing > report.largestGap) {
    report.largestGap = missing;
    report.largestGapAfter = prev;
  }
}

/** Gaps among `times[0..length)` (ascending open times). */
export function findGaps(times: ArrayLike<number>, length: number, tfMs: number): GapReport {
  const report = emptyGapReport();
  for (let i = 1; i < length; i++) addGap(report, times[i - 1]!, times[i]!, tfMs);
  return report;
}
