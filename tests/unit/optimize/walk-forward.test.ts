// Walk-forward plans and windows: flag parsing (clear errors) and window boundaries, rolling and anchored.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { parseWalkForward, windows } from '../../../src/optimize/walk-forward.js';

const DAY = 86_400_000;

describe('walk-forward', () => {
  it('parses is/oos/step/anchored, step defaulting to oos', () => {
    expect(parseWalkForward('is=365d,oos=90d')).toEqual({ isMs: 365 * DAY, oosMs: 90 * DAY, stepMs: 90 * DAY, anchored: false });
    expect(parseWalkForward('is=2w,oos=48h,step=1d,anchored')).toEqual({ isMs: 14 * DAY, oosMs: 2 * DAY, stepMs: DAY, anchored: true });
  });

  it.each(['is=365,oos=90d', 'oos=90d', 'is=1y,oos=1d', 'is=0d,oos=1d'])('rejects "%s" naming --walk-forward', (raw) => {
    try {
      parseWalkForward(raw);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).where).toBe('--walk-forward');
    }
  });

  // 100 daily candles from day 0; span from candle 10.
  const times = Float64Array.from({ length: 100 }, (_, i) => i * DAY);
  const span = { from: 10, to: 100 };

  it('rolls: each OOS window follows its IS window, then steps; the last OOS window may be short', () => {
    const w = windows(times, 100, span, parseWalkForward('is=30d,oos=20d'));
    expect(w.map((x) => [x.is.from, x.is.to, x.oos.from, x.oos.to])).toEqual([
      [10, 40, 40, 60],
      [30, 60, 60, 80],
      [50, 80, 80, 100],
    ]);
  });

  it('anchored windows keep the span start as the IS start', () => {
    const w = windows(times, 100, span, parseWalkForward('is=30d,oos=20d,step=30d,anchored'));
    expect(w.map((x) => [x.is.from, x.is.to, x.oos.from, x.oos.to])).toEqual([
      [10, 40, 40, 60],
      [10, 70, 70, 90],
    ]);
  });

  it('says so when the span holds no window', () => {
    expect(() => windows(times, 100, span, parseWalkForward('is=200d,oos=20d'))).toThrow(/shorter than one in-sample plus out-of-sample window/);
  });
});
