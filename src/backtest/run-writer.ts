// Stores backtest runs from a worker thread while the CLI prints them: a year of 1m candles is ~5 MB of
// curves and ~18,000 trades, ~0.2 s of SQLite work that no longer stands between the engine and the output.
// The run's id is reserved first (reserveRunId: a gap if the process dies, never a half-written run); the
// worker (store-worker.ts, its own connection to the same WAL database, started while the engine runs) then
// writes the whole run in one transaction: the trades as soon as they are handed over, while this thread
// encodes the curves, then the run's row. The CLI waits for it before exiting and names every run it could
// not store, with the database and the reason.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../adapters/store/sqlite/db.js';
import { packRunRow, packTrades, reserveRunId, storedRunOf, transferablesOf, type PackedRunRow, type PackedTrades, type RunInput, type StoredRun } from './runs.js';

/** A run is two requests: its trades (the transaction begins), then its row (it commits). */
export type StoreRequest =
  | { type: 'trades'; id: number; trades: PackedTrades }
  | { type: 'row'; id: number; row: PackedRunRow }
  /** The row will not come (packing it threw): roll the trades back. */
  | { type: 'abort'; id: number }
  | { type: 'close' };
export type StoreReply = { type: 'stored'; id: number } | { type: 'failed'; id: number; message: string };

/** A run handed to the worker that did not reach the database, and why. */
export interface StoreFailure {
  id: number;
  message: string;
}

/** The worker's script wherever this module runs from: the bundle, the compiled tree, or the sources (tests). */
function workerEntry(): { file: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (/\.ts$/.test(here)) {
    // From the sources: tests name the fresh build (TRADETUI_TEST_BUILT_WORKERS=dist/); else tsx compiles the worker.
    const built = process.env.TRADETUI_TEST_BUILT_WORKERS;
    if (built) return { file: join(built, 'backtest-store-worker.mjs'), eval: false };
    const source = JSON.stringify(new URL('./store-worker.ts', here).href);
    return { file: `import('tsx/esm/api').then((m) => { m.register(); return import(${source}); });`, eval: true };
  }
  for (const name of ['./store-worker.js', './backtest-store-worker.mjs']) {
    const file = fileURLToPath(new URL(name, here));
    if (existsSync(file)) return { file, eval: false };
  }
  throw new Error(`backtest store worker not found beside ${fileURLToPath(here)} (run npm run build)`);
}

export class RunWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (failure: StoreFailure | null) => void>();
  private readonly outcomes: Array<Promise<StoreFailure | null>> = [];
  private readonly exited: Promise<void>;
  /** Why the thread stopped before answering (it crashed or could not start). */
  private stopped: string | null = null;

  /** Starts the thread; it opens `file` (already created and migrated by the caller's connection) at once. */
  constructor(readonly file: string) {
    const entry = workerEntry();
    this.worker = new Worker(entry.file, { eval: entry.eval, workerData: { file } });
    this.worker.on('message', (m: StoreReply) => this.settle(m.id, m.type === 'stored' ? null : { id: m.id, message: m.message }));
    this.worker.on('error', (err) => this.stop(`the storing thread failed: ${err.message}`));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.stop(`the storing thread stopped (exit code ${code}) before writing it`);
        resolve();
      }),
    );
  }

  /**
   * Reserves the run's id, hands the run to the thread and returns it as `getRun(db, id)` will read it once
   * written. The run's own curves are not touched: only their packed copies move to the thread.
   */
  store(db: Db, input: RunInput): StoredRun {
    const id = reserveRunId(db);
    testKillPoint('reserved');
    this.outcomes.push(new Promise((resolve) => this.waiting.set(id, resolve)));
    const trades = packTrades(input);
    this.post({ type: 'trades', id, trades }, transferablesOf(trades));
    let row: PackedRunRow;
    try {
      row = packRunRow(input);
    } catch (err) {
      this.post({ type: 'abort', id }, []);
      this.settle(id, { id, message: `it could not be prepared (${err instanceof Error ? err.message : String(err)})` });
      throw err;
    }
    this.post({ type: 'row', id, row }, transferablesOf(row));
    if (this.stopped !== null) this.settle(id, { id, message: this.stopped });
    return storedRunOf(id, input, row);
  }

  /** Waits until every run handed over is written or failed, then ends the thread; returns the failures. */
  async finish(): Promise<StoreFailure[]> {
    const outcomes = await Promise.all(this.outcomes);
    this.post({ type: 'close' }, []);
    await this.exited;
    return outcomes.filter((o): o is StoreFailure => o !== null);
  }

  private post(request: StoreRequest, transfer: ArrayBuffer[]): void {
    if (this.stopped === null) this.worker.postMessage(request, transfer);
  }

  private settle(id: number, failure: StoreFailure | null): void {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.(failure);
  }

  private stop(reason: string): void {
    this.stopped ??= reason;
    for (const id of [...this.waiting.keys()]) this.settle(id, { id, message: reason });
  }
}

/** Only for the kill test: dies at a named step as a `kill -9` would (TRADETUI_TEST_KILL_AT=backtest-store:STEP). */
export function testKillPoint(step: string): void {
  if (process.env.TRADETUI_TEST_KILL_AT === `backtest-store:${step}`) process.kill(process.pid, 'SIGKILL');
}
