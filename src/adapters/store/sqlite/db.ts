// Opens tradetui.db: WAL, foreign keys, and numbered migrations recorded in schema_migrations.
// Each area of the product owns its migrations (migrations.ts lists them in version order).
// Before anything is written it checks that the file is a tradetui database and is not damaged, and refuses
// an empty file whose WAL holds data (a lost or truncated database must not become a new, empty account).
// Every such error names the file and says what to do.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../../core/errors.js';
import { ensurePrivateDir, ensurePrivateFile, tightenIfExists } from '../../../config/private-files.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export function openDb(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') {
    refuseLostDatabase(file);
    // Owner-only before SQLite touches it: the -wal and -shm files inherit the database file's mode.
    ensurePrivateDir(dirname(file));
    ensurePrivateFile(file);
    tightenIfExists(`${file}-wal`);
    tightenIfExists(`${file}-shm`);
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    if (file !== ':memory:') checkIntact(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw explainDbError(err, file);
  }
}

const DAMAGED = 'restore a backup (see `tradetui backup`) or move it away to start a new account';

/** A SQLite error about the file itself becomes a UserError naming it; anything else passes through. */
export function explainDbError(err: unknown, file: string): unknown {
  if (err instanceof UserError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return err;
  if (code === 'SQLITE_NOTADB') return new UserError(`is not a tradetui database (not SQLite, or encrypted): ${DAMAGED}`, file);
  if (code.startsWith('SQLITE_CORRUPT')) return new UserError(`is damaged (${(err as Error).message}): ${DAMAGED}`, file);
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_AUTH') {
    return new UserError(`cannot open or write the database (${(err as Error).message}): check the file and folder permissions and owner`, file);
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new UserError(`cannot write the database (${(err as Error).message}): free disk space, then start again`, file);
  }
  return err;
}

/** An empty (or missing) database file next to a WAL that holds pages: the data lives in a file that is gone. */
function refuseLostDatabase(file: string): void {
  const wal = `${file}-wal`;
  if (!existsSync(wal) || statSync(wal).size === 0) return;
  if (existsSync(file) && statSync(file).size > 0) return;
  throw new UserError(
    `${existsSync(file) ? 'is empty' : 'is missing'} but its write-ahead log ${wal} holds data: the database was lost or truncated. ` +
      `Restore a backup, or move ${file}* away to start a new account; tradetui will not start a new account over it`,
    file,
  );
}

/**
 * Tables left out of the check at open: the candle cache and the stored backtests, optimisation trials and
 * external series grow with use (a one-year 1m backtest stores ~16 MB) and can be made again, so checking them on
 * every command would make every command slower as research accumulates. SQLite still reports their damage when
 * they are read.
 */
const BULK_TABLES = ['candle_chunks', 'runs', 'run_trades', 'optimize_trials', 'external_series'];

/**
 * Reads the header and checks the pages of the account's tables (positions, orders, fills, risk state, journal…)
 * before any write: a damaged account is found before the session counter moves.
 */
function checkIntact(db: Db, file: string): void {
  if (statSync(file).size > 0) {
    const head = Buffer.alloc(16);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString('latin1') !== 'SQLite format 3\0') throw new UserError(`is not a tradetui database (not an SQLite file): ${DAMAGED}`, file);
  }
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    throw new UserError(`is an SQLite database but not tradetui's (no schema_migrations table): use another --data-dir`, file);
  }
  for (const t of tables) {
    if (BULK_TABLES.some((prefix) => t.startsWith(prefix))) continue;
    const result = db.prepare(`PRAGMA quick_check(${JSON.stringify(t)})`).pluck().all() as string[];
    if (result.length !== 1 || result[0] !== 'ok') throw new UserError(`is damaged (table ${t}: ${result.slice(0, 3).join('; ')}): ${DAMAGED}`, file);
  }
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new UserError(
      `database schema version ${Math.max(...unknown)} is newer than this tradetui knows; upgrade tradetui or use another --data-dir`,
      db.name,
    );
  }
  // A migration that moves another's data runs right after it (a fresh database creates, then moves, nothing).
  const place = (m: Migration): number => (m.after !== undefined ? m.after + 0.5 : m.version);
  const sorted = [...migrations].sort((a, b) => place(a) - place(b));
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}
