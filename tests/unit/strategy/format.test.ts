import { describe, expect, it } from 'vitest';
import { num, pct } from '../../../src/strategy/format.js';

describe('num', () => {
  it('formats values >= 1 with two decimals', () => {
    expect(num(101.234)).toBe('101.23');
    expect(num(100.8)).toBe('100.80');
    expect(num(-55.006)).toBe('-55.01');
    expect(num(1)).toBe('1.00');
    expect(num(0)).toBe('0.00');
    expect(num(67012.3)).toBe('67012.30');
  });

  it('keeps four significant digits below 1, without trailing zeros', () => {
    expect(num(0.1996)).toBe('0.1996');
    expect(num(0.19964)).toBe('0.1996');
    expect(num(-0.012345)).toBe('-0.01235');
    expect(num(0.5)).toBe('0.5');
    expect(num(0.000012346)).toBe('0.00001235');
  });

  it('passes non-finite values through', () => {
    expect(num(NaN)).toBe('NaN');
    expect(num(-Infinity)).toBe('-Infinity');
  });
});

describe('pct', () => {
  it('formats fractions as percentages', () => {
    expect(pct(0.0123)).toBe('1.23%');
    expect(pct(0.01)).toBe('1.00%');
    expect(pct(0.001234)).toBe('0.1234%');
  });
});
