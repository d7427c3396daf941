// The config as every command loads it (--config, --data-dir, the environment), its warnings printed on stderr.
// Apart from context.ts, which opens the database too, so the TUI's start loads no SQLite to read its config.
import { loadConfig, type LoadedConfig } from '../config/load.js';

export function loadCliConfig(args: { config?: string; dataDir?: string }): LoadedConfig {
  const loaded = loadConfig({ configFile: args.config, dataDir: args.dataDir });
  for (const w of loaded.warnings) process.stderr.write(`tradetui: warning: ${w}\n`);
  return loaded;
}
