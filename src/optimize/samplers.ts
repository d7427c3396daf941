// Samplers propose the configurations an optimisation tries: grid (every valid point, in order), random
// (seeded, without repeats) and TPE (Tree-structured Parzen Estimator, Bergstra et al. 2011; seeded).
// A sampler proposes in batches and only sees results of finished batches, and batch sizes do not depend on
// the number of workers: the same seed gives the same trials whatever --jobs is.
import { mulberry32 } from '../core/random.js';
import { UserError } from '../core/errors.js';
import type { ParamValue, Params, Strategy } from '../strategy/contract.js';
import { enumerateGrid, fullParams, gridValues, isValid, paramsKey, type Dimension, type SearchSpace } from './space.js';

export type SamplerName = 'grid' | 'random' | 'tpe';
export const SAMPLERS: readonly SamplerName[] = ['grid', 'random', 'tpe'];

export interface Observation {
  params: Params;
  /** Higher is better; -Infinity for a trial that failed the objective (too few trades, no value). */
  score: number;
}

export interface Sampler {
  /** Configurations planned in total (grid: all valid points; others: --trials, capped by the space). */
  readonly planned: number;
  /** Up to `max` new configurations given every finished observation so far; [] when done. */
  next(history: readonly Observation[], max: number): Params[];
}

/** Trials per batch for TPE: it learns only between batches, so this is fixed, never --jobs. */
export const TPE_BATCH = 8;

export function createSampler(name: SamplerName, strategy: Strategy, space: SearchSpace, opts: { trials?: number; seed: number; tried?: ReadonlySet<string> }): Sampler {
  const tried = new Set(opts.tried ?? []);
  if (name === 'grid') {
    const all = enumerateGrid(strategy, space).filter((p) => !tried.has(paramsKey(p)));
    if (all.length === 0 && tried.size === 0) throw new UserError('no valid configuration in the space (the strategy rejects every combination)', '--space');
    const points = opts.trials !== undefined ? all.slice(0, opts.trials) : all;
    let at = 0;
    return {
      planned: points.length + tried.size,
      next: (_h, max) => {
        const out = points.slice(at, at + max);
        at += out.length;
        return out;
      },
    };
  }
  const trials = opts.trials ?? 100;
  const capacity = discreteSize(space);
  const planned = Math.min(trials, capacity ?? Infinity);
  const rand = mulberry32(opts.seed);
  const draw = (): Params | null => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const point: Params = {};
      for (const d of space.dims) point[d.name] = randomValue(d, rand);
      const p = fullParams(strategy, space, point);
      const key = paramsKey(p);
      if (!tried.has(key) && isValid(strategy, p)) {
        tried.add(key);
        return p;
      }
    }
    return null;
  };
  let issued = opts.tried?.size ?? 0;
  if (name === 'random') {
    return {
      planned,
      next: (_h, max) => {
        const out: Params[] = [];
        while (out.length < max && issued < planned) {
          const p = draw();
          if (!p) break;
          out.push(p);
          issued++;
        }
        return out;
      },
    };
  }
  const startup = Math.min(planned, Math.max(10, Math.ceil(planned / 10)));
  return {
    planned,
    next: (history, max) => {
      const n = Math.min(max, TPE_BATCH, planned - issued);
      const out: Params[] = [];
      for (let k = 0; k < n; k++) {
        const p = issued < startup || history.length < 4 ? draw() : tpePropose(strategy, space, history, rand, tried) ?? draw();
        if (!p) break;
        out.push(p);
        issued++;
      }
      return out;
    },
  };
}

/** Number of distinct points of a fully discrete space (before validate), or null when one is continuous. */
function discreteSize(space: SearchSpace): number | null {
  let n = 1;
  for (const d of space.dims) {
    const v = gridValues(d);
    if (v === null) return null;
    n *= v.length;
  }
  return n;
}

function randomValue(d: Dimension, rand: () => number): ParamValue {
  if (d.kind === 'choice') return d.values[Math.floor(rand() * d.values.length)]!;
  const grid = gridValues(d);
  if (grid) return grid[Math.floor(rand() * grid.length)]!;
  return d.min + rand() * (d.max - d.min);
}

// ---------------------------------------------------------------------------------------------------
// TPE: split the finished trials into the best quarter (l) and the rest (g), model each parameter's density
// in both with Parzen windows (Gaussian kernels for numbers, smoothed counts for choices), and propose the
// candidate, among some drawn from l, that maximises l(x)/g(x).

const GAMMA = 0.25;
const CANDIDATES = 24;

function tpePropose(strategy: Strategy, space: SearchSpace, history: readonly Observation[], rand: () => number, tried: Set<string>): Params | null {
  // Stable order: score descending, then the order trials were proposed.
  const ranked = history.map((o, i) => ({ o, i })).sort((a, b) => b.o.score - a.o.score || a.i - b.i).map((x) => x.o);
  const nGood = Math.max(1, Math.ceil(GAMMA * ranked.length));
  const good = ranked.slice(0, nGood);
  const bad = ranked.slice(nGood);
  let best: { p: Params; s: number } | null = null;
  for (let c = 0; c < CANDIDATES; c++) {
    const point: Params = {};
    let s = 0;
    for (const d of space.dims) {
      const v = sampleFrom(d, good, rand);
      point[d.name] = v;
      s += Math.log(density(d, good, v)) - Math.log(density(d, bad, v));
    }
    const p = fullParams(strategy, space, point);
    if (tried.has(paramsKey(p)) || !isValid(strategy, p)) continue;
    if (!best || s > best.s) best = { p, s };
  }
  if (best) tried.add(paramsKey(best.p));
  return best?.p ?? null;
}

function bandwidth(d: Extract<Dimension, { min: number }>, n: number): number {
  return Math.max((d.max - d.min) * 0.5 * Math.pow(Math.max(1, n), -0.2), d.step ?? (d.max - d.min) * 1e-3, 1e-12);
}

function sampleFrom(d: Dimension, obs: readonly Observation[], rand: () => number): ParamValue {
  if (d.kind === 'choice') {
    // Smoothed counts: every value keeps a chance.
    const weights = d.values.map((v) => 1 + obs.filter((o) => o.params[d.name] === v).length);
    let r = rand() * weights.reduce((a, b) => a + b, 0);
    for (let k = 0; k < weights.length; k++) if ((r -= weights[k]!) < 0) return d.values[k]!;
    return d.values[d.values.length - 1]!;
  }
  const center = Number(obs[Math.floor(rand() * obs.length)]!.params[d.name]);
  const sigma = bandwidth(d, obs.length);
  // Box-Muller from the seeded generator.
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  let v = Math.min(d.max, Math.max(d.min, center + z * sigma));
  if (d.step !== null) v = Math.min(d.max, d.min + Math.round((v - d.min) / d.step) * d.step);
  if (d.kind === 'int') v = Math.round(v);
  return v;
}

function density(d: Dimension, obs: readonly Observation[], v: ParamValue): number {
  if (d.kind === 'choice') return (1 + obs.filter((o) => o.params[d.name] === v).length) / (d.values.length + obs.length);
  const range = d.max - d.min || 1;
  const sigma = bandwidth(d, obs.length);
  // A uniform prior component keeps the density positive far from every observation.
  let sum = 1 / range;
  for (const o of obs) {
    const z = (Number(v) - Number(o.params[d.name])) / sigma;
    sum += Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
  }
  return sum / (obs.length + 1);
}
