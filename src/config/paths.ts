// XDG-style default locations (env-paths): config in ~/.config/tradetui, data in ~/.local/share/tradetui.
import envPaths from 'env-paths';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const paths = envPaths('tradetui', { suffix: '' });

export const defaultConfigFile = (): string => join(process.env.XDG_CONFIG_HOME ? join(process.env.XDG_CONFIG_HOME, 'tradetui') : paths.config, 'config.yaml');
export const defaultDataDir = (): string => (process.env.XDG_DATA_HOME ? join(process.env.XDG_DATA_HOME, 'tradetui') : paths.data);

/** The config file to read: the one named, else the user's if it exists, else none (defaults). */
export function configFileToRead(configFile: string | undefined): string | undefined {
  return configFile ?? (existsSync(defaultConfigFile()) ? defaultConfigFile() : undefined);
}

/** The data directory: the flag, else TRADETUI_DATA_DIR, else the config's dataDir, else the default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, configured: string | null | undefined): string {
  return flag ?? env.TRADETUI_DATA_DIR ?? configured ?? defaultDataDir();
}

export function dbFile(dataDir: string): string {
  return join(dataDir, 'tradetui.db');
}

export function logFile(dataDir: string): string {
  return join(dataDir, 'tradetui.log');
}
