// The engine process's hold on its App: the one that runs now, and the swap a replay restart makes. Restarting the
// replay from a date ends this App (its feed, Telegram, database), lets the account be archived and replaced while
// nothing has the database open, and builds a new App on the new account exactly as a start would — so the engine
// after a restart from D is the engine a fresh data directory with paper.replayFrom = D gives. Viewers (the control
// socket, headless output) follow the swap through onSwap.
import { errorMessage } from '../core/errors.js';
import type { App } from './compose.js';
import type { Logger } from './logger.js';

/** What an App may ask of the process that hosts it. */
export interface AppHooks {
  /**
   * Stops this App, runs `reset` (archive and replace the account) with the database closed, then starts a new App
   * whose replay holds at its first candle. When `reset` fails the account is unchanged and the old App runs again.
   */
  restartReplay?(reset: () => Promise<string>): Promise<{ ok: boolean; message: string }>;
  /** The new App's replay starts held (P plays), at this speed. */
  held?: boolean;
  speed?: number;
}

export interface EngineHost {
  /** The App running now. */
  readonly app: App;
  /**
   * Told with null when a restart begins (the current App is about to stop: nothing may read it until the swap),
   * then with the new App (or the old account's again, when the restart failed) before it delivers candles.
   */
  onSwap(listener: (app: App | null) => void): () => void;
  /** Resolves with the App that replaces the current one while a restart is under way, else null. */
  restarting(): Promise<App> | null;
  /** Stops the current App, after a restart under way has stored its account (and starts no new App). */
  close(): Promise<void>;
}

/** `onFatal`: no App could be started after a restart (the account is stored): the process should stop. */
export async function createEngineHost(make: (hooks: AppHooks) => Promise<App>, logger: Logger, onFatal?: () => void): Promise<EngineHost> {
  const listeners = new Set<(app: App | null) => void>();
  let pending: Promise<App> | null = null;
  const hooks: AppHooks = {
    async restartReplay(reset) {
      if (pending) return { ok: false, message: 'a replay restart is already under way' };
      const old = app;
      let settle!: (a: App) => void;
      let fail!: (e: unknown) => void;
      pending = new Promise<App>((resolve, reject) => ((settle = resolve), (fail = reject)));
      pending.catch(() => {});
      const speed = old.snapshot().feed.speed ?? undefined;
      // Followers (headless output) take the new App before it says anything.
      const startAnother = async (h: AppHooks): Promise<void> => {
        swap(await make(h));
        settle(app);
        await new Promise((r) => setImmediate(r));
        await app.start();
      };
      try {
        for (const l of listeners) l(null);
        await old.stop();
        let message: string;
        try {
          message = await reset();
          if (closing) {
            settle(old);
            return { ok: true, message: `${message}; the engine is stopping: the new account starts with its next start` };
          }
        } catch (err) {
          if (closing) throw err;
          logger.error({ err }, 'replay restart failed; the account is unchanged');
          await startAnother({ ...hooks, speed });
          return { ok: false, message: `the replay was not restarted, the account is unchanged: ${errorMessage(err)}` };
        }
        await startAnother({ ...hooks, held: true, speed });
        // Said where the trader looks later too: the Alerts pane, the alerts table, Telegram.
        app.raise({ severity: 'info', category: 'system', message });
        logger.info({ message }, 'replay restarted');
        return { ok: true, message };
      } catch (err) {
        // The new account is stored (or the old one intact); the next start of the engine resumes it.
        logger.fatal({ err }, 'replay restart: the engine could not start again; stopping (the next start resumes the stored account)');
        fail(err);
        onFatal?.();
        throw err;
      } finally {
        pending = null;
      }
    },
  };
  let closing = false;
  let app = await make(hooks);
  const swap = (next: App): void => {
    app = next;
    for (const l of listeners) l(next);
  };
  return {
    get app() {
      return app;
    },
    onSwap(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    restarting: () => pending,
    async close() {
      closing = true;
      const restart = pending;
      await app.stop();
      // a restart under way finishes storing the account (or leaves the old one), then starts nothing
      await restart?.catch(() => undefined);
    },
  };
}
