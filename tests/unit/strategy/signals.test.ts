import { describe, expect, it } from 'vitest';
import { crossing } from '../../../src/strategy/signals.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('crossing', () => {
  it('is up only when a goes from strictly below b to strictly above it, down for the opposite', () => {
    const a = f(1, 3, 1, 2, 2, 3);
    const b = f(2, 2, 2, 2, 2, 2);
    expect([0, 1, 2, 3, 4, 5].map((i) => crossing(a, b, i))).toEqual([null, 'up', 'down', null, null, null]);
  });
  it('never crosses through NaN (warm-up)', () => {
    expect(crossing(f(NaN, 3), f(2, 2), 1)).toBeNull();
    expect(crossing(f(1, 3), f(NaN, 2), 1)).toBeNull();
  });
});
