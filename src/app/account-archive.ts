// Restarting a paper replay from a date: the current account is archived — copied whole, through SQLite's online
// backup, into a data directory of its own under DATA_DIR/accounts — and a new account starts at that date with the
// configured capital. Nothing is lost: the archive is a complete tradetui database (trades, orders, decisions,
// alerts, equity), listed by `tradetui accounts` and opened like any data directory.
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
    await db.backup(copy);
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
