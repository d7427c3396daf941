// The engine in this process: in the foreground (`tradetui --headless`, `--live --headless`) or as the background
// engine the TUI's start spawns (`tradetui --engine-process --data-dir DIR [--config FILE] [--speed N] [--feed F]
// [--live]`). bin/tradetui.ts runs that last command line here directly, without yargs and every command module:
// the background engine's start is on the way to the TUI's first frame.
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.js';
import { skipSchemaCompilation } from '../config/load.js';
import { logFile } from '../config/paths.js';
import { createApp } from '../app/compose.js';
import { createLogger } from '../app/logger.js';
import { runEngineProcess } from '../server/daemon.js';
import { startMark } from '../server/start-trace.js';
import { ACTIONS, type ReconcileReport } from '../live/reconcile.js';
import { createContext, type CliContext } from './context.js';

export interface EngineArgs {
  headless?: boolean;
  engineProcess?: boolean;
  exitAtEnd?: boolean;
  speed?: number;
  feed?: 'replay' | 'exchange';
}

/**
 * Runs the background engine's command line as the TUI's start writes it; false when argv is not exactly that
 * form (the caller then hands it to yargs, which parses everything and says what is wrong).
 */
export async function engineProcessMain(argv: string[]): Promise<boolean> {
  let v;
  try {
    ({ values: v } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { 'engine-process': { type: 'boolean' }, 'data-dir': { type: 'string' }, config: { type: 'string' }, speed: { type: 'string' }, feed: { type: 'string' }, live: { type: 'boolean' } },
    }));
  } catch {
    return false;
  }
  const speed = v.speed === undefined ? undefined : Number(v.speed);
  if (!v['engine-process'] || v['data-dir'] === undefined || (speed !== undefined && !(speed > 0 && speed <= 1000))) return false;
  if (v.feed !== undefined && v.feed !== 'replay' && v.feed !== 'exchange') return false;
  startMark('engine: modules loaded');
  skipSchemaCompilation();
  const ctx = createContext({ dataDir: v['data-dir'], config: v.config });
  if (v.live) {
    // --live is given only after the trader confirmed in the TUI; the opt-in's key checks run again here
    const { liveOptIn } = await import('../live/opt-in.js');
    liveOptIn({ live: true }, ctx.config, { configSource: ctx.source });
    await runLiveEngine(ctx, { engineProcess: true });
  } else {
    await runEngine(ctx, { engineProcess: true, speed, feed: v.feed });
  }
  return true;
}

/** The paper engine: in the foreground (--headless) or as the background engine `tradetui` started. */
export async function runEngine(ctx: CliContext, args: EngineArgs): Promise<void> {
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
    createApp: (hooks) => createApp({ config: ctx.config, configSource: ctx.source, dataDir: ctx.dataDir, logger, speed: args.speed, feed: args.feed, onSeedFile, hooks }),
  });
  if (outcome === 'already-running') {
    // a background engine started by a second viewer at the same moment: the other one serves both
    if (args.engineProcess) return;
    throw new UserError(`an engine already runs on ${ctx.dataDir}: attach with "tradetui attach", or stop it with "tradetui stop"`, 'engine');
  }
}

/**
 * The live engine on the exchange broker, after the start-up reconciliation: headless (--live --headless
 * --i-understand-the-risks) in the foreground, or in the background once the trader typed the exchange's name.
 */
export async function runLiveEngine(ctx: CliContext, args: EngineArgs): Promise<void> {
  const { config } = ctx;
  const label = `${config.exchange.name}${config.exchange.sandbox ? ' testnet' : ''}`;
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
}

/** The start-up reconciliation as text: what was checked and each difference with how to resolve it. */
export function formatReconcile(label: string, report: ReconcileReport): string {
  const lines = [`LIVE ${label}: reconciled ${report.tradesScanned} trades, ${report.ordersChecked} journaled orders, ${report.missedFills} missed fill(s) booked`];
  for (const d of report.unresolved) lines.push(`  #${d.id} ${d.kind}: ${d.summary}\n    resolve: tradetui reconcile ${d.id} ${ACTIONS[d.kind].join('|')}`);
  lines.push(report.unresolved.length === 0 ? '  no differences: trading' : `  entries halted until ${report.unresolved.length} difference(s) are resolved`);
  return lines.join('\n');
}
