// Loads the configuration: --config FILE, else the user's config file if it exists, else defaults.
// Environment variables override secrets and the data dir; flags override both.
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { configSchema, type Config } from './schema.js';
import { configFileToRead, resolveDataDir } from './paths.js';
import { readableByOthers } from './private-files.js';

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or "defaults". */
  source: string;
  /** Resolved data directory (flag > env > config > default). */
  dataDir: string;
  /** Things the trader should know that do not stop the program (printed on stderr by the CLI). */
  warnings: string[];
}

export interface LoadOptions {
  configFile?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  let raw: unknown = {};
  let source = 'defaults';
  const file = configFileToRead(opts.configFile);
  if (file) {
    if (!existsSync(file)) throw new UserError('config file not found', file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the config file: ${(err as Error).message}`, file);
    }
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0];
      throw new UserError(`invalid YAML: ${e.message.split('\n')[0]}`, line ? `${file}:${line.line}:${line.col}` : file);
    }
    try {
      // yaml refuses documents whose aliases expand without bound ("billion laughs"): a config error, not a crash.
      raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
    } catch (err) {
      throw new UserError(`invalid YAML: ${(err as Error).message.split('\n')[0]}`, file);
    }
    source = file;
  }
  const config = parseConfig(raw, source);
  const warnings: string[] = [];
  if (file && JSON.stringify(maskSecrets(raw)) !== JSON.stringify(raw) && readableByOthers(file)) {
    warnings.push(`${file} holds credentials and other users can read it: chmod 600 ${file} (or move the secrets to TRADETUI_* environment variables)`);
  }
  applyEnv(config, env);
  const dataDir = resolveDataDir(opts.dataDir, env, config.dataDir);
  return { config, source, dataDir, warnings };
}

/**
 * For the processes of the TUI's start (the viewer and the engine it spawns), which check each schema a few times:
 * zod compiles a fast path per schema (new Function) at its first parse, ~20 ms of CPU for the config alone, more
 * than it ever saves there. Commands that parse one schema many times (optimisation trials) keep it.
 */
export function skipSchemaCompilation(): void {
  z.config({ jitless: true });
}

export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new UserError(describeIssues(result.error.issues), source);
  return result.data;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join('.') : '(top level)';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

function applyEnv(config: Config, env: NodeJS.ProcessEnv): void {
  if (env.TRADETUI_EXCHANGE_API_KEY) config.exchange.apiKey = env.TRADETUI_EXCHANGE_API_KEY;
  if (env.TRADETUI_EXCHANGE_SECRET) config.exchange.secret = env.TRADETUI_EXCHANGE_SECRET;
  if (env.TRADETUI_TELEGRAM_TOKEN) config.telegram.token = env.TRADETUI_TELEGRAM_TOKEN;
}

/**
 * Keys whose values are credentials: ccxt's requiredCredentials (apiKey, secret, uid, login, password, twofa,
 * privateKey, walletAddress, token, accountId) plus HTTP headers, which often carry keys.
 */
const SECRET_KEYS = new Set(['apikey', 'secret', 'token', 'password', 'passphrase', 'uid', 'login', 'twofa', 'privatekey', 'walletaddress', 'accountid', 'headers']);

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(k) || /secret|token|password|apikey|privatekey/.test(k);
}

/** user:pass@ (or user@) inside a URL is a credential too: keep the URL, hide the userinfo. */
function maskUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

/** A deep copy with every secret replaced by "***" (or left null when unset). */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskSecrets) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v != null && v !== '' ? '***' : maskSecrets(v);
    }
    return out as T;
  }
  if (typeof value === 'string') return maskUrlCredentials(value) as T;
  return value;
}
