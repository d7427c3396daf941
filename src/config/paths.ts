// XDG-style default locations (env-paths): config in ~/.config/tradetui, data in ~/.local/share/tradetui.
import envPaths from 'env-paths';
import { join } from 'node:path';

const paths = envPaths('tradetui', { suffix: '' });

export const defaultConfigFile = (): string => join(process.env.XDG_CONFIG_HOME ? join(process.env.XDG_CONFIG_HOME, 'tradetui') : paths.config, 'config.yaml');
export const defaultDataDir = (): string => (process.env.XDG_DATA_HOME ? join(process.env.XDG_DATA_HOME, 'tradetui') : paths.data);

export function dbFile(dataDir: string): string {
  return join(dataDir, 'tradetui.db');
}

export function logFile(dataDir: string): string {
  return join(dataDir, 'tradetui.log');
}
