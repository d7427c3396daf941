// The strategies tradetui knows: the built-ins in strategies/ (static imports, so they are compiled and
// bundled with the app), the check every strategy passes before anything runs it, and lookup by name. Pure:
// loading the trader's own files (config `strategiesDir`) is I/O and lives in adapters/strategy-files.ts.
import { UserError } from '../core/errors.js';
import { isTimeframe } from '../core/time.js';
import type { Strategy } from './contract.js';
import adaptiveEma from '../../strategies/adaptive-ema.js';
import bollingerReversion from '../../strategies/bollinger-reversion.js';
import enhanced from '../../strategies/enhanced.js';
import highRisk from '../../strategies/high-risk.js';
import ichimoku from '../../strategies/ichimoku.js';
import maCross from '../../strategies/ma-cross.js';
import rsiMacd from '../../strategies/rsi-macd.js';
import mlClassifier from '../../strategies/ml-classifier.js';
import mlEnsemble from '../../strategies/ml-ensemble.js';
import mlForecast from '../../strategies/ml-forecast.js';

const BUILTINS: readonly Strategy[] = [maCross, rsiMacd, adaptiveEma, enhanced, bollingerReversion, highRisk, ichimoku, mlClassifier as Strategy, mlForecast as Strategy, mlEnsemble as Strategy];

/** The strategies shipped with tradetui, in display order. */
export function builtinStrategies(): Strategy[] {
  return [...BUILTINS];
}

export function isBuiltin(s: Strategy): boolean {
  return BUILTINS.includes(s);
}

/** Checks that `value` satisfies the Strategy contract; a UserError naming `where` lists what is missing. */
export function checkStrategy(value: unknown, where: string): Strategy {
  if (!value || typeof value !== 'object') {
    throw new UserError('no strategy found: the file must `export default` a strategy object (see strategies/ma-cross.ts)', where);
  }
  const s = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(s.name)) problems.push('name (letters, digits, - _ .)');
  if (typeof s.description !== 'string') problems.push('description (a string)');
  if (typeof s.timeframe !== 'string' || !isTimeframe(s.timeframe)) problems.push('timeframe (like "1h")');
  if (!Array.isArray(s.params)) problems.push('params (an array of parameter specs)');
  for (const fn of ['warmup', 'compute', 'decide'] as const) {
    if (typeof s[fn] !== 'function') problems.push(`${fn}() (a function)`);
  }
  if (s.validate !== undefined && typeof s.validate !== 'function') problems.push('validate() must be a function when given');
  if (problems.length > 0) throw new UserError(`not a valid strategy: missing or wrong ${problems.join(', ')}`, where);
  (s.params as unknown[]).forEach((p, k) => {
    const problem = checkParamSpec(p);
    if (problem) throw new UserError(`params[${k}]: ${problem}`, where);
  });
  return value as Strategy;
}

function checkParamSpec(p: unknown): string | null {
  if (!p || typeof p !== 'object') return 'not an object';
  const spec = p as Record<string, unknown>;
  if (typeof spec.name !== 'string' || spec.name === '') return 'name must be a non-empty string';
  const name = spec.name;
  switch (spec.type) {
    case 'int':
    case 'float': {
      const { min, max, default: d } = spec;
      if (typeof min !== 'number' || typeof max !== 'number' || !(min <= max)) return `${name}: needs numeric min <= max`;
      if (typeof d !== 'number' || d < min || d > max) return `${name}: default must be a number within ${min}..${max}`;
      if (spec.type === 'int' && !Number.isInteger(d)) return `${name}: default must be an integer`;
      return null;
    }
    case 'enum': {
      const values = spec.values;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) return `${name}: values must be a non-empty list of strings`;
      if (!(values as string[]).includes(spec.default as string)) return `${name}: default must be one of ${values.join(', ')}`;
      return null;
    }
    case 'bool':
      return typeof spec.default === 'boolean' ? null : `${name}: default must be true or false`;
    default:
      return `${name}: type must be int, float, enum or bool`;
  }
}

/** The strategy called `name`; a UserError lists the available ones. */
export function getStrategy(name: string, list: readonly Strategy[], where = 'strategy'): Strategy {
  const s = list.find((x) => x.name === name);
  if (!s) throw new UserError(`unknown strategy "${name}"; available: ${list.map((x) => x.name).join(', ')}`, where);
  return s;
}
