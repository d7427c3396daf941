// `tradetui` with no command: paper trading on a replay of the shipped candles unless the config names an exchange
// feed. The engine runs in its own background process (started here when none runs on the data directory) and the
// TUI attaches to it; --headless runs the engine in the foreground instead, and viewers may attach to it too.
import type { CommandModule } from 'yargs';
import { UserError } from '../core/errors.js';
import { attachOrStart } from '../server/daemon.js';
import { createContext, type CliContext, type GlobalArgs } from './context.js';
import { liveOptIn } from '../live/opt-in.js';
import { runEngine, runLiveEngine } from './engine-process.js';
import { attachTui, engineArgs, startTui } from './tui-start.js';

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
    if (!args.live && !args.iUnderstandTheRisks && !args.headless && !args.engineProcess) {
      await startTui(args);
      return;
    }
    if (args.speed !== undefined && !(args.speed > 0 && args.speed <= 1000)) throw new UserError('must be between 0 and 1000 candles per second', '--speed');
    const ctx = createContext(args);
    const optIn = liveOptIn({ live: args.live, iUnderstandTheRisks: args.iUnderstandTheRisks, headless: args.headless }, ctx.config, { configSource: ctx.source });
    if (optIn.live) await runLive(ctx, args);
    else await runEngine(ctx, args);
  },
};

/**
 * Live trading: the engine on the exchange broker, after the start-up reconciliation. Headless (--live
 * --headless --i-understand-the-risks) in the foreground; otherwise the trader types the exchange's name and
 * the engine starts in the background (--live --engine-process) with the TUI attached to it.
 */
async function runLive(ctx: CliContext, args: RunArgs): Promise<void> {
  const { config } = ctx;
  const label = `${config.exchange.name}${config.exchange.sandbox ? ' testnet' : ''}`;
  if (args.headless || args.engineProcess) {
    await runLiveEngine(ctx, args);
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
