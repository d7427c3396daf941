// `tradetui` with no command: paper trading with the TUI (or --headless), on a replay of the shipped
// candles unless the config names an exchange feed.
import type { CommandModule } from 'yargs';
import { UserError } from '../core/errors.js';
import { logFile } from '../config/paths.js';
import { createApp } from '../app/compose.js';
import { createLogger } from '../app/logger.js';
import { runHeadless } from '../app/headless.js';
import { createContext, type GlobalArgs } from './context.js';

interface RunArgs extends GlobalArgs {
  headless?: boolean;
  speed?: number;
  feed?: 'replay' | 'exchange';
  ascii?: boolean;
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: '$0',
  describe: 'Paper trading in the TUI (default: replay of the shipped candles, no network needed)',
  builder: (y) =>
    y
      .option('headless', { type: 'boolean', describe: 'no TUI: one line per event on stdout (--json for JSON lines)' })
      .option('speed', { type: 'number', describe: 'replay speed in candles per second (default from config: 2)' })
      .option('feed', { choices: ['replay', 'exchange'] as const, describe: 'replay cached candles, or live candles from exchange.name' })
      .option('ascii', { type: 'boolean', describe: 'draw with ASCII only' })
      .option('readonly', { type: 'boolean', describe: 'watch only: keys that trade or change the engine are refused' })
      .example('$0', 'paper trading on the replay of shipped candles, in the TUI')
      .example('$0 --speed 20', 'replay 20 candles per second')
      .example('$0 --headless --json', 'run without a screen, JSON lines on stdout')
      .example('$0 --feed exchange', 'paper trading on live candles of the configured exchange'),
  handler: async (args) => {
    if (args.speed !== undefined && !(args.speed > 0 && args.speed <= 1000)) throw new UserError('must be between 0 and 1000 candles per second', '--speed');
    const ctx = createContext(args);
    const logger = createLogger(logFile(ctx.dataDir), ctx.config.logLevel);
    logger.info({ source: ctx.source, dataDir: ctx.dataDir }, 'starting');
    // The TUI's modules (ink, react: about half a second) load while the engine starts.
    const tuiModule = args.headless ? null : import('../tui/run.js');
    tuiModule?.catch(() => {});
    let told = false;
    // The first start imports the shipped candles (a few seconds) before anything is drawn: say why.
    const onSeedFile = (): void => {
      if (!told) process.stderr.write('tradetui: adding the shipped candles to the cache (first run only)…\n');
      told = true;
    };
    const app = await createApp({ config: ctx.config, configSource: ctx.source, dataDir: ctx.dataDir, logger, speed: args.speed, feed: args.feed, onSeedFile });
    if (args.headless) {
      await runHeadless(app, { json: ctx.json });
      return;
    }
    const { runTui } = await tuiModule!;
    await runTui(app, {
      maxFps: ctx.config.tui.maxFps,
      ascii: Boolean(args.ascii) || ctx.config.tui.ascii,
      noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '',
      logFile: logFile(ctx.dataDir),
      readonly: Boolean(args.readonly),
    });
    await app.stop();
  },
};
