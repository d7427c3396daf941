// `tradetui` with no command: paper trading on a replay of the shipped candles unless the config names an exchange
// feed. The engine runs in its own background process (started here when none runs on the data directory) and the
// TUI attaches to it; --headless runs the engine in the foreground instead, and viewers may attach to it too.
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UserError } from '../core/errors.js';
import { logFile } from '../config/paths.js';
import { createApp } from '../app/compose.js';
import { createLogger } from '../app/logger.js';
import { attachOrStart, runEngineProcess } from '../server/daemon.js';
import type { RemoteEngine } from '../server/remote.js';
import { createContext, type CliContext, type GlobalArgs } from './context.js';
import { liveOptIn } from '../live/opt-in.js';
import type { Config } from '../config/schema.js';

interface RunArgs extends GlobalArgs {
  headless?: boolean;
  speed?: number;
  feed?: 'replay' | 'exchange';
  ascii?: boolean;
  engineProcess?: boolean;
  live?: boolean;
  iUnderstandTheRisks?: boolean;
  exitAtEnd?: boolean;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: '$0',
  describe: 'Paper trading in the TUI, attached to the background engine of the data directory (started if none runs)',
  builder: (y) =>
    y
      .option('headless', { type: 'boolean', describe: 'no TUI: the engine in the foreground, one line per event on stdout (--json for JSON lines); viewers may attach' })
      .option('exit-at-end', { type: 'boolean', describe: 'with --headless: exit 0 when the replay ends (default: keep the engine up until stopped)' })
      .option('speed', { type: 'number', describe: 'replay speed in candles per second (default from config: 2)' })
      .option('feed', { choices: ['replay', 'exchange'] as const, describe: 'replay cached candles, or live candles from exchange.name' })
      .option('ascii', { type: 'boolean', describe: 'draw with ASCII only' })
      .option('readonly', { type: 'boolean', describe: 'watch only: keys that trade or change the engine are refused' })
      // what `tradetui` runs in the background: the engine with no screen and no output but its log
      .option('engine-process', { type: 'boolean', hidden: true })
      .option('live', { type: 'boolean', describe: 'REAL orders on exchange.name with the API keys (see "Going live" in the README)' })
      .option('i-understand-the-risks', { type: 'boolean', describe: 'with --live --headless: confirm real orders without a screen' })
      .example('$0', 'paper trading on the replay of shipped candles, in the TUI')
      .example('$0 --speed 20', 'replay 20 candles per second')
      .example('$0 --headless --json', 'run without a screen, JSON lines on stdout')
      .example('$0 --feed exchange', 'paper trading on live candles of the configured exchange'),
  handler: async (args) => {
    if (args.speed !== undefined && !(args.speed > 0 && args.speed <= 1000)) throw new UserError('must be between 0 and 1000 candles per second', '--speed');
    const ctx = createContext(args);
    const optIn = liveOptIn({ live: args.live, iUnderstandTheRisks: args.iUnderstandTheRisks, headless: args.headless }, ctx.config, { configSource: ctx.source });
    if (optIn.live) {
      await runLive(ctx.config, ctx.dataDir, ctx.json);
      return;
    }
    if (args.headless || args.engineProcess) {
      await runEngine(ctx, args);
      return;
    }
    // before starting anything in the background: a pipe or a cron job gets an error, not a stray engine
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use --headless', 'tui');
    // The TUI's modules (ink, react: about half a second) load while the engine is reached or started.
    const tuiModule = import('../tui/run.js');
    tuiModule.catch(() => {});
    const { engine, started } = await attachOrStart({
      dataDir: ctx.dataDir,
      client: 'tui',
      fps: ctx.config.tui.maxFps,
      engineArgs: engineArgs(ctx.dataDir, args),
      // The first start imports the shipped candles (a few seconds) before anything is drawn: say why.
      onStarting: () => process.stderr.write(`tradetui: starting the engine in the background (${ctx.dataDir})…\n`),
    });
    if (!started && (args.speed !== undefined || args.feed !== undefined)) {
      process.stderr.write('tradetui: an engine already runs on this data directory: --speed and --feed apply when it starts (use + and - for the replay speed)\n');
    }
    await attachTui(engine, ctx, Boolean(args.ascii), Boolean(args.readonly));
  },
};

/** The engine in this process: in the foreground (--headless) or as the background engine `tradetui` started. */
async function runEngine(ctx: CliContext, args: RunArgs): Promise<void> {
  const logger = createLogger(logFile(ctx.dataDir), ctx.config.logLevel);
  logger.info({ source: ctx.source, dataDir: ctx.dataDir, background: Boolean(args.engineProcess) }, 'starting');
  let told = false;
  const onSeedFile = (): void => {
    if (!told && args.headless) process.stderr.write('tradetui: adding the shipped candles to the cache (first run only)…\n');
    told = true;
  };
  const outcome = await runEngineProcess({
    dataDir: ctx.dataDir,
    logger,
    headless: args.engineProcess ? null : { json: ctx.json, exitAtEnd: Boolean(args.exitAtEnd) },
    createApp: () => createApp({ config: ctx.config, configSource: ctx.source, dataDir: ctx.dataDir, logger, speed: args.speed, feed: args.feed, onSeedFile }),
  });
  if (outcome === 'already-running') {
    // a background engine started by a second viewer at the same moment: the other one serves both
    if (args.engineProcess) return;
    throw new UserError(`an engine already runs on ${ctx.dataDir}: attach with "tradetui attach", or stop it with "tradetui stop"`, 'engine');
  }
}

/** The command line of the background engine: the same data directory, config, speed and feed. */
function engineArgs(dataDir: string, args: RunArgs): string[] {
  const out = ['--engine-process', '--data-dir', path.resolve(dataDir)];
  if (args.config) out.push('--config', path.resolve(args.config));
  if (args.speed !== undefined) out.push('--speed', String(args.speed));
  if (args.feed) out.push('--feed', args.feed);
  return out;
}

/** The TUI over a running engine; says on leaving how to come back or that the engine stopped. */
export async function attachTui(engine: RemoteEngine, ctx: CliContext, ascii: boolean, readonly = false): Promise<void> {
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
    process.stdout.write('tradetui: the engine stopped; the paper account and positions are saved.\n');
  } else if (outcome === 'engine-gone') {
    process.stderr.write(`tradetui: lost the engine (${await engine.closed}); see ${logFile(ctx.dataDir)}. Start it again with: tradetui\n`);
    process.exitCode = 1;
  }
}

/**
 * Live start-up: the reconciliation every live session begins with, reported. The engine's live composition
 * (kernel on the exchange broker) comes with the execution layer; until then --live stops here, having
 * placed no order.
 */
async function runLive(config: Config, dataDir: string, json: boolean): Promise<void> {
  const { startLiveSession } = await import('../live/start.js');
  const session = await startLiveSession(config, dataDir, { warn: (m) => process.stderr.write(`tradetui: warning: ${m}\n`) });
  const { report } = session;
  session.db.close();
  if (json) process.stdout.write(`${JSON.stringify({ type: 'reconcile', differences: report.unresolved }, null, 2)}\n`);
  else {
    process.stdout.write(`LIVE ${config.exchange.name}${config.exchange.sandbox ? ' (testnet)' : ''}: reconciled ${report.tradesScanned} trades, ${report.ordersChecked} journaled orders\n`);
    for (const d of report.unresolved) process.stdout.write(`  #${d.id} ${d.kind}: ${d.summary}\n`);
    if (report.unresolved.length === 0) process.stdout.write('  no differences\n');
  }
  throw new UserError('the live engine is not part of this build yet: start-up reconciliation ran, no order was placed', '--live');
}
