// The thread run-writer.ts starts: its own connection to the CLI's database, opened while the engine runs,
// writes each run it is handed (under the id the CLI reserved and printed) in one transaction: its trades as
// they arrive, then its row and COMMIT.
import { parentPort, workerData } from 'node:worker_threads';
import { explainDbError, openDb, type Db } from '../adapters/store/sqlite/db.js';
import { UserError } from '../core/errors.js';
import { testKillPoint, type StoreReply, type StoreRequest } from './run-writer.js';
import { insertRunRow, insertTrades, WRITE_CACHE_KIB } from './runs.js';

const port = parentPort!;
const { file } = workerData as { file: string };

/** The reason alone: the CLI's message names the database already. */
function reason(err: unknown): string {
  const explained = explainDbError(err, file);
  if (explained instanceof UserError) return explained.message;
  return explained instanceof Error ? explained.message : String(explained);
}

let db: Db | null = null;
let openError: string | null = null;
try {
  db = openDb(file);
  // This connection only writes runs: the small page cache writePackedRun uses for large runs (see there).
  db.pragma(`cache_size = ${WRITE_CACHE_KIB}`);
} catch (err) {
  openError = `cannot open it (${reason(err)})`;
}

/** The run whose transaction is open (its trades are in; its row comes next), and why it failed if it did. */
let current: { id: number; failure: string | null } | null = null;

function rollback(): void {
  if (db?.inTransaction) db.exec('ROLLBACK');
}

port.on('message', (m: StoreRequest) => {
  if (m.type === 'close') {
    db?.close();
    port.close();
    return;
  }
  if (m.type === 'trades') {
    current = { id: m.id, failure: openError };
    if (db === null) return;
    try {
      db.exec('BEGIN IMMEDIATE');
      // The run's row comes with the next request; its foreign key is checked at COMMIT.
      db.pragma('defer_foreign_keys = ON');
      insertTrades(db, m.id, m.trades);
    } catch (err) {
      current.failure = reason(err);
      rollback();
    }
    return;
  }
  if (m.type === 'abort') {
    rollback();
    current = null;
    return;
  }
  let reply: StoreReply;
  if (current === null || current.id !== m.id) reply = { type: 'failed', id: m.id, message: `its trades never reached the storing thread` };
  else if (current.failure !== null || db === null) reply = { type: 'failed', id: m.id, message: current.failure ?? openError! };
  else {
    try {
      insertRunRow(db, m.row, m.id);
      testKillPoint('writing');
      db.exec('COMMIT');
      testKillPoint('stored');
      reply = { type: 'stored', id: m.id };
    } catch (err) {
      reply = { type: 'failed', id: m.id, message: reason(err) };
      rollback();
    }
  }
  current = null;
  port.postMessage(reply);
});
