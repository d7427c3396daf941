// The TUI's start (`tradetui` with no command), kept light so the first frame comes soon: the engine process is
// spawned before anything heavy loads (yargs and every command module, zod's config schemas, Ink and React), then
// the viewer checks the config and loads the TUI while the engine starts on the other core.
// `bin/tradetui.ts` comes here directly when the command line is a plain TUI start; yargs' `$0` handler too.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { dataDirBeforeCheck } from '../config/data-dir.js';
import { logFile } from '../config/paths.js';
import { engineLockHeld } from '../server/lock.js';
import type { RemoteEngine } from '../server/remote.js';
import { spawnEngine, type SpawnedEngine } from '../server/spawn-engine.js';
import { startMark } from '../server/start-trace.js';

export interface TuiStartArgs {
  config?: string;
  dataDir?: string;
  speed?: number;
  feed?: 'replay' | 'exchange';
  ascii?: boolean;
  readonly?: boolean;
  mouse?: boolean;
}

/**
 * The arguments of a plain TUI start (no command; only --config, --data-dir, --speed, --feed, --ascii, --readonly, --mouse,
 * each at most once and well formed), or null: yargs then parses the command line and says what is wrong.
 */
export function tuiStartArgs(argv: string[]): TuiStartArgs | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        speed: { type: 'string' },
        feed: { type: 'string' },
        ascii: { type: 'boolean' },
        readonly: { type: 'boolean' },
        mouse: { type: 'boolean' },
      },
    });
  } catch {
    return null;
  }
  const names = parsed.tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : []));
  if (new Set(names).size !== names.length) return null;
  const v = parsed.values;
  if (v.speed !== undefined && !/^\d+(\.\d+)?$/.test(v.speed)) return null;
  if (v.feed !== undefined && v.feed !== 'replay' && v.feed !== 'exchange') return null;
  if ([v.config, v['data-dir']].some((s) => s === '')) return null;
  return {
    ...(v.config !== undefined ? { config: v.config } : {}),
    ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}),
    ...(v.speed !== undefined ? { speed: Number(v.speed) } : {}),
    ...(v.feed !== undefined ? { feed: v.feed } : {}),
    ...(v.ascii ? { ascii: true } : {}),
    ...(v.readonly ? { readonly: true } : {}),
    ...(v.mouse ? { mouse: true } : {}),
  };
}

/** The command line of the background engine: the same data directory, config, speed and feed. */
export function engineArgs(dataDir: string, args: TuiStartArgs): string[] {
  const out = ['--engine-process', '--data-dir', path.resolve(dataDir)];
  if (args.config) out.push('--config', path.resolve(args.config));
  if (args.speed !== undefined) out.push('--speed', String(args.speed));
  if (args.feed) out.push('--feed', args.feed);
  return out;
}

/** Paper trading in the TUI, attached to the data directory's engine, which is started in the background if none runs. */
export async function startTui(args: TuiStartArgs): Promise<void> {
  if (args.speed !== undefined && !(args.speed > 0 && args.speed <= 1000)) throw new UserError('must be between 0 and 1000 candles per second', '--speed');
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    // a config error is reported first, as by every command; a pipe or a cron job starts no stray engine
    await checkedConfig(args);
    throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use --headless', 'tui');
  }
  // The engine's start is the longer way to the first frame: spawned before anything else loads, when no engine
  // holds the data directory's lock (one that does is attached to below, as is one that wins a race to it).
  const early = await dataDirBeforeCheck({ configFile: args.config, dataDir: args.dataDir });
  let spawned: SpawnedEngine | null = null;
  if (early !== null && !(await engineLockHeld(early))) spawned = spawnEngine(early, engineArgs(early, args));
  // Ink and React load while the config is checked and the engine starts.
  import('../tui/run.js').then(() => startMark('viewer: TUI modules loaded'), () => {});
  const { config, dataDir } = await checkedConfig(args);
  startMark('viewer: config loaded');
  const { attachOrStart, waitForEngine } = await import('../server/daemon.js');
  const starting = (): void => void process.stderr.write(`tradetui: starting the engine in the background (${dataDir})…\n`);
  const connect = { client: 'tui', fps: config.tui.maxFps };
  let engine: RemoteEngine;
  let started = true;
  if (spawned) {
    starting();
    engine = await waitForEngine(dataDir, spawned, connect);
  } else {
    ({ engine, started } = await attachOrStart({ dataDir, ...connect, engineArgs: engineArgs(dataDir, args), onStarting: starting }));
  }
  startMark('viewer: connected');
  if (!started && (args.speed !== undefined || args.feed !== undefined)) {
    process.stderr.write('tradetui: an engine already runs on this data directory: --speed and --feed apply when it starts (use + and - for the replay speed)\n');
  }
  await attachTui(engine, { config, dataDir }, Boolean(args.ascii), Boolean(args.readonly), args.mouse);
}

/** The TUI over a running engine; says on leaving how to come back or that the engine stopped. */
export async function attachTui(engine: RemoteEngine, ctx: { config: Config; dataDir: string }, ascii: boolean, readonly = false, mouse?: boolean): Promise<void> {
  const { runTui } = await import('../tui/run.js');
  await engine.prefetch();
  const outcome = await runTui(
    engine,
    {
      maxFps: ctx.config.tui.maxFps,
      ascii: ascii || ctx.config.tui.ascii,
      noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '',
      logFile: logFile(ctx.dataDir),
      readonly,
      mouse: mouse ?? ctx.config.tui.mouse,
      keys: ctx.config.tui.keys,
      colors: ctx.config.tui.theme,
    },
    {},
    {
      stopEngine: () => engine.stopEngine(),
      onUpdate: (l) => engine.onUpdate(l),
      closed: engine.closed,
      engineStopped: () => engine.engineStopped,
      pid: engine.info.pid,
    },
  );
  if (outcome === 'detached') {
    process.stdout.write(`tradetui: detached; the engine keeps trading in the background (pid ${engine.info.pid}).\n  come back: tradetui attach    summary: tradetui status    stop it: tradetui stop\n`);
  } else if (outcome === 'engine-stopped') {
    process.stdout.write(`tradetui: the engine stopped; the ${engine.snapshot().mode === 'live' ? 'live journal' : 'paper account'} and positions are saved.\n`);
  } else if (outcome === 'engine-gone') {
    process.stderr.write(`tradetui: lost the engine (${await engine.closed}); see ${logFile(ctx.dataDir)}. Start it again with: tradetui\n`);
    process.exitCode = 1;
  }
}

/** The config checked in full (zod), loaded only once the engine is spawned. */
async function checkedConfig(args: TuiStartArgs): Promise<{ config: Config; dataDir: string }> {
  const [{ loadCliConfig }, { skipSchemaCompilation }] = await Promise.all([import('./config-args.js'), import('../config/load.js')]);
  skipSchemaCompilation();
  return loadCliConfig(args);
}
