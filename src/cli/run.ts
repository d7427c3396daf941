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
import { ACTIONS, type ReconcileReport } from '../live/reconcile.js';

interface RunArgs extends GlobalArgs {
  headless?: boolean;
  speed?: number;
  feed?: 'replay' | 'exchange';
  ascii?: boolean;
  engineProcess?: boolean;
  live?: boolean;
  iUnderstandTheRisks?: boolean;
  exitAtEnd?: boolean;
  readonly?: boolean;
  mouse?: boolean;
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
      .option('mouse', { type: 'boolean', describe: 'click to focus a pane and select a row, wheel to scroll (default: config tui.mouse, off)' })
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
      await runLive(ctx, args);
      return;
    }
    if (args.headless || args.engineProcess) {
      await runEngine(ctx, args);
      return;
    }
    // before starting anything in the background: a pipe or a cron job gets an error, not a stray engine
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use --headless', 'tui');
    // The TUI's modules (ink, react: about half a second) load while the engine starts, but only once the engine
    // process is spawned: their compilation holds this thread, and the engine's start is the longer way to the first frame.
    let tuiModule: Promise<unknown> | null = null;
    const loadTui = (): void => {
      tuiModule ??= import('../tui/run.js');
      tuiModule.catch(() => {});
    };
    const { engine, started } = await attachOrStart({
      dataDir: ctx.dataDir,
      client: 'tui',
      fps: ctx.config.tui.maxFps,
      engineArgs: engineArgs(ctx.dataDir, args),
      onStarting: () => process.stderr.write(`tradetui: starting the engine in the background (${ctx.dataDir})…\n`),
      onSpawned: loadTui,
    });
    loadTui();
    if (!started && (args.speed !== undefined || args.feed !== undefined)) {
      process.stderr.write('tradetui: an engine already runs on this data directory: --speed and --feed apply when it starts (use + and - for the replay speed)\n');
    }
    await attachTui(engine, ctx, Boolean(args.ascii), Boolean(args.readonly), args.mouse);
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
export async function attachTui(engine: RemoteEngine, ctx: CliContext, ascii: boolean, readonly = false, mouse?: boolean): Promise<void> {
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

/**
 * Live trading: the engine on the exchange broker, after the start-up reconciliation. Headless (--live
 * --headless --i-understand-the-risks) in the foreground; otherwise the trader types the exchange's name and
 * the engine starts in the background (--live --engine-process) with the TUI attached to it.
 */
async function runLive(ctx: CliContext, args: RunArgs): Promise<void> {
  const { config } = ctx;
  const label = `${config.exchange.name}${config.exchange.sandbox ? ' testnet' : ''}`;
  if (args.headless || args.engineProcess) {
    const logger = createLogger(logFile(ctx.dataDir), config.logLevel);
    logger.info({ source: ctx.source, dataDir: ctx.dataDir, exchange: label, background: Boolean(args.engineProcess) }, 'starting live');
    const { createLiveApp } = await import('../app/live.js');
    // Rehearsals against a local fake exchange only (see app/test-clock.ts); null in real use.
    const { testClockFromEnv } = await import('../app/test-clock.js');
    const testClock = await testClockFromEnv(config);
    const print = (report: ReconcileReport): void => {
      if (!args.headless) return;
      if (ctx.json) process.stdout.write(`${JSON.stringify({ type: 'reconcile', exchange: label, tradesScanned: report.tradesScanned, ordersChecked: report.ordersChecked, missedFills: report.missedFills, differences: report.unresolved })}\n`);
      else process.stdout.write(`${formatReconcile(label, report)}\n`);
    };
    const outcome = await runEngineProcess({
      dataDir: ctx.dataDir,
      logger,
      headless: args.engineProcess ? null : { json: ctx.json, exitAtEnd: false },
      createApp: () =>
        createLiveApp({ config, configSource: ctx.source, dataDir: ctx.dataDir, logger, onReconciled: print, ...(testClock ? { now: testClock } : {}), warn: (m) => {
          logger.warn(m);
          if (args.headless) process.stderr.write(`tradetui: warning: ${m}\n`);
        } }),
    });
    if (outcome === 'already-running') {
      if (args.engineProcess) return;
      throw new UserError(`an engine already runs on ${ctx.dataDir}: stop it first ("tradetui stop"), or use another --data-dir for live trading`, 'engine');
    }
    return;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use --headless --i-understand-the-risks', 'tui');
  const { attach } = await import('../server/daemon.js');
  const { engineLockHeld } = await import('../server/lock.js');
  if (await engineLockHeld(ctx.dataDir)) {
    // An engine runs already: attach only if it is the live engine of this exchange account.
    const engine = await attach(ctx.dataDir, { client: 'tui', fps: config.tui.maxFps });
    const live = engine.snapshot().live;
    if (!live || live.exchange !== config.exchange.name || live.sandbox !== config.exchange.sandbox) {
      await engine.stop();
      throw new UserError(`a ${live ? `live ${live.exchange}` : 'paper'} engine already runs on ${ctx.dataDir}: stop it first ("tradetui stop"), or use another --data-dir`, '--live');
    }
    await attachTui(engine, ctx, Boolean(args.ascii), Boolean(args.readonly), args.mouse);
    return;
  }
  const { confirmLive } = await import('../tui/live-confirm.js');
  const confirmed = await confirmLive({
    exchange: config.exchange.name,
    sandbox: config.exchange.sandbox,
    maxCapital: config.live.maxCapital,
    currency: config.account.currency,
    instances: config.paper.instances.map((i) => `${i.strategy} ${i.symbol} ${i.timeframe}`),
    noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '',
  });
  if (!confirmed) {
    process.stderr.write('tradetui: live trading not confirmed; nothing was started and no order was placed\n');
    process.exitCode = 1;
    return;
  }
  const tuiModule = import('../tui/run.js');
  tuiModule.catch(() => {});
  const { engine } = await attachOrStart({
    dataDir: ctx.dataDir,
    client: 'tui',
    fps: config.tui.maxFps,
    engineArgs: [...engineArgs(ctx.dataDir, { ...args, speed: undefined, feed: undefined }), '--live'],
    onStarting: () => process.stderr.write(`tradetui: starting the LIVE engine on ${label} in the background (${ctx.dataDir}); reconciling with the exchange first…\n`),
  });
  await attachTui(engine, ctx, Boolean(args.ascii), Boolean(args.readonly), args.mouse);
}

/** The start-up reconciliation as text: what was checked and each difference with how to resolve it. */
export function formatReconcile(label: string, report: ReconcileReport): string {
  const lines = [`LIVE ${label}: reconciled ${report.tradesScanned} trades, ${report.ordersChecked} journaled orders, ${report.missedFills} missed fill(s) booked`];
  for (const d of report.unresolved) lines.push(`  #${d.id} ${d.kind}: ${d.summary}\n    resolve: tradetui reconcile ${d.id} ${ACTIONS[d.kind].join('|')}`);
  lines.push(report.unresolved.length === 0 ? '  no differences: trading' : `  entries halted until ${report.unresolved.length} difference(s) are resolved`);
  return lines.join('\n');
}
