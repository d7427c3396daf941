// The trader's own strategy files (config `strategiesDir`), loaded as code: .js/.mjs by dynamic import, .ts
// through tsx. They run with the trader's privileges (and the exchange keys in the environment) as soon as
// they load, so a folder or file others could write is refused and only files named like strategies are
// imported. Each loaded module passes the strategy contract's check (strategy/registry.ts) before use.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../core/errors.js';
import type { Strategy } from '../strategy/contract.js';
import { builtinStrategies, checkStrategy } from '../strategy/registry.js';

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

/**
 * A loader of fresh copies for a strategy loaded from a file (the trader's own), for the lookahead check;
 * undefined for built-ins, which are bundled into the app and keep no module state.
 */
export function freshLoader(strategy: Strategy): (() => Promise<Strategy>) | undefined {
  const file = strategyFile(strategy);
  return file === undefined ? undefined : () => loadStrategyFile(file, { fresh: true });
}
