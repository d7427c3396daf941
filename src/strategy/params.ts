// Strategy parameters from the user (CLI --param key=value, config instances.params, Telegram) into typed values:
// defaults filled in, every value checked against its spec (type, range, enum) and the strategy's own
// cross-parameter rule (Strategy.validate). Every mistake is a UserError naming the parameter.
import { UserError } from '../core/errors.js';
import type { ParamSpec, ParamValue, Params, Strategy } from './contract.js';

export type ParamOverrides = Record<string, string | number | boolean>;

/** Typed parameters for `strategy`: its defaults overridden by `overrides`, all validated. */
export function resolveParams<P extends Params>(strategy: Strategy<P>, overrides: ParamOverrides = {}, where = '--param'): P {
  const params = typedParams(strategy, overrides, where) as P;
  const problem = strategy.validate?.(params) ?? null;
  if (problem) throw new UserError(`${strategy.name}: ${problem}`, where);
  return params;
}

/**
 * The defaults overridden by `overrides`, each typed and checked against its spec, without the cross-parameter
 * rule (validate-params answers that rule's own message, as the in-process form shows it).
 */
export function typedParams(strategy: { name: string; params: readonly ParamSpec[] }, overrides: ParamOverrides = {}, where = '--param'): Params {
  const specs = strategy.params;
  const out: Params = {};
  for (const spec of specs) out[spec.name] = spec.default;
  for (const [key, raw] of Object.entries(overrides)) {
    const spec = specs.find((s) => s.name === key);
    if (!spec) {
      const valid = specs.length > 0 ? specs.map((s) => s.name).join(', ') : '(none)';
      throw new UserError(`unknown parameter "${key}" for strategy ${strategy.name}; valid parameters: ${valid}`, where);
    }
    out[key] = coerce(spec, raw, strategy.name, where);
  }
  return out;
}

function coerce(spec: ParamSpec, raw: string | number | boolean, strategy: string, where: string): ParamValue {
  const label = `${strategy} parameter ${spec.name}`;
  switch (spec.type) {
    case 'int':
    case 'float': {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(v)) throw new UserError(`${label} must be ${spec.type === 'int' ? 'an integer' : 'a number'}, got "${String(raw)}"`, where);
      if (spec.type === 'int' && !Number.isInteger(v)) throw new UserError(`${label} must be an integer, got ${String(raw)}`, where);
      if (v < spec.min || v > spec.max) throw new UserError(`${label} must be between ${spec.min} and ${spec.max}, got ${v}`, where);
      return v;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true' || s === '1' || s === 'yes' || s === 'on') return true;
      if (s === 'false' || s === '0' || s === 'no' || s === 'off') return false;
      throw new UserError(`${label} must be true or false, got "${String(raw)}"`, where);
    }
    case 'enum': {
      const s = String(raw).trim();
      if (!spec.values.includes(s)) throw new UserError(`${label} must be one of ${spec.values.join(', ')}, got "${String(raw)}"`, where);
      return s;
    }
  }
}

/**
 * Parses repeated `key=value` flags (e.g. `--param fast=5 --param slow=20`, or `--param fast=5,slow=20`) into
 * overrides for resolveParams; the values stay strings and are typed there.
 */
export function parseParamFlags(flags: string | readonly string[] | undefined, where = '--param'): ParamOverrides {
  const out: ParamOverrides = {};
  const list = flags === undefined ? [] : typeof flags === 'string' ? [flags] : flags;
  for (const flag of list) {
    for (const part of String(flag).split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const key = eq < 0 ? '' : part.slice(0, eq).trim();
      if (key === '') throw new UserError(`expected key=value, got "${part}"`, where);
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new UserError(`parameter "${key}" given twice`, where);
      out[key] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

/** A spec's range or choices for display: "2..200", "sma|ema|wma", "true|false". */
export function describeRange(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int':
    case 'float':
      return `${spec.min}..${spec.max}`;
    case 'enum':
      return spec.values.join('|');
    case 'bool':
      return 'true|false';
  }
}
