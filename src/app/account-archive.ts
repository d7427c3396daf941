// Restarting a paper replay from a date: the current account is archived — its tables copied into a new tradetui
// database (same migrations) in a data directory of its own under DATA_DIR/accounts — and a new account starts at
// that date with the configured capital. Nothing of the account is lost: the archive holds every table except the
// caches the data directory can rebuild (NOT_ACCOUNT_TABLES), is listed by `tradetui accounts` and opens like any
// data directory. Leaving the caches out keeps a restart's time and disk independent of the candle cache's size.
//
// A kill at any moment leaves the old account intact or the new one complete, never a mix:
//   1. the copy is written under a hidden `.N-time.partial` name (a kill here: the old account is untouched and the
//      partial copy is removed on the next start);
//   2. one transaction records the archive and replaces the account (SQLite: all of it or none of it);
//   3. the copy is renamed to its final name (a kill before this: the next start finishes the rename, as the row
//      that names it committed).
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openDb } from '../adapters/store/sqlite/db.js';
import { PaperStore, type ArchivedAccount } from '../adapters/store/sqlite/paper-store.js';
import { ensurePrivateDir } from '../config/private-files.js';

/** Where archived accounts live, inside the data directory. */
export const ACCOUNTS_DIR = 'accounts';

/**
 * Tables that are not the paper account's, left out of an archive. Every other table is copied, so a table added
 * later is archived unless it is named here. They are caches or research the data directory keeps across restarts
 * (a restart does not touch them) and can make again, and they are what grows — a trader's candle cache can be 1 GB:
 * - candle_chunks, candle_sources, candle_versions: the candle cache. candle_sources records which shipped files
 *   were seeded, so it must go with the chunks: an archive opened as a data directory seeds the shipped candles
 *   again (and fetches others on use) instead of believing an empty cache full.
 * - runs, run_trades: stored backtest runs; optimize_runs, optimize_trials, optimize_tried: optimisation runs.
 * - external_series, external_series_sources: imported external data series (a cache of files and feeds).
 * - telegram_outbox: a delivery queue, not history; it stays with the running database, which sends it. A copy in
 *   the archive would be sent a second time if the archive were ever started.
 * - schema_migrations: the archive's own, written by its migrations.
 */
export const NOT_ACCOUNT_TABLES: readonly string[] = [
  'candle_chunks',
  'candle_sources',
  'candle_versions',
  'runs',
  'run_trades',
  'optimize_runs',
  'optimize_trials',
  'optimize_tried',
  'external_series',
  'external_series_sources',
  'telegram_outbox',
  'schema_migrations',
];

const partialOf = (dir: string): string => join(dirname(dir), `.${basename(dir)}.partial`);

/**
 * Finishes or undoes a restart a kill interrupted: an archive the database names but whose copy still has its
 * partial name is renamed; a partial copy the database does not name (the reset never committed) is removed.
 */
export function recoverArchives(store: PaperStore, dataDir: string): string[] {
  const said: string[] = [];
  const named = new Set<string>();
  for (const a of store.archives()) {
    const dir = join(dataDir, a.dir);
    named.add(basename(partialOf(dir)));
    if (!existsSync(dir) && existsSync(partialOf(dir))) {
      renameSync(partialOf(dir), dir);
      said.push(`finished archiving account ${a.id} in ${dir} (the engine stopped while restarting the replay)`);
    }
  }
  const root = join(dataDir, ACCOUNTS_DIR);
  if (!existsSync(root)) return said;
  for (const name of readdirSync(root)) {
    if (!name.startsWith('.') || !name.endsWith('.partial') || named.has(name)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    said.push(`removed ${join(root, name)}: a replay restart stopped before it changed the account, which is intact`);
  }
  return said;
}

export interface ResetOptions {
  dataDir: string;
  /** The database file (closed by the engine before this runs). */
  dbFile: string;
  /** Where the new account's replay starts. */
  from: number;
  /** The new account's cash (account.balance) and currency. */
  balance: number;
  currency: string;
  /** The old account's equity (positions marked) and replay time, as the engine last showed them. */
  equity: number;
  replayAt: number | null;
  now: number;
}

/** A folder name that sorts by number and time and suits every shell: 3-2026-11-30T06-02-11Z. */
function archiveName(id: number, now: number): string {
  return `${id}-${new Date(now).toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}

/** Only for the kill test: dies at a named step as a `kill -9` would (TRADETUI_TEST_KILL_AT=replay-restart:STEP). */
function testKillPoint(step: string): void {
  if (process.env.TRADETUI_TEST_KILL_AT === `replay-restart:${step}`) process.kill(process.pid, 'SIGKILL');
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Writes a new tradetui database at `copy` (every migration applied, so `accounts show` and `--data-dir` read it)
 * holding the account tables of `source`: every table but NOT_ACCOUNT_TABLES, rows as they are (ids and
 * AUTOINCREMENT counters kept), read in one transaction so the copy is one moment of the account.
 */
export function copyAccount(source: string, copy: string): string[] {
  const archive = openDb(copy);
  try {
    archive.pragma('foreign_keys = OFF'); // rows copied verbatim, in any table order
    archive.prepare('ATTACH DATABASE ? AS src').run(source);
    const skip = new Set(NOT_ACCOUNT_TABLES);
    const tables = (archive.prepare("SELECT name FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]).filter((t) => !skip.has(t));
    const columns = (schema: string, t: string): string[] => (archive.prepare(`SELECT name FROM pragma_table_info(?, ?)`).pluck().all(t, schema) as string[]);
    archive.transaction(() => {
      for (const t of tables) {
        const have = new Set(columns('main', t));
        const cols = columns('src', t);
        const missing = cols.filter((c) => !have.has(c));
        if (have.size === 0 || missing.length > 0) {
          throw new Error(`cannot archive table ${t}: the new database ${have.size === 0 ? 'has no such table' : `has no column ${missing.join(', ')}`} (the migrations do not make it)`);
        }
        const list = cols.map(quote).join(', ');
        archive.exec(`DELETE FROM main.${quote(t)}; INSERT INTO main.${quote(t)} (${list}) SELECT ${list} FROM src.${quote(t)}`);
      }
      const hasSequence = (schema: string): boolean => archive.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
      if (hasSequence('src') && hasSequence('main')) {
        const marks = tables.map(() => '?').join(', ');
        archive.prepare(`DELETE FROM main.sqlite_sequence WHERE name IN (${marks})`).run(...tables);
        archive.prepare(`INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM src.sqlite_sequence WHERE name IN (${marks})`).run(...tables);
      }
    })();
    archive.exec('DETACH DATABASE src');
    // one self-contained file: a read-only look (`accounts show`) leaves no -wal/-shm beside it; opened as a data
    // directory, openDb turns WAL on again
    archive.pragma('journal_mode = DELETE');
    return tables;
  } finally {
    archive.close(); // the last connection: SQLite checkpoints the WAL into the file and removes it
  }
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Archives the account in `dbFile` and starts the new one; the engine must not have the database open. */
export async function archiveAndReset(o: ResetOptions): Promise<ArchivedAccount> {
  const db = openDb(o.dbFile);
  try {
    const store = new PaperStore(db);
    recoverArchives(store, o.dataDir);
    const account = store.accountRow();
    if (!account) throw new Error('no paper account to archive in this database');
    const id = store.nextArchiveId();
    const rel = join(ACCOUNTS_DIR, archiveName(id, o.now));
    const dir = join(o.dataDir, rel);
    const partial = partialOf(dir);
    ensurePrivateDir(dirname(partial));
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { mode: 0o700 });
    const copy = join(partial, 'tradetui.db');
    copyAccount(o.dbFile, copy);
    chmodSync(copy, 0o600); // the account history is the trader's alone
    fsyncFile(copy);
    testKillPoint('copied');
    const archived: Omit<ArchivedAccount, 'id'> = {
      dir: rel,
      archivedAt: o.now,
      accountCreatedAt: account.createdAt,
      replayFrom: account.replayFrom,
      replayAt: o.replayAt,
      currency: account.currency,
      initialBalance: account.initialBalance,
      cash: account.cash,
      equity: o.equity,
      trades: account.trades,
      positions: account.positions,
      restartedFrom: o.from,
    };
    const rowId = store.tx(() => {
      const n = store.addArchive(archived);
      store.resetAccount({ from: o.from, balance: o.balance, currency: o.currency, now: o.now });
      return n;
    });
    testKillPoint('committed');
    renameSync(partial, dir);
    return { id: rowId, ...archived };
  } finally {
    db.close();
  }
}
