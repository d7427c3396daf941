// The thread run-writer.ts starts: its own connection to the CLI's database, opened while the engine runs,
// writes each run it is handed (under the id the CLI reserved and printed) in one transaction.
import { parentPort, workerData } from 'node:worker_threads';
import { explainDbError, openDb, type Db } from '../adapters/store/sqlite/db.js';
import { UserError } from '../core/errors.js';
import { testKillPoint, type StoreReply, type StoreRequest } from './run-writer.js';
import { writePackedRun } from './runs.js';

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
} catch (err) {
  openError = `cannot open it (${reason(err)})`;
}

port.on('message', (m: StoreRequest) => {
  if (m.type === 'close') {
    db?.close();
    port.close();
    return;
  }
  let reply: StoreReply;
  if (db === null) reply = { type: 'failed', id: m.id, message: openError! };
  else {
    try {
      writePackedRun(db, m.packed, m.id, () => testKillPoint('writing'));
      testKillPoint('stored');
      reply = { type: 'stored', id: m.id };
    } catch (err) {
      reply = { type: 'failed', id: m.id, message: reason(err) };
    }
  }
  port.postMessage(reply);
});
