import { describe, expect, it } from 'vitest';
import { isAligned, parseDate, parseTimeframe } from '../../../src/core/time.js';
import { UserError } from '../../../src/core/errors.js';

describe('parseDate', () => {
  it('reads dates without a zone as UTC, with T or a space', () => {
    expect(parseDate('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(parseDate('2024-01-01T10:00:00')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseDate('2024-01-01 10:00:00')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseDate('2024-01-01T10:00:00+02:00')).toBe(Date.UTC(2024, 0, 1, 8));
  });
  it('takes small numbers as epoch seconds and large ones as milliseconds', () => {
    expect(parseDate('1704067200')).toBe(Date.UTC(2024, 0, 1));
    expect(parseDate('1704067200000')).toBe(Date.UTC(2024, 0, 1));
  });
  it('names the place of a date it cannot read', () => {
    expect(() => parseDate('yesterday', '--from')).toThrow(UserError);
    try {
      parseDate('2024-13-45', '--from');
    } catch (e) {
      expect((e as UserError).where).toBe('--from');
    }
  });
});

describe('timeframes', () => {
  it('rejects unknown timeframes with the list of valid ones', () => {
    expect(() => parseTimeframe('7m', '--timeframe')).toThrow(/1m, 3m/);
  });
  it('aligns weekly candles on Mondays', () => {
    expect(isAligned(Date.UTC(2024, 0, 1), '1w')).toBe(true); // a Monday
    expect(isAligned(Date.UTC(2024, 0, 4), '1w')).toBe(false);
    expect(isAligned(Date.UTC(2024, 0, 1, 1), '1h')).toBe(true);
    expect(isAligned(Date.UTC(2024, 0, 1, 1, 30), '1h')).toBe(false);
  });
});
