// The search space of an optimisation: one dimension per strategy parameter, from `--space` flags or, when
// none is given for a parameter, from the strategy's own ParamSpec. Parameters left out of `--space` while
// others are given stay at their default, so `--space fast=5:50:1` tunes fast alone.
// Every mistake is a UserError naming the flag; configurations are checked by the strategy's validate().
import { UserError } from '../core/errors.js';
import type { ParamSpec, ParamValue, Params, Strategy } from '../strategy/contract.js';

export type Dimension =
  | { name: string; kind: 'int' | 'float'; min: number; max: number; /** Grid spacing; null: continuous (random/tpe only). */ step: number | null }
  | { name: string; kind: 'choice'; values: readonly ParamValue[] };

export interface SearchSpace {
  dims: Dimension[];
  /** Parameters not searched, at their default. */
  fixed: Params;
}

/** Grids larger than this are refused: at a few hundred trials a second it would run for hours. */
export const MAX_GRID = 250_000;

/** Parses `name=min:max[:step]` and `name=a,b,c` flags against the strategy's ParamSpecs. */
export function parseSpace(strategy: Strategy, flags: readonly string[]): SearchSpace {
  const given = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? '' : flag.slice(0, eq).trim();
    if (name === '') throw new UserError(`expected name=min:max[:step] or name=a,b,c, got "${flag}"`, '--space');
    if (given.has(name)) throw new UserError(`parameter "${name}" given twice`, '--space');
    if (!strategy.params.some((p) => p.name === name)) {
      throw new UserError(`unknown parameter "${name}" for strategy ${strategy.name}; valid parameters: ${strategy.params.map((p) => p.name).join(', ') || '(none)'}`, '--space');
    }
    given.set(name, flag.slice(eq + 1).trim());
  }
  const dims: Dimension[] = [];
  const fixed: Params = {};
  for (const spec of strategy.params) {
    const raw = given.get(spec.name);
    if (raw !== undefined) dims.push(parseDimension(spec, raw, strategy.name));
    else if (given.size > 0) fixed[spec.name] = spec.default;
    else dims.push(specDimension(spec));
  }
  if (dims.length === 0) throw new UserError(`strategy ${strategy.name} has no parameters to optimise`, '--strategy');
  return { dims, fixed };
}

function specDimension(spec: ParamSpec): Dimension {
  switch (spec.type) {
    case 'int':
      return { name: spec.name, kind: 'int', min: spec.min, max: spec.max, step: spec.step ?? 1 };
    case 'float':
      return { name: spec.name, kind: 'float', min: spec.min, max: spec.max, step: spec.step ?? null };
    case 'enum':
      return { name: spec.name, kind: 'choice', values: [...spec.values] };
    case 'bool':
      return { name: spec.name, kind: 'choice', values: [false, true] };
  }
}

function parseDimension(spec: ParamSpec, raw: string, strategy: string): Dimension {
  const where = '--space';
  const label = `${strategy} parameter ${spec.name}`;
  if (spec.type === 'int' || spec.type === 'float') {
    if (raw.includes(':')) {
      const parts = raw.split(':').map((s) => s.trim());
      if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '' || !Number.isFinite(Number(p)))) {
        throw new UserError(`${spec.name}: expected min:max or min:max:step with numbers, got "${raw}"`, where);
      }
      const [min, max] = [Number(parts[0]), Number(parts[1])];
      const step = parts.length === 3 ? Number(parts[2]) : spec.type === 'int' ? 1 : null;
      if (min > max) throw new UserError(`${spec.name}: min ${min} is above max ${max}`, where);
      if (step !== null && !(step > 0)) throw new UserError(`${spec.name}: step must be above 0, got ${step}`, where);
      if (spec.type === 'int' && (!Number.isInteger(min) || !Number.isInteger(max) || (step !== null && !Number.isInteger(step)))) {
        throw new UserError(`${label} is an integer: min, max and step must be whole numbers, got "${raw}"`, where);
      }
      if (min < spec.min || max > spec.max) throw new UserError(`${label} must stay within ${spec.min}..${spec.max}, got ${min}..${max}`, where);
      return { name: spec.name, kind: spec.type, min, max, step };
    }
    const values = raw.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const v = Number(s);
      if (!Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) throw new UserError(`${label}: "${s}" is not ${spec.type === 'int' ? 'an integer' : 'a number'}`, where);
      if (v < spec.min || v > spec.max) throw new UserError(`${label} must be between ${spec.min} and ${spec.max}, got ${v}`, where);
      return v;
    });
    if (values.length === 0) throw new UserError(`${spec.name}: no values given`, where);
    return { name: spec.name, kind: 'choice', values: [...new Set(values)] };
  }
  const values = raw.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s): ParamValue => {
    if (spec.type === 'enum') {
      if (!spec.values.includes(s)) throw new UserError(`${label} must be one of ${spec.values.join(', ')}, got "${s}"`, where);
      return s;
    }
    const l = s.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
    throw new UserError(`${label} must be true or false, got "${s}"`, where);
  });
  if (values.length === 0) throw new UserError(`${spec.name}: no values given`, where);
  return { name: spec.name, kind: 'choice', values: [...new Set(values)] };
}

/** The grid values of a dimension, ascending for numbers; a continuous dimension has none. */
export function gridValues(d: Dimension): ParamValue[] | null {
  if (d.kind === 'choice') return [...d.values];
  if (d.step === null) return null;
  const out: number[] = [];
  const count = Math.floor((d.max - d.min) / d.step + 1e-9);
  for (let k = 0; k <= count; k++) out.push(roundStep(d.min + k * d.step, d.step));
  return out;
}

/** Keeps float grids free of 0.30000000000000004. */
function roundStep(v: number, step: number): number {
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step)) + 2));
  return Number(v.toFixed(decimals));
}

/** A configuration's identity: its values in the space's parameter order, as compact JSON. */
export function paramsKey(params: Params): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

/** Full parameters of a point: the fixed ones plus the searched ones, in the strategy's parameter order. */
export function fullParams(strategy: Strategy, space: SearchSpace, point: Params): Params {
  const out: Params = {};
  for (const spec of strategy.params) out[spec.name] = spec.name in point ? point[spec.name]! : space.fixed[spec.name] ?? spec.default;
  return out;
}

export function isValid(strategy: Strategy, params: Params): boolean {
  return (strategy.validate?.(params) ?? null) === null;
}

/** Every valid configuration of a fully discrete space, in a fixed order (first dimension slowest). */
export function enumerateGrid(strategy: Strategy, space: SearchSpace): Params[] {
  const lists = space.dims.map((d) => {
    const v = gridValues(d);
    if (v === null) throw new UserError(`${d.name} is continuous: give it a step (--space ${d.name}=${d.kind === 'choice' ? '' : `${d.min}:${d.max}:STEP`}) for a grid, or use --sampler random|tpe`, '--space');
    return v;
  });
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total > MAX_GRID) {
    throw new UserError(`the grid has ${total.toLocaleString('en-US')} configurations (limit ${MAX_GRID.toLocaleString('en-US')}); narrow it with --space name=min:max:step or use --sampler random|tpe --trials N`, '--space');
  }
  const out: Params[] = [];
  const idx = new Array<number>(lists.length).fill(0);
  for (let n = 0; n < total; n++) {
    const point: Params = {};
    lists.forEach((l, k) => (point[space.dims[k]!.name] = l[idx[k]!]!));
    const p = fullParams(strategy, space, point);
    if (isValid(strategy, p)) out.push(p);
    for (let k = lists.length - 1; k >= 0; k--) {
      if (++idx[k]! < lists[k]!.length) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** How the space reads back in a report: "fast=5:50:1 type=sma,ema". */
export function describeSpace(space: SearchSpace): string {
  return space.dims.map((d) => (d.kind === 'choice' ? `${d.name}=${d.values.join(',')}` : `${d.name}=${d.min}:${d.max}${d.step !== null ? `:${d.step}` : ''}`)).join(' ');
}
