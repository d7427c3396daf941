// The engine as a process of its own: holds the data directory's lock, serves the control socket, trades until a
// viewer or a signal stops it. And the viewer's side: attach to the engine of a data directory, starting one in the
// background (detached from the terminal, output in the data directory) when none runs.
import fs from 'node:fs';
import { UserError } from '../core/errors.js';
import type { App } from '../app/compose.js';
import { createEngineHost, type AppHooks, type EngineHost } from '../app/engine-host.js';
import { runHeadless } from '../app/headless.js';
import type { Logger } from '../app/logger.js';
import { acquireEngineLock, engineLockHeld } from './lock.js';
import { startEngineServer, type EngineServer } from './engine-server.js';
import { socketFile } from './protocol.js';
import { NoEngineError, RemoteEngine, type ConnectOptions } from './remote.js';
import { spawnEngine, type SpawnedEngine } from './spawn-engine.js';
import { startMark } from './start-trace.js';

export { engineOutFile } from './spawn-engine.js';

export interface EngineProcessOptions {
  dataDir: string;
  logger: Logger;
  /** Makes the App; again after a replay restart, with the hooks' held start and speed (app/engine-host.ts). */
  createApp(hooks: AppHooks): Promise<App>;
  /** Foreground with one line per event on stdout (--headless), or null: a background engine, silent. */
  headless: { json: boolean; exitAtEnd?: boolean } | null;
  /** Called once the socket accepts viewers (tests, benchmarks). */
  onListening?(server: EngineServer): void;
  frameMs?: number;
}

/**
 * Runs the engine of a data directory until it is stopped (a viewer's stop, SIGTERM, SIGINT; a headless replay also
 * stops when it ends). Returns 'already-running' without touching the database when another engine holds the lock.
 */
export async function runEngineProcess(opts: EngineProcessOptions): Promise<'stopped' | 'already-running'> {
  const lock = await acquireEngineLock(opts.dataDir);
  if (!lock) return 'already-running';
  let server: EngineServer | null = null;
  let host: EngineHost | null = null;
  try {
    let fatal = (): void => {};
    host = await createEngineHost((hooks) => opts.createApp(hooks), opts.logger, () => fatal());
    startMark('engine: app created');
    const theHost = host!;
    let stopRequested!: () => void;
    const stopping = new Promise<void>((r) => (stopRequested = r));
    const stop = (): void => {
      stopRequested();
      void theHost.app.stop();
    };
    fatal = stop;
    server = await startEngineServer({
      api: theHost.app,
      socketPath: socketFile(opts.dataDir),
      dataDir: opts.dataDir,
      logger: opts.logger,
      headless: opts.headless !== null,
      onStopRequest: stop,
      frameMs: opts.frameMs,
    });
    // After a replay restart every viewer re-reads the new account whole (engine-server.ts replaceApi).
    const theServer = server;
    theHost.onSwap((next) => (next ? theServer.replaceApi(next) : theServer.hold('the engine is restarting the replay on a new account; try again in a moment')));
    opts.logger.info({ pid: process.pid, lock: lock.kind, socket: socketFile(opts.dataDir) }, 'engine listening');
    startMark('engine: listening');
    opts.onListening?.(server);
    // The engine outlives its terminal: a hang-up is not a reason to stop trading.
    const ignoreHangup = (): void => opts.logger.info('SIGHUP ignored: the engine keeps running');
    process.on('SIGHUP', ignoreHangup);
    try {
      if (opts.headless) {
        // runHeadless stops on SIGTERM/SIGINT (and at the end of a replay with --exit-at-end); a viewer's stop ends its feed too
        await runHeadless(theHost.app, { json: opts.headless.json, exitAtEnd: opts.headless.exitAtEnd, next: () => theHost.restarting() });
      } else {
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        await theHost.app.start();
        // a finished replay leaves the engine up (viewers still read it) until someone stops it
        await stopping;
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    } finally {
      process.off('SIGHUP', ignoreHangup);
    }
    return 'stopped';
  } finally {
    // the account is flushed and the database closed before viewers hear "stopped"
    await host?.close();
    await server?.close();
    opts.logger.info({ pid: process.pid }, 'engine stopped');
    await lock.release();
  }
}

/**
 * Connects to the engine of a data directory, or throws NoEngineError when none runs. An engine that holds the lock
 * but has not opened its socket yet (the first start seeds candles for a few seconds) is waited for.
 */
export async function attach(dataDir: string, opts: ConnectOptions & { startingWaitMs?: number }): Promise<RemoteEngine> {
  const deadline = Date.now() + (opts.startingWaitMs ?? 60_000);
  for (;;) {
    try {
      return await RemoteEngine.connect(socketFile(dataDir), opts);
    } catch (err) {
      if (!(err instanceof NoEngineError) || Date.now() > deadline || !(await engineLockHeld(dataDir))) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface StartOptions extends ConnectOptions {
  dataDir: string;
  /** Arguments of the background engine's command line (after the script). */
  engineArgs: string[];
  /** Told once when a new engine is being started (first start seeds candles: a few seconds). */
  onStarting?(): void;
  /** Called right after the engine process is spawned, while it starts (load what the viewer needs meanwhile). */
  onSpawned?(): void;
  startTimeoutMs?: number;
}

/**
 * Attaches to the data directory's engine, starting one in the background first when none runs. Two viewers
 * started at the same moment both start an engine; the lock lets one of them run, the other exits at once, and both
 * viewers attach to the survivor.
 */
export async function attachOrStart(opts: StartOptions): Promise<{ engine: RemoteEngine; started: boolean }> {
  try {
    return { engine: await attach(opts.dataDir, opts), started: false };
  } catch (err) {
    if (!(err instanceof NoEngineError)) throw err;
  }
  opts.onStarting?.();
  const spawned = spawnEngine(opts.dataDir, opts.engineArgs);
  opts.onSpawned?.();
  return { engine: await waitForEngine(opts.dataDir, spawned, opts), started: true };
}

/** Connects to the engine just spawned on a data directory once its socket accepts, or says why it did not start. */
export async function waitForEngine(dataDir: string, spawned: SpawnedEngine, opts: ConnectOptions & { startTimeoutMs?: number }): Promise<RemoteEngine> {
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  for (;;) {
    try {
      return await RemoteEngine.connect(socketFile(dataDir), opts);
    } catch (err) {
      if (!(err instanceof NoEngineError)) throw err;
    }
    // exit 0: another viewer's engine won the lock; keep waiting for its socket
    const exit = spawned.exitCode();
    if (exit !== null && exit !== 0) {
      const said = readFrom(spawned.outFile, spawned.outFrom).trim().split('\n').slice(-5).join('\n').replace(/^tradetui: /gm, '');
      const message = `the engine did not start (exit ${exit})${said ? `: ${said}` : ''} (see ${spawned.outFile})`;
      throw exit === 2 ? new UserError(message) : new Error(message);
    }
    if (Date.now() > deadline) throw new Error(`the engine did not open ${socketFile(dataDir)} within ${Math.round((opts.startTimeoutMs ?? 120_000) / 1000)} s (see ${spawned.outFile})`);
    // Short: the first frame waits for this connection (a failed connect to a missing socket costs microseconds).
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readFrom(file: string, from: number): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(from).toString('utf8');
  } catch {
    return '';
  }
}
