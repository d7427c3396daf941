// Persistence of a running engine: each step (a candle, a command, a broker report) runs in one SQLite
// transaction with the events it emitted and the account it changed. The engine's memory never runs ahead
// of the database: a kernel checkpoint is taken before each step and put back when the transaction rolls
// back (disk full, I/O error). The failed step is then held, with every step after it, in order, and
// retried until it commits: nothing is skipped, nothing is applied twice, and no decision is taken on
// candles the database has not recorded. The store itself writes events as the bus carries them
// (PaperStore.attach); this module decides where the transactions are.
import { errorMessage } from '../core/errors.js';
import { UserError } from '../core/errors.js';
import type { Alert } from '../core/events.js';
import type { PaperStore } from '../adapters/store/sqlite/paper-store.js';
import type { EventBus } from '../engine/bus.js';
import type { Kernel } from '../engine/kernel.js';
import type { Logger } from './logger.js';

/** Steps held because the database refused one of them (usually a full disk). */
export interface StorageFailure {
  since: number;
  error: string;
  /** Steps waiting, the failed one first. */
  held: number;
  attempts: number;
}

export interface Persistence {
  /**
   * A step of the feed or a broker report: runs in one transaction, after any held steps. When it cannot
   * commit, memory is rolled back and the step is held and retried (every `retryMs`) until it does. Never throws.
   */
  step(run: () => void): void;
  /** A step worth nothing once late (a derived alert): rolled back in memory and dropped on failure. */
  guarded(run: () => void): boolean;
  /** A command: runs in one transaction and returns its result; a failure rolls memory back and throws. */
  tx<T>(run: () => T): T;
  /** A step that arrives on its own (a live broker's report): joins the current transaction, else step(). */
  atomic(run: () => void): void;
  /** Called after each outermost transaction: true when it committed, false when it rolled back. */
  onSettled(listener: (committed: boolean) => void): () => void;
  /** Resolves once every held step has committed; null when none is held. Feeds that can wait, wait. */
  drained(): Promise<void> | null;
  failure(): StorageFailure | null;
  /** Stops retrying (the engine is stopping; a restart resumes from what was committed). */
  close(): void;
}

export function createPersistence(deps: {
  store: PaperStore;
  bus: EventBus;
  logger: Logger;
  now: () => number;
  /** The kernel, once made (the kernel needs `atomic` before it exists). */
  kernel: () => Kernel;
  nextAlertId: () => string;
  /** An alert's times: the replay clock with the wall clock beside it, or the wall clock alone (default). */
  alertTimes?: () => { time: number; wallTime?: number };
  /** How often held steps are tried again (ms). */
  retryMs?: number;
  /** Told when storage starts failing (with the failure) and when it has recovered (null). */
  onFailure?: (failure: StorageFailure | null) => void;
}): Persistence {
  const { store, bus, logger, now } = deps;
  const alertTimes = deps.alertTimes ?? (() => ({ time: now() }));
  const retryMs = deps.retryMs ?? 2000;
  const settled = new Set<(committed: boolean) => void>();
  const settle = (committed: boolean): void => {
    for (const l of settled) {
      try {
        l(committed);
      } catch (err) {
        logger.error({ err }, 'transaction listener failed');
      }
    }
  };
  const saveAccount = (): void => {
    const kernel = deps.kernel();
    const p = kernel.portfolio;
    store.saveAccount(p.cash, p.feesPaid, p.realisedPnl, now());
    // Cooldowns, guards, their histories and the drawdown peak survive a restart (issue #9).
    const risk = kernel.risk.snapshot?.();
    if (risk) store.saveRiskState(risk, now());
  };

  /** Thrown when a step failed and memory could not be put back (a broker without checkpoints). */
  class Diverged extends Error {}

  // Steps in progress. Not db.inTransaction: SQLite ends a transaction by itself on some errors (SQLITE_FULL),
  // and a report arriving after that must still join the failing step, not commit on its own.
  let depth = 0;
  const inStep = (): boolean => depth > 0;

  /** One transaction with a memory checkpoint; nested calls join the outer one. */
  const attempt = <T>(run: () => T): T => {
    if (inStep()) return run();
    const undo = deps.kernel().checkpoint();
    depth++;
    try {
      const out = store.tx(() => {
        const result = run();
        saveAccount();
        return result;
      });
      depth--;
      settle(true);
      return out;
    } catch (err) {
      depth--;
      if (undo) undo();
      settle(false);
      if (!undo) throw new Diverged(errorMessage(err), { cause: err });
      throw err;
    }
  };

  /** The old answer when memory cannot be put back: entries halt, a restart restores the committed state. */
  const haltDiverged = (err: unknown): void => {
    logger.error({ err }, 'engine step failed and memory could not be rolled back; halting new entries');
    try {
      attempt(() => {
        deps.kernel().setState('halted', `engine error: ${errorMessage(err)} (restart restores the last committed state)`, 'system');
        const alert: Alert = { id: deps.nextAlertId(), ...alertTimes(), severity: 'critical', category: 'error', message: `engine error, entries halted: ${errorMessage(err)}` };
        bus.emit({ type: 'alert', alert });
      });
    } catch (inner) {
      // Not even the halt could be stored: keep it in memory, where entries are decided.
      deps.kernel().state = 'halted';
      logger.fatal({ err: inner }, 'could not record the halt');
    }
  };

  const queue: Array<() => void> = [];
  let failing: StorageFailure | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let waiters: Array<() => void> = [];

  /** true: committed; false: rolled back and to be held. */
  const tryStep = (run: () => void): boolean => {
    try {
      attempt(run);
      return true;
    } catch (err) {
      if (err instanceof Diverged) {
        haltDiverged(err.cause);
        return true; // applied in memory; nothing to hold
      }
      if (failing) {
        failing.attempts++;
        const message = errorMessage(err);
        if (message !== failing.error) logger.error({ err }, 'held engine step failed again');
        failing.error = message;
      } else startFailing(err);
      return false;
    }
  };

  const startFailing = (err: unknown): void => {
    failing = { since: now(), error: errorMessage(err), held: 0, attempts: 1 };
    logger.error({ err }, 'engine step could not be stored; memory rolled back, candles held until the database accepts them');
    // Said outside any transaction: it may not be storable, but the trader must hear it.
    const alert: Alert = {
      id: deps.nextAlertId(),
      ...alertTimes(),
      severity: 'critical',
      category: 'error',
      message: `database refused a step (${failing.error}): no new decisions or entries until it is stored; retrying every ${Math.round(retryMs / 1000)} s (free disk space)`,
    };
    try {
      bus.emit({ type: 'alert', alert });
    } catch (err2) {
      logger.warn({ err: err2 }, 'the storage alert could not be stored either');
    }
  };

  const schedule = (): void => {
    if (timer || closed) return;
    timer = setTimeout(drain, retryMs);
    timer.unref();
  };

  const drain = (): void => {
    timer = null;
    while (queue.length > 0) {
      if (!tryStep(queue[0]!)) {
        failing!.held = queue.length;
        deps.onFailure?.(failing);
        return schedule();
      }
      queue.shift();
    }
    if (failing) {
      const f = failing;
      failing = null;
      logger.info({ seconds: (now() - f.since) / 1000, attempts: f.attempts }, 'storage recovered; held steps committed');
      deps.onFailure?.(null);
      guarded(() => {
        const alert: Alert = { id: deps.nextAlertId(), ...alertTimes(), severity: 'info', category: 'system', message: `database accepts writes again after ${Math.round((now() - f.since) / 1000)} s; ${f.held} held step(s) applied in order` };
        bus.emit({ type: 'alert', alert });
      });
    }
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const step = (run: () => void): void => {
    if (inStep()) return run();
    if (queue.length > 0) {
      queue.push(run);
      failing!.held = queue.length;
      return;
    }
    if (tryStep(run)) return;
    queue.push(run);
    failing!.held = queue.length;
    deps.onFailure?.(failing);
    schedule();
  };

  const guarded = (run: () => void): boolean => {
    try {
      attempt(run);
      return true;
    } catch (err) {
      if (err instanceof Diverged) haltDiverged(err.cause);
      else logger.warn({ err }, 'engine step dropped: it could not be stored');
      return false;
    }
  };

  return {
    step,
    guarded,
    tx: (run) => {
      if (queue.length > 0 && !inStep()) {
        throw new UserError(`the database refuses writes (${failing?.error ?? 'unknown error'}); commands wait until it accepts them again (free disk space)`, 'storage');
      }
      try {
        return attempt(run);
      } catch (err) {
        if (!(err instanceof Diverged)) throw err;
        haltDiverged(err.cause);
        throw err.cause;
      }
    },
    atomic: (run) => (inStep() ? run() : step(run)),
    onSettled(listener) {
      settled.add(listener);
      return () => settled.delete(listener);
    },
    drained: () => (queue.length === 0 ? null : new Promise<void>((resolve) => waiters.push(resolve))),
    failure: () => (failing ? { ...failing } : null),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
  };
}
