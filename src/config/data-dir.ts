// The data directory as loadConfig resolves it, found without checking the whole config: the TUI's start spawns
// the engine process first and checks the config (zod's schemas are a good part of a start) while it starts.
import { readFileSync } from 'node:fs';
import { configFileToRead, resolveDataDir } from './paths.js';

/**
 * The data directory of loadConfig(opts), or null when the config file's own `dataDir` cannot be read without
 * the full check (unreadable file, bad YAML, a dataDir that is not a string): the full load then says why.
 */
export async function dataDirBeforeCheck(opts: { configFile?: string; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<string | null> {
  const env = opts.env ?? process.env;
  if (opts.dataDir !== undefined || env.TRADETUI_DATA_DIR !== undefined) return resolveDataDir(opts.dataDir, env, null);
  const file = configFileToRead(opts.configFile);
  if (!file) return resolveDataDir(undefined, env, null);
  let raw: unknown;
  try {
    const { parse } = await import('yaml');
    raw = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 }) ?? {};
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const configured = (raw as Record<string, unknown>).dataDir;
  if (configured !== undefined && configured !== null && typeof configured !== 'string') return null;
  return resolveDataDir(undefined, env, configured);
}
