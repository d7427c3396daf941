import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { defineStrategy } from '../../../src/strategy/contract.js';
import { describeRange, parseParamFlags, resolveParams } from '../../../src/strategy/params.js';
import maCross from '../../../strategies/ma-cross.js';

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('resolveParams', () => {
  it('fills in every default', () => {
    expect(resolveParams(maCross, {})).toEqual({ fast: 10, slow: 30, type: 'sma', short: false });
  });

  it('types string values from the command line', () => {
    expect(resolveParams(maCross, { fast: '5', slow: ' 20 ', type: 'ema', short: 'true' })).toEqual({ fast: 5, slow: 20, type: 'ema', short: true });
    expect(resolveParams(maCross, { short: 'no' }).short).toBe(false);
    expect(resolveParams(maCross, { short: false, fast: 12 })).toMatchObject({ short: false, fast: 12 });
  });

  it('names an unknown key and lists the valid ones, at the given place', () => {
    const e = userError(() => resolveParams(maCross, { fats: 5 }, 'instances[0].params'));
    expect(e.message).toBe('unknown parameter "fats" for strategy ma-cross; valid parameters: fast, slow, type, short');
    expect(e.where).toBe('instances[0].params');
  });

  it('rejects wrong types, out-of-range numbers and unknown choices', () => {
    expect(userError(() => resolveParams(maCross, { fast: 'ten' })).message).toMatch(/fast must be an integer, got "ten"/);
    expect(userError(() => resolveParams(maCross, { fast: '5.5' })).message).toMatch(/fast must be an integer, got 5.5/);
    expect(userError(() => resolveParams(maCross, { fast: '' })).message).toMatch(/fast must be an integer/);
    expect(userError(() => resolveParams(maCross, { fast: 1 })).message).toBe('ma-cross parameter fast must be between 2 and 200, got 1');
    expect(userError(() => resolveParams(maCross, { slow: 401 })).message).toMatch(/between 3 and 400, got 401/);
    expect(userError(() => resolveParams(maCross, { type: 'hma' })).message).toBe('ma-cross parameter type must be one of sma, ema, wma, got "hma"');
    expect(userError(() => resolveParams(maCross, { short: 'maybe' })).message).toMatch(/short must be true or false/);
    expect(userError(() => resolveParams(maCross, { fast: 'Infinity' })).message).toMatch(/fast must be an integer/);
  });

  it('accepts floats for float parameters', () => {
    const s = defineStrategy<{ k: number }>({
      name: 'f',
      description: '',
      timeframe: '1h',
      params: [{ name: 'k', type: 'float', default: 1, min: 0.5, max: 4, description: '' }],
      warmup: () => 0,
      compute: () => ({}),
      decide: () => null,
    });
    expect(resolveParams(s, { k: '2.25' }).k).toBe(2.25);
    expect(userError(() => resolveParams(s, { k: '0.1' })).message).toMatch(/between 0.5 and 4/);
    expect(userError(() => resolveParams(s, { x: '1' })).message).toMatch(/valid parameters: k$/);
  });

  it('applies the strategy\'s cross-parameter rule', () => {
    const e = userError(() => resolveParams(maCross, { fast: 40 }));
    expect(e.message).toBe('ma-cross: fast (40) must be below slow (30)');
    expect(e.where).toBe('--param');
  });
});

describe('parseParamFlags', () => {
  it('reads repeated and comma-separated key=value flags', () => {
    expect(parseParamFlags(['fast=5', 'slow=20,type=ema'])).toEqual({ fast: '5', slow: '20', type: 'ema' });
    expect(parseParamFlags('short=true')).toEqual({ short: 'true' });
    expect(parseParamFlags(undefined)).toEqual({});
  });

  it('rejects a flag without = and a key given twice', () => {
    expect(userError(() => parseParamFlags(['fast'])).message).toBe('expected key=value, got "fast"');
    expect(userError(() => parseParamFlags(['=5'])).message).toMatch(/expected key=value/);
    expect(userError(() => parseParamFlags(['fast=5', 'fast=6'])).message).toBe('parameter "fast" given twice');
  });
});

describe('describeRange', () => {
  it('shows ranges and choices', () => {
    expect(maCross.params.map(describeRange)).toEqual(['2..200', '3..400', 'sma|ema|wma', 'true|false']);
  });
});
