// What every command gets: the loaded config, the data dir, and the database opened on first use.
import type { Argv } from 'yargs';
import type { LoadedConfig } from '../config/load.js';
import { dbFile } from '../config/paths.js';
import { openDb, type Db } from '../adapters/store/sqlite/db.js';
import { createFromTemplate } from '../data/seed.js';
import { useModelsDataDir } from '../ml/model-ids.js';
import { loadCliConfig } from './config-args.js';

export interface GlobalArgs {
  config?: string;
  dataDir?: string;
  json?: boolean;
}

export interface CliContext extends LoadedConfig {
  json: boolean;
  /** The database, opened (and migrated) on first call; closed by main when the command ends. */
  db(): Db;
  close(): void;
}

export function createContext(args: GlobalArgs): CliContext {
  const loaded = loadCliConfig(args);
  // The ML strategies' `model` parameter lists the models in this data directory.
  useModelsDataDir(loaded.dataDir);
  let db: Db | undefined;
  return {
    ...loaded,
    json: Boolean(args.json),
    db() {
      if (!db) {
        createFromTemplate(dbFile(loaded.dataDir));
        db = openDb(dbFile(loaded.dataDir));
      }
      return db;
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}

/** The options every command accepts. */
export function globalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option('config', { type: 'string', describe: 'config file (default: ~/.config/tradetui/config.yaml if present)' })
    .option('data-dir', { type: 'string', describe: 'data directory (env TRADETUI_DATA_DIR; default: ~/.local/share/tradetui)' })
    .option('json', { type: 'boolean', describe: 'print one JSON document on stdout and nothing else' }) as Argv<T & GlobalArgs>;
}

/** Prints the result: JSON when --json, else the human text. */
export function output(ctx: CliContext, json: unknown, human: () => string): void {
  if (ctx.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}
