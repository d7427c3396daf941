// Entry point of the interactive TUI: owns the terminal for the session. Enters the alternate screen, draws the
// App's composed frames through the cell-diffing ScreenWriter at a low frame rate, keeps logs off the screen (console → log file), and restores
// the terminal on quit, Ctrl-C, SIGTERM and uncaught errors (the error then goes to the log file and stderr).
import fs from 'node:fs';
import { format } from 'node:util';
import React from 'react';
import { render } from 'ink';
import { UserError } from '../core/errors.js';
import type { EngineApi } from '../engine/ports.js';
import type { TuiApi } from '../engine/viewer-api.js';
import { App } from './App.js';
import { ScreenWriter } from './screen-writer.js';
import { MOUSE_OFF, MOUSE_ON, MouseInput } from './mouse.js';
import { ViewStore } from './store/view-store.js';
import { detectCapabilities, makeTheme } from './theme/theme.js';
import { type KeyOverrides, applyKeyOverrides } from '../config/keys.js';
import type { TuiConfig } from '../config/tui-schema.js';
import { startMark } from '../server/start-trace.js';

export interface TuiOptions {
  maxFps: number;
  ascii: boolean;
  noColor: boolean;
  /** Where console output and errors go while the TUI owns the screen. */
  logFile: string;
  /** Watch only: keys that trade or change the engine are refused. */
  readonly?: boolean;
  /** Mouse reporting on (tui.mouse / --mouse): clicks and the wheel; always turned off again when the TUI ends. */
  mouse?: boolean;
  /** The config's `tui.keys` (checked by the config schema) and `tui.theme` colours by role. */
  keys?: KeyOverrides;
  colors?: TuiConfig['theme'];
}

/** When the TUI is a viewer of an engine in another process (tradetui, tradetui attach). */
export interface RemoteControls {
  /** Stops the engine process itself (q → stop the engine too). */
  stopEngine(): Promise<void>;
  /** Fresh data for a read that had returned cached data: redraw. */
  onUpdate(listener: () => void): () => void;
  /** Resolves with the reason when the connection to the engine ends. */
  closed: Promise<string>;
  /** Whether the engine said it was stopping before the connection ended (else it died). */
  engineStopped(): boolean;
  pid: number;
}

/** How the session ended: quit (in-process engine stopped), detached (engine keeps running), or the engine ended. */
export type TuiOutcome = 'quit' | 'detached' | 'engine-stopped' | 'engine-gone';

export interface TuiStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

const ENTER_ALT = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

export async function runTui(
  app: EngineApi & { stop(): Promise<void>; start?(): Promise<void> },
  opts: TuiOptions,
  io: Partial<TuiStreams> = {},
  remote?: RemoteControls,
): Promise<TuiOutcome> {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  if (!stdout.isTTY || !stdin.isTTY) throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use --headless', 'tui');

  const theme = makeTheme(detectCapabilities(env, { ascii: opts.ascii, noColor: opts.noColor }), opts.colors);
  const keymap = applyKeyOverrides(opts.keys ?? {});
  const log = (line: string): void => {
    try {
      fs.appendFileSync(opts.logFile, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log file is best effort; the screen must stay clean
    }
  };
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const savedConsole = consoleMethods.map((m) => console[m]);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => log(`[console.${m}] ${format(...args)}`);

  const store = new ViewStore(app as TuiApi, { maxFps: opts.maxFps });
  let drawn = false;
  const screen = new ScreenWriter({
    write: (d: string) => {
      safeWrite(stdout, d);
      if (!drawn) startMark('viewer: first frame');
      drawn = true;
    },
    get columns() {
      return stdout.columns;
    },
    get rows() {
      return stdout.rows;
    },
    on: (e, l) => stdout.on(e, l),
    off: (e, l) => stdout.off(e, l),
  });
  let restored = false;
  /** The terminal went away (hang-up, EIO/EPIPE): write nothing more to it. */
  let terminalGone = false;
  const safeWrite = (stream: NodeJS.WriteStream, data: string): void => {
    if (terminalGone) return;
    try {
      stream.write(data);
    } catch {
      terminalGone = true;
    }
  };
  let ink: ReturnType<typeof render> | null = null;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try {
      ink?.unmount();
    } catch {
      // unmounting a crashed tree may throw; the terminal restore below still runs
    }
    untouch?.();
    store.dispose();
    screen.close();
    if (stdin.isTTY) {
      try {
        stdin.setRawMode(false);
      } catch {
        /* stdin may already be closed */
      }
    }
    untouchMouse?.();
    // reporting off even if it was never on: a terminal left reporting would type escape codes into the shell
    if (opts.mouse) safeWrite(stdout, MOUSE_OFF);
    safeWrite(stdout, LEAVE_ALT);
    consoleMethods.forEach((m, i) => (console[m] = savedConsole[i]!));
  };

  // A remote engine's viewer detaches on q, Ctrl-C, SIGTERM and a hang-up; only the quit dialog stops the engine.
  let outcome: TuiOutcome = remote ? 'detached' : 'quit';
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const untouch = remote?.onUpdate(() => store.touch());
  /** The session is ending on its own terms: the connection closing now is the detach, not a lost engine. */
  let leaving = false;
  remote?.closed.then(() => {
    if (!leaving && outcome === 'detached') outcome = remote.engineStopped() ? 'engine-stopped' : 'engine-gone';
    quit();
  });
  const stopEngine = (): void => {
    outcome = 'engine-stopped';
    remote!.stopEngine().then(quit, (err: unknown) => {
      log(`[engine] stop failed: ${err instanceof Error ? err.message : String(err)}`);
      quit();
    });
  };
  let dying = false;
  const fatal = (err: unknown): void => {
    // once only: a failing write to a vanished terminal must not feed back into this handler
    if (dying) return;
    dying = true;
    restore();
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`[fatal] ${text}`);
    safeWrite(stderr, `tradetui: ${err instanceof Error ? err.message : String(err)} (details in ${opts.logFile})\n`);
    process.exitCode = 1;
    const exit = (): never => process.exit(1);
    app.stop().then(exit, exit);
    setTimeout(exit, 5000).unref();
  };
  const onSignal = (): void => quit();
  const onHangup = (): void => {
    // best effort before the terminal is taken as gone: a SIGHUP sent by hand leaves it in use
    if (opts.mouse) safeWrite(stdout, MOUSE_OFF);
    terminalGone = true;
    quit();
  };
  const onStreamError = (err: NodeJS.ErrnoException): void => {
    // EIO / EPIPE: the terminal is gone; stop cleanly without drawing
    log(`[terminal] ${err.code ?? ''} ${err.message}`);
    terminalGone = true;
    quit();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  stdout.on('error', onStreamError);
  stderr.on('error', onStreamError);
  const detach = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangup);
    process.off('uncaughtException', fatal);
    process.off('unhandledRejection', fatal);
    stdout.off('error', onStreamError);
    stderr.off('error', onStreamError);
    process.off('exit', mouseOffAtExit);
  };

  // the reports are taken out of stdin before Ink reads it, so none can be read as keys
  const mouse = opts.mouse ? new MouseInput() : undefined;
  const untouchMouse = mouse?.attach(stdin as unknown as { read: (size?: number) => unknown });
  // a last resort for an exit that bypasses restore (process.exit elsewhere): never leave the terminal reporting
  const mouseOffAtExit = (): void => {
    if (!restored) safeWrite(stdout, MOUSE_OFF);
  };
  if (mouse) process.once('exit', mouseOffAtExit);
  safeWrite(stdout, ENTER_ALT + (mouse ? MOUSE_ON : ''));
  try {
    // The App hands each composed frame (Line[]) to the ScreenWriter, which diffs cells and positions absolutely;
    // Ink only hosts React, reads keys and relays resizes: its own tree is empty, and in debug mode it writes its
    // (empty) output straight to the ScreenWriter, which ignores it, instead of driving log-update's cursor moves.
    // Frames come at most maxFps per second from the ViewStore, plus one per key press.
    ink = render(
      <App
        api={app as TuiApi}
        store={store}
        theme={theme}
        frames={screen}
        onQuit={() => quit()}
        readonly={opts.readonly ?? false}
        keymap={keymap}
        {...(mouse ? { mouse } : {})}
        {...(remote ? { onDetach: () => quit(), onStopEngine: stopEngine } : {})}
      />,
      {
      stdin,
      stdout: screen as unknown as NodeJS.WriteStream,
      stderr,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: opts.maxFps,
    });
    // the feed starts after the first frame is on screen, so startup shows the app at once
    if (app.start) app.start().catch(fatal);
    // a render error ends the Ink app: treat it like quitting, then rethrow after the terminal is back
    let renderError: unknown = null;
    await Promise.race([quitting, ink.waitUntilExit().catch((err: unknown) => (renderError = err ?? new Error('the TUI exited'))) ]);
    leaving = true;
    restore();
    if (renderError) {
      const text = renderError instanceof Error ? (renderError.stack ?? renderError.message) : String(renderError);
      log(`[fatal] ${text}`);
      safeWrite(stderr, `tradetui: the screen crashed: ${renderError instanceof Error ? renderError.message : String(renderError)} (details in ${opts.logFile})\n`);
      await app.stop();
      throw renderError;
    }
    await app.stop();
    return outcome;
  } catch (err) {
    restore();
    throw err;
  } finally {
    detach();
  }
}
