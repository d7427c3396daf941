// Training in a worker thread: the caller (CLI, TUI) keeps its event loop while TensorFlow.js trains.
// Candles go over once as transferred buffers; progress comes back as messages; cancel is a shared flag the
// training loop polls after each batch (a message would wait behind the busy loop), and a cancelled run
// saves nothing. A fit that polls nothing (XGBoost's boosting rounds) is stopped by ending the thread after a
// grace period, and its temporary model folder is removed. Runs the same trainModel() as a direct call, so results do not depend on where it ran.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { CandleSeries } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import type { ExternalSeries } from './features.js';
import type { ModelMeta } from './registry.js';
import type { SaveTarget, TrainHooks, TrainProgress, TrainResult, TrainSettings } from './train.js';

interface Job {
  settings: TrainSettings;
  candles: CandleSeries;
  external: [string, ExternalSeries][];
  target: SaveTarget;
  cancel: Int32Array;
}

type Message =
  | { type: 'start'; backend: string; trainRows: number; validRows: number }
  | { type: 'epoch'; progress: TrainProgress }
  | { type: 'done'; meta: ModelMeta; dir: string }
  | { type: 'error'; message: string; where?: string; user: boolean; cancelled: boolean };

/** This module's file to start as a worker: compiled .js next to us, or the .ts source through tsx. */
function workerEntry(): { file: string | URL; eval?: boolean } {
  const self = fileURLToPath(import.meta.url);
  // Running from source (tests, tsx): a bootstrap registers tsx in the worker, then imports this file. Tests
  // may name the fresh build instead (TRADETUI_TEST_BUILT_WORKERS=dist/): tsx compiles the tree again per worker.
  if (self.endsWith('.ts')) {
    const built = process.env.TRADETUI_TEST_BUILT_WORKERS;
    if (built) return { file: join(built, 'src', 'ml', 'worker.js') };
    return { file: `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`, eval: true };
  }
  if (self.endsWith(join('ml', 'worker.js'))) return { file: self };
  // Bundled CLI (dist/tradetui.mjs): the compiled module tree sits beside it in dist/src/.
  let dir = dirname(self);
  for (;;) {
    const file = join(dir, 'dist', 'src', 'ml', 'worker.js');
    if (existsSync(file)) return { file };
    const alt = join(dir, 'src', 'ml', 'worker.js');
    if (existsSync(alt)) return { file: alt };
    const up = dirname(dir);
    if (up === dir) throw new Error(`training worker not found near ${self}`);
    dir = up;
  }
}

export class TrainingHandle {
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  readonly done: Promise<TrainResult>;
  private worker: Worker | null = null;
  private settled = false;
  private rejectDone: (err: Error) => void = () => {};
  private readonly target: SaveTarget;

  constructor(settings: TrainSettings, candles: CandleSeries, external: Map<string, ExternalSeries>, target: SaveTarget, hooks: Omit<TrainHooks, 'cancelled'>) {
    this.target = target;
    const entry = workerEntry();
    const n = candles.length;
    // Own copies, transferred (not cloned) to the worker.
    const copy = (a: Float64Array): Float64Array => a.slice(0, n);
    const job: Job = {
      settings,
      candles: { length: n, time: copy(candles.time), open: copy(candles.open), high: copy(candles.high), low: copy(candles.low), close: copy(candles.close), volume: copy(candles.volume) },
      external: [...external],
      target,
      cancel: this.cancelFlag,
    };
    const transfer = [job.candles.time, job.candles.open, job.candles.high, job.candles.low, job.candles.close, job.candles.volume].map((a) => a.buffer as ArrayBuffer);
    this.done = new Promise<TrainResult>((resolve, reject) => {
      const w = new Worker(entry.file, { workerData: job, eval: entry.eval ?? false, transferList: transfer });
      this.worker = w;
      const settle = <T>(fn: (v: T) => void) => (v: T): void => {
        if (this.settled) return;
        this.settled = true;
        fn(v);
      };
      this.rejectDone = settle(reject);
      w.on('message', (m: Message) => {
        if (m.type === 'start') hooks.onStart?.(m);
        else if (m.type === 'epoch') hooks.onEpoch?.(m.progress);
        else if (m.type === 'done') settle(resolve)({ meta: m.meta, dir: m.dir });
        else this.rejectDone(m.cancelled ? new TrainingCancelledError() : m.user ? new UserError(m.message, m.where) : new Error(m.message));
      });
      w.on('error', (err) => this.rejectDone(err));
      w.on('exit', (code) => this.rejectDone(new Error(`training worker exited with code ${code} before finishing`)));
    });
  }

  /**
   * Stops after the current batch; done then rejects with TrainingCancelledError and nothing is saved. When
   * the worker does not answer within `graceMs` (a fit with no per-round hook), the thread is ended instead.
   */
  cancel(graceMs = 2000): void {
    Atomics.store(this.cancelFlag, 0, 1);
    const timer = setTimeout(() => {
      if (this.settled) return;
      this.rejectDone(new TrainingCancelledError());
      void this.worker?.terminate().then(() => {
        // the worker shares our pid, so this is exactly the folder its save may have begun
        rmSync(join(this.target.root, `.tmp-${this.target.id}-${process.pid}`), { recursive: true, force: true });
      });
    }, graceMs);
    timer.unref();
  }

  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }
}

export class TrainingCancelledError extends Error {
  constructor() {
    super('training cancelled; nothing was saved');
  }
}

/** Trains in a worker thread. */
export function trainInWorker(settings: TrainSettings, candles: CandleSeries, external: Map<string, ExternalSeries>, target: SaveTarget, hooks: Omit<TrainHooks, 'cancelled'> = {}): TrainingHandle {
  return new TrainingHandle(settings, candles, external, target, hooks);
}

// ---------------------------------------------------------------------------------------------------------
// Inside the worker

if (!isMainThread && parentPort && (workerData as Job | undefined)?.settings) {
  const job = workerData as Job;
  const port = parentPort;
  const post = (m: Message): void => port.postMessage(m);
  void (async () => {
    try {
      const { trainModel, TrainingCancelled } = await import('./train.js');
      try {
        const r = await trainModel(job.settings, { candles: job.candles, external: new Map(job.external) }, job.target, {
          onStart: (info) => post({ type: 'start', ...info }),
          onEpoch: (progress) => post({ type: 'epoch', progress }),
          cancelled: () => Atomics.load(job.cancel, 0) === 1,
        });
        post({ type: 'done', meta: r.meta, dir: r.dir });
      } catch (err) {
        const user = err instanceof UserError;
        post({ type: 'error', message: (err as Error).message, where: user ? err.where : undefined, user, cancelled: err instanceof TrainingCancelled });
      }
    } catch (err) {
      post({ type: 'error', message: (err as Error).message, user: false, cancelled: false });
    }
  })();
}
