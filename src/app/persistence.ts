// Persistence of a running engine: each step (a candle, a command, a broker report) runs in one SQLite
// transaction with the events it emitted and the account it changed. A step that fails is rolled back and
// entries halt, rather than the engine guessing at a half-applied state. The store itself writes events
// as the bus carries them (PaperStore.attach); this module decides where the transactions are.
import { errorMessage } from '../core/errors.js';
import type { Alert } from '../core/events.js';
import type { PaperStore } from '../adapters/store/sqlite/paper-store.js';
import type { EventBus } from '../engine/bus.js';
import type { Kernel } from '../engine/kernel.js';
import type { Logger } from './logger.js';

export interface Persistence {
  /** Runs a step in one transaction; a failure rolls it back, halts entries and alerts. Never throws. */
  guarded(step: () => void): void;
  /** Runs a step in one transaction and returns its result; a failure rolls it back and throws. */
  tx<T>(step: () => T): T;
  /** A step that arrives on its own (a live broker's report); joins the current transaction if any. */
  atomic(step: () => void): void;
}

export function createPersistence(deps: {
  store: PaperStore;
  bus: EventBus;
  logger: Logger;
  now: () => number;
  /** The kernel, once made (the kernel needs `atomic` before it exists). */
  kernel: () => Kernel;
  nextAlertId: () => string;
}): Persistence {
  const { store, bus, logger, now } = deps;
  const saveAccount = (): void => {
    const p = deps.kernel().portfolio;
    store.saveAccount(p.cash, p.feesPaid, p.realisedPnl, now());
  };
  const tx = <T>(step: () => T): T =>
    store.tx(() => {
      const out = step();
      saveAccount();
      return out;
    });
  const guarded = (step: () => void): void => {
    try {
      tx(step);
    } catch (err) {
      logger.error({ err }, 'engine step failed; halting new entries');
      try {
        store.tx(() => {
          deps.kernel().setState('halted', `engine error: ${errorMessage(err)} (restart restores the last committed state)`, 'system');
          const alert: Alert = { id: deps.nextAlertId(), time: now(), severity: 'critical', category: 'error', message: `engine error, entries halted: ${errorMessage(err)}` };
          bus.emit({ type: 'alert', alert });
        });
      } catch (inner) {
        logger.fatal({ err: inner }, 'could not record the halt');
      }
    }
  };
  return {
    guarded,
    tx,
    atomic: (step) => (store.inTransaction ? step() : guarded(step)),
  };
}
