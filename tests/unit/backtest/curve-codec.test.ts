// The compact curve form gives back every bit of every value (NaN, -0, infinities, subnormals, times with
// gaps and odd milliseconds), is small for curves with flat stretches, and refuses words that are not its form.
import { describe, expect, it } from 'vitest';
import { CurveScratch, decodeCurve, encodeCurve } from '../../../src/backtest/curve-codec.js';
import { mulberry32 } from '../../../src/core/random.js';

function bitsOf(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

function roundTrip(values: Float64Array, scratch?: CurveScratch): Float64Array {
  const words = encodeCurve(values, scratch);
  const back = decodeCurve(Float64Array.from(words));
  expect(bitsOf(back)).toBe(bitsOf(values));
  return words;
}

describe('curve codec', () => {
  it('round-trips odd values bit for bit', () => {
    const odd = [NaN, -0, 0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 1 / 3, 0.1 + 0.2, 2 ** 53, -(2 ** 60), 1e300];
    roundTrip(Float64Array.from(odd));
    // Repeated odd values become runs, still exact (-0 is not 0 and NaN repeats as NaN).
    roundTrip(Float64Array.from(odd.flatMap((v) => [v, v, v, v])));
    roundTrip(Float64Array.from([0, -0, 0, -0, -0, -0, 0, 0, 0]));
    // A NaN with another payload is a different value.
    const nan2 = new Float64Array(4);
    new Uint32Array(nan2.buffer).set([1, 0x7ff80000, 2, 0x7ff80000, 1, 0x7ff80000, 1, 0x7ff80000]);
    roundTrip(nan2);
  });

  it('round-trips the empty curve and one value', () => {
    roundTrip(new Float64Array(0));
    roundTrip(Float64Array.of(42));
  });

  it('stores gapless candle times as one run, and times with gaps exactly', () => {
    const t0 = Date.UTC(2025, 5, 1, 17, 23);
    const times = Float64Array.from({ length: 100_000 }, (_, i) => t0 + i * 60_000);
    expect(roundTrip(times).length).toBeLessThan(10);
    const gappy = Float64Array.from({ length: 10_000 }, (_, i) => t0 + i * 60_000 + (i > 5000 ? 37 * 60_000 : 0) + (i % 977 === 0 ? 7 : 0));
    roundTrip(gappy);
    // Times that are not safe whole numbers fall back to plain values.
    roundTrip(Float64Array.from([0.5, 1.5, 2.5, 2 ** 60, 2 ** 60 + 4096]));
    roundTrip(Float64Array.from([-0, 1, 2, 3]));
  });

  it('is small for an equity curve with flat stretches and reuses its scratch memory between curves', () => {
    const rand = mulberry32(7);
    const n = 50_000;
    const cash = new Float64Array(n);
    const exposure = new Float64Array(n);
    let c = 10_000;
    for (let i = 0; i < n; i++) {
      if (i % 40 === 0) c -= rand();
      const inPosition = i % 40 < 18;
      cash[i] = inPosition ? c - 5000 : c;
      exposure[i] = inPosition ? 5000 * (1 + rand() / 100) : 0;
    }
    const scratch = new CurveScratch();
    const a = roundTrip(cash, scratch);
    const b = roundTrip(exposure, scratch);
    // Runs of the scratch are copies: the first curve's words survive encoding the second.
    expect(bitsOf(decodeCurve(a))).toBe(bitsOf(cash));
    expect(a.length).toBeLessThan(n / 5);
    expect(b.length).toBeLessThan(0.6 * n);
    // Random values cost at most a few words more than themselves.
    const noise = Float64Array.from({ length: 1000 }, () => rand());
    expect(roundTrip(noise).length).toBeLessThanOrEqual(1000 + 4);
  });

  it('refuses words that are not the compact form', () => {
    expect(() => decodeCurve(Float64Array.of(2, 0, 1, 1, 5))).toThrow(/bad header/);
    expect(() => decodeCurve(Float64Array.of(1, 0, 3, 2, 5, 6))).toThrow(/2 of 3 values/);
    expect(() => decodeCurve(Float64Array.of(1, 0, 2, 5, 1))).toThrow(/segment 5/);
    expect(() => decodeCurve(Float64Array.of(1, 0, 2, -3, 1))).toThrow(/segment -3/);
    expect(() => decodeCurve(Float64Array.of(1, 0, 2, 0.5, 1))).toThrow(/segment 0.5/);
  });
});
