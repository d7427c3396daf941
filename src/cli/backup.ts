// `tradetui backup [FILE]`: a consistent copy of tradetui.db (account, trades, runs, candle cache, Telegram
// audit) through SQLite's online backup, safe while tradetui runs. Restore: stop tradetui, move tradetui.db*
// away, copy the backup to tradetui.db (README, "Backup and restore").
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { dbFile } from '../config/paths.js';
import { ensurePrivateDir } from '../config/private-files.js';
import { explainDbError } from '../adapters/store/sqlite/db.js';
import { createContext, output, type GlobalArgs } from './context.js';

interface BackupArgs extends GlobalArgs {
  file?: string;
}

/** tradetui-2026-11-29T22-58-01Z.db: sorts by time, no characters a shell or Windows dislikes. */
export function defaultBackupName(now = new Date()): string {
  return `tradetui-${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z.db`;
}

export const backupCommand: CommandModule<GlobalArgs, BackupArgs> = {
  command: 'backup [file]',
  describe: 'Copy the database (account, trades, runs, candles) to FILE, safely while tradetui runs',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'where to write the copy (default: DATA_DIR/backups/tradetui-<time>.db); never overwritten' })
      .example('$0 backup', 'copy to ~/.local/share/tradetui/backups/tradetui-<time>.db')
      .example('$0 backup ~/tradetui-before-upgrade.db', 'copy to a file of your choice') as never,
  handler: async (args) => {
    const ctx = createContext(args);
    const source = dbFile(ctx.dataDir);
    if (!existsSync(source)) throw new UserError('no database to back up here (nothing has run with this data directory yet)', source);
    const target = resolve(args.file ?? join(ctx.dataDir, 'backups', defaultBackupName()));
    if (existsSync(target)) throw new UserError('already exists; choose another file (a backup never overwrites)', target);
    ensurePrivateDir(dirname(target));
    // Read-only on the source: a backup must not migrate or otherwise change the database it protects.
    let db: Database.Database | undefined;
    try {
      db = new Database(source, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const result = await db.backup(target);
      chmodSync(target, 0o600); // the account history is the trader's alone
      const bytes = statSync(target).size;
      output(ctx, { source, file: target, pages: result.totalPages, bytes }, () => `backed up ${source} to ${target} (${(bytes / 1e6).toFixed(1)} MB)`);
    } catch (err) {
      throw explainDbError(err, source);
    } finally {
      db?.close();
    }
  },
};
