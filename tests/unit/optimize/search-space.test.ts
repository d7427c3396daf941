// The search space (--space flags and ParamSpecs), the samplers' determinism, neighbours and the verdict line.
import { describe, expect, it } from 'vitest';
import maCross from '../../../strategies/ma-cross.js';
import { UserError } from '../../../src/core/errors.js';
import { enumerateGrid, paramsKey, parseSpace } from '../../../src/optimize/space.js';
import { createSampler, type Observation } from '../../../src/optimize/samplers.js';
import { neighbourhoodScore, neighbours, verdict } from '../../../src/optimize/robustness.js';
import { heatmap } from '../../../src/optimize/heatmap.js';
import type { Params } from '../../../src/strategy/contract.js';

const FULL = ['fast=5:50:1', 'slow=20:200:5', 'type=sma,ema,wma'];

describe('search space', () => {
  it("the issue's full ma-cross grid has about 4,800 valid configurations (fast < slow honoured)", () => {
    const grid = enumerateGrid(maCross, parseSpace(maCross, FULL));
    // 46 fast × 37 slow × 3 types = 5,106 points; validate() drops fast >= slow: 31+26+21+16+11+6+1 = 112 pairs
    // (slow 20..50) per type, leaving 5,106 − 336 = 4,770.
    expect(grid.length).toBe(4770);
    expect(grid.every((p) => Number(p.fast) < Number(p.slow))).toBe(true);
    expect(grid[0]).toEqual({ fast: 5, slow: 20, type: 'sma', short: false });
  });

  it("without --space uses the strategy's ParamSpecs; with some, the others stay at their default", () => {
    expect(parseSpace(maCross, []).dims.map((d) => d.name)).toEqual(['fast', 'slow', 'type', 'short']);
    const s = parseSpace(maCross, ['fast=5:10']);
    expect(s.dims).toEqual([{ name: 'fast', kind: 'int', min: 5, max: 10, step: 1 }]);
    expect(s.fixed).toEqual({ slow: 30, type: 'sma', short: false });
  });

  it.each([
    [['speed=1:2'], /unknown parameter "speed".*fast, slow, type, short/],
    [['fast=5:1'], /min 5 is above max 1/],
    [['fast=1:10'], /within 2\.\.200/],
    [['fast=5:10:0.5'], /whole numbers/],
    [['type=sma,hull'], /one of sma, ema, wma, got "hull"/],
    [['fast'], /expected name=min:max/],
    [['fast=5:10', 'fast=6:7'], /given twice/],
  ])('rejects %j with a message naming --space', (flags, message) => {
    try {
      parseSpace(maCross, flags);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).where).toBe('--space');
      expect((err as Error).message).toMatch(message);
    }
  });

  it('refuses a grid too large to mean it', () => {
    expect(() => enumerateGrid(maCross, parseSpace(maCross, ['fast=2:200', 'slow=3:400', 'type=sma,ema,wma', 'short=true,false']))).toThrow(/use --sampler random\|tpe/);
  });
});

/** A deterministic fake objective: a smooth hill at fast=20, slow=80. */
const score = (p: Params): number => -((Number(p.fast) - 20) ** 2) - ((Number(p.slow) - 80) / 4) ** 2 + (p.type === 'ema' ? 5 : 0);

function drive(name: 'random' | 'tpe', seed: number, batch: number): Params[] {
  const sampler = createSampler(name, maCross, parseSpace(maCross, FULL), { trials: 60, seed });
  const history: Observation[] = [];
  const all: Params[] = [];
  for (;;) {
    const next = sampler.next(history, batch);
    if (next.length === 0) break;
    next.forEach((p) => history.push({ params: p, score: score(p) }));
    all.push(...next);
  }
  return all;
}

describe('samplers', () => {
  // The optimiser asks TPE for TPE_BATCH (8) at a time whatever --jobs is; a larger request does not change it.
  it.each(['random', 'tpe'] as const)('%s: same seed → same trials whatever the batch asked for; valid and never repeated', (name) => {
    const a = drive(name, 7, 8);
    const b = drive(name, 7, 64);
    expect(a).toHaveLength(60);
    expect(b).toEqual(a);
    expect(new Set(a.map(paramsKey)).size).toBe(60);
    expect(a.every((p) => Number(p.fast) < Number(p.slow))).toBe(true);
    expect(drive(name, 8, 8)).not.toEqual(a);
  });

  it('tpe finds better configurations than random with the same budget on a smooth objective', () => {
    const best = (ps: Params[]): number => Math.max(...ps.map(score));
    const seeds = [1, 2, 3, 4, 5];
    const tpe = seeds.map((s) => best(drive('tpe', s, 8))).reduce((a, b) => a + b);
    const rnd = seeds.map((s) => best(drive('random', s, 8))).reduce((a, b) => a + b);
    expect(tpe).toBeGreaterThan(rnd);
  });

  it('grid skips configurations already tried (resume)', () => {
    const space = parseSpace(maCross, ['fast=5:7', 'slow=20:21']);
    const first = createSampler('grid', maCross, space, { seed: 1 }).next([], 100);
    expect(first).toHaveLength(6);
    const resumed = createSampler('grid', maCross, space, { seed: 1, tried: new Set(first.slice(0, 4).map(paramsKey)) });
    expect(resumed.next([], 100)).toEqual(first.slice(4));
  });
});

describe('robustness', () => {
  it("neighbours are one grid step away in any numeric parameter, valid ones only, the winner's enum kept", () => {
    const space = parseSpace(maCross, FULL);
    const around = neighbours(maCross, space, { fast: 19, slow: 20, type: 'ema', short: false });
    // fast 18..20 × slow 20..25 minus the winner, minus fast >= slow (fast 20 with slow 20).
    expect(around.map((p) => `${p.fast}/${p.slow}`).sort()).toEqual(['18/20', '18/25', '19/25', '20/25'].sort());
    expect(around.every((p) => p.type === 'ema')).toBe(true);
  });

  it('scores the neighbourhood relative to the winner; a neighbour below --min-trades counts as the worst one', () => {
    expect(neighbourhoodScore(2, [1, 1.5, 0.5]).changePct).toBeCloseTo(-50, 10);
    expect(neighbourhoodScore(2, [1, -Infinity]).meanScore).toBe(0.5);
    expect(neighbourhoodScore(2, []).changePct).toBeNull();
  });

  it('reads every figure in one verdict line', () => {
    expect(verdict({ pbo: 0.62, dsr: 0.41, trialsOnRecord: 1240, neighboursChangePct: -38, doubledCostsReturnPct: 12 }).line).toBe(
      'likely overfit: PBO 0.62, DSR 0.41 (N=1,240), neighbours −38%, doubled costs +12% return',
    );
    expect(verdict({ pbo: 0.1, dsr: 0.97, trialsOnRecord: 10, neighboursChangePct: -5, doubledCostsReturnPct: 3 }).level).toBe('no evidence of overfitting');
    expect(verdict({ pbo: 0.1, dsr: 0.97, trialsOnRecord: 10, neighboursChangePct: -5, doubledCostsReturnPct: -3 }).level).toBe('fragile');
  });
});

describe('heatmap', () => {
  const trials = [
    { params: { fast: 5, slow: 20 }, score: 1 },
    { params: { fast: 10, slow: 20 }, score: 3 },
    { params: { fast: 5, slow: 30 }, score: null },
    { params: { fast: 10, slow: 30 }, score: 2 },
  ];
  it('marks the winner and shades by rank, with an ASCII fallback', () => {
    const u = heatmap(trials, 'fast', 'slow', { unicode: true, winner: { fast: 10, slow: 20 } });
    expect(u.split('\n').slice(1, 3)).toEqual(['  30 │·▒│', '  20 │░◆│']);
    const a = heatmap(trials, 'fast', 'slow', { unicode: false, winner: { fast: 10, slow: 20 } });
    expect(a.split('\n').slice(1, 3)).toEqual(['  30 |-:|', '  20 |.X|']);
    // eslint-disable-next-line no-control-regex -- ASCII is exactly \x00-\x7f
    expect(a).not.toMatch(/[^\x00-\x7f]/);
  });
});
