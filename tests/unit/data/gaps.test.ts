import { describe, expect, it } from 'vitest';
import { findGaps } from '../../../src/data/gaps.js';

describe('findGaps', () => {
  it('counts runs of missing slots, the missing total and the longest run with the candle before it', () => {
    const t = [0, 1, 2, 5, 6, 9, 10, 11, 16].map((i) => i * 60_000);
    expect(findGaps(t, t.length, 60_000)).toEqual({ gaps: 3, missing: 2 + 2 + 4, largestGap: 4, largestGapAfter: 11 * 60_000 });
  });

  it('reports nothing for contiguous, single or empty series', () => {
    expect(findGaps([0, 60_000, 120_000], 3, 60_000).gaps).toBe(0);
    expect(findGaps([0], 1, 60_000)).toEqual({ gaps: 0, missing: 0, largestGap: 0, largestGapAfter: null });
    expect(findGaps([], 0, 60_000).gaps).toBe(0);
  });
});
