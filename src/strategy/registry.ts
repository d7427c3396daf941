// Where strategies come from: the built-ins in strategies/ (static imports, so they are compiled and bundled
// with the app) and the trader's own files in a folder (config `strategiesDir`): .js/.mjs by dynamic import,
// .ts through tsx. Every loaded module is checked against the contract before anything runs it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** The file a user strategy was loaded from (undefined for built-ins). */
const origins = new WeakMap<Strategy, string>();
export function strategyFile(s: Strategy): string | undefined {
  return origins.get(s);
}

const EXTENSIONS = new Set(['.js', '.mjs', '.ts', '.mts']);

/** A strategy file's name: a strategy-like stem (letters, digits, - and _; no further dots) and a code extension. */
export function looksLikeStrategyFile(name: string): boolean {
  const ext = extname(name);
  return EXTENSIONS.has(ext) && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name.slice(0, -ext.length));
}

/**
 * World-writable, group-writable for a group other than the trader's own (a private group, as Debian gives
 * each user, is the trader), or owned by another user (root excepted): someone else could put code there.
 */
function refuseWritableByOthers(path: string, what: string): void {
  if (process.platform === 'win32') return;
  const st = statSync(path);
  const uid = process.getuid?.();
  if ((st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && st.gid !== process.getgid?.())) {
    throw new UserError(`${what} is writable by other users (mode ${(st.mode & 0o777).toString(8)}); strategies run as code with your privileges: chmod go-w it`, path);
  }
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    throw new UserError(`${what} belongs to another user (uid ${st.uid}); strategies run as code with your privileges: use a folder you own`, path);
  }
}

/**
 * Expands `~` and resolves a relative strategiesDir against the config file's folder (so a config can say
 * `strategiesDir: ./strategies`), or the working directory when the config is the defaults.
 */
export function resolveStrategiesDir(dir: string, configSource?: string): string {
  const expanded = dir === '~' ? homedir() : dir.startsWith('~/') ? join(homedir(), dir.slice(2)) : dir;
  if (isAbsolute(expanded)) return expanded;
  const base = configSource && configSource !== 'defaults' ? dirname(resolve(configSource)) : process.cwd();
  return resolve(base, expanded);
}

/** Built-ins plus every strategy file in `strategiesDir` (when given). Name clashes are errors. */
export async function loadStrategies(opts: { strategiesDir?: string | null } = {}): Promise<Strategy[]> {
  const list = builtinStrategies();
  if (!opts.strategiesDir) return list;
  const dir = opts.strategiesDir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('strategies folder not found', dir);
  // Strategy files run as code with the trader's privileges (and the exchange keys in the environment) as
  // soon as they load: refuse a folder or file someone else could have written, and import only files named
  // like strategies (my-strategy.ts), never tests, configs or helpers (foo.test.ts, vite.config.ts, .hidden).
  refuseWritableByOthers(dir, 'strategies folder');
  const files = readdirSync(dir).filter(looksLikeStrategyFile).sort();
  for (const f of files) {
    const file = join(dir, f);
    refuseWritableByOthers(file, 'strategy file');
    const s = await loadStrategyFile(file);
    const clash = list.find((x) => x.name === s.name);
    if (clash) {
      const other = strategyFile(clash) ?? 'a built-in strategy';
      throw new UserError(`strategy name "${s.name}" is already used by ${other}; rename one of them`, file);
    }
    list.push(s);
  }
  return list;
}

let freshCopies = 0;

/**
 * Loads and checks one strategy file (its default export). `fresh` loads a new copy of the module, sharing no
 * module state with earlier loads (the lookahead check runs its full and cut runs on separate copies); .ts
 * files load fresh on every call anyway (tsx imports each call in its own namespace, imports included).
 */
export async function loadStrategyFile(file: string, opts: { fresh?: boolean } = {}): Promise<Strategy> {
  const path = resolve(file);
  let mod: Record<string, unknown>;
  try {
    const ext = extname(path);
    if (ext === '.ts' || ext === '.mts') {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    } else {
      const query = opts.fresh ? `?fresh=${++freshCopies}` : '';
      mod = (await import(pathToFileURL(path).href + query)) as Record<string, unknown>;
    }
  } catch (err) {
    // A syntax error or a failing import in the trader's own file is their mistake, reported with the file.
    throw new UserError(`cannot load strategy: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, path);
  }
  // tsx may wrap a CommonJS-looking module's exports once more under default.
  let candidate = mod.default;
  if (candidate && typeof candidate === 'object' && 'default' in candidate && !('decide' in candidate)) {
    candidate = (candidate as { default: unknown }).default;
  }
  const s = checkStrategy(candidate, path);
  origins.set(s, path);
  return s;
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
