// `tradetui attach`, `tradetui status`, `tradetui stop`: a viewer's commands for the engine running in the background
// (or in the foreground with --headless) on a data directory. They reach it through its control socket only.
// Exit codes: 0 ok, 1 failure, 2 usage, 3 no engine runs on the data directory (like `systemctl status`).
import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { UserError } from '../core/errors.js';
import { iso } from '../core/time.js';
import type { EngineSnapshot } from '../engine/ports.js';
import { attach } from '../server/daemon.js';
import { NoEngineError, type RemoteEngine } from '../server/remote.js';
import { createContext, type CliContext, type GlobalArgs } from './context.js';
import { attachTui } from './tui-start.js';

const NO_ENGINE_EXIT = 3;

export async function connectOrSay(ctx: CliContext, client: string): Promise<RemoteEngine | null> {
  try {
    return await attach(ctx.dataDir, { client, events: false });
  } catch (err) {
    if (!(err instanceof NoEngineError)) throw err;
    if (ctx.json) process.stdout.write(`${JSON.stringify({ running: false, dataDir: ctx.dataDir }, null, 2)}\n`);
    else process.stderr.write(`tradetui: no engine is running on ${ctx.dataDir}; start one with "tradetui" (or "tradetui --headless")\n`);
    process.exitCode = NO_ENGINE_EXIT;
    return null;
  }
}

export const attachCommand: CommandModule<GlobalArgs, GlobalArgs & { ascii?: boolean; mouse?: boolean }> = {
  command: 'attach',
  describe: 'Open the TUI on the engine already running on the data directory (never starts one)',
  builder: (y) =>
    y
      .option('ascii', { type: 'boolean', describe: 'draw with ASCII only' })
      .option('mouse', { type: 'boolean', describe: 'click to focus a pane and select a row, wheel to scroll (default: config tui.mouse, off)' }),
  handler: async (args) => {
    const ctx = createContext(args);
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UserError('the TUI needs a terminal (stdin and stdout must be a TTY); use tradetui status', 'tui');
    let engine: RemoteEngine;
    try {
      engine = await attach(ctx.dataDir, { client: 'tui', fps: ctx.config.tui.maxFps });
    } catch (err) {
      if (!(err instanceof NoEngineError)) throw err;
      process.stderr.write(`tradetui: no engine is running on ${ctx.dataDir}; start one with "tradetui"\n`);
      process.exitCode = NO_ENGINE_EXIT;
      return;
    }
    await attachTui(engine, ctx, Boolean(args.ascii), false, args.mouse);
  },
};

export interface EngineStatus {
  running: true;
  pid: number;
  dataDir: string;
  startedAt: string;
  headless: boolean;
  /** TUIs attached now. */
  viewers: number;
  mode: EngineSnapshot['mode'];
  state: EngineSnapshot['state'];
  feed: EngineSnapshot['feed'] & { lastCandle: string | null };
  cash: number;
  equity: number;
  todayPnl: number;
  exposure: number;
  positions: Array<{ instanceId: string; symbol: string; side: string; qty: number; entryPrice: number; stopLoss: number | null; takeProfit: number | null }>;
  instances: Array<{ id: string; running: boolean; trades: number; pnl: number }>;
  /** Protections (halts) in force. */
  halts: Array<{ name: string; scope: string; reason: string; since: string }>;
}

export function engineStatus(engine: RemoteEngine): EngineStatus {
  const s = engine.snapshot();
  return {
    running: true,
    pid: engine.info.pid,
    dataDir: engine.info.dataDir,
    startedAt: iso(engine.info.startedAt),
    headless: engine.info.headless,
    viewers: engine.info.viewers,
    mode: s.mode,
    state: s.state,
    feed: { ...s.feed, lastCandle: s.feed.lastCandleTime !== null ? iso(s.feed.lastCandleTime) : null },
    cash: s.cash,
    equity: s.equity,
    todayPnl: s.equity - s.dayStartEquity,
    exposure: s.exposure,
    positions: s.positions.map((p) => ({
      instanceId: p.instanceId,
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryPrice: p.entryPrice,
      stopLoss: p.protection.stop ?? null,
      takeProfit: p.protection.takeProfit ?? null,
    })),
    instances: s.instances.map((i) => ({ id: i.id, running: i.running, trades: i.trades, pnl: i.pnl })),
    halts: s.protections.filter((p) => p.state === 'triggered').map((p) => ({ name: p.name, scope: p.scope, reason: p.reason, since: iso(p.triggeredAt) })),
  };
}

export function formatStatus(st: EngineStatus): string {
  const n = (x: number): string => x.toFixed(2);
  const lines = [
    `engine     pid ${st.pid}, ${st.headless ? 'foreground (--headless)' : 'background'}, since ${st.startedAt}, ${st.viewers} viewer${st.viewers === 1 ? '' : 's'} attached`,
    `data dir   ${st.dataDir}`,
    `mode       ${st.mode}, ${st.state}`,
    `feed       ${st.feed.source}: ${st.feed.status}${st.feed.detail ? ` (${st.feed.detail})` : ''}, last candle ${st.feed.lastCandle ?? '-'}${st.feed.speed !== null ? `, ${st.feed.speed}/s` : ''}`,
    `equity     ${n(st.equity)} (cash ${n(st.cash)}, exposure ${n(st.exposure)}, today ${st.todayPnl >= 0 ? '+' : ''}${n(st.todayPnl)})`,
    `positions  ${st.positions.length === 0 ? 'none' : ''}`,
    ...st.positions.map((p) => `  ${p.side} ${p.qty} ${p.symbol} @ ${p.entryPrice} (${p.instanceId}) stop ${p.stopLoss ?? '-'} take-profit ${p.takeProfit ?? '-'}`),
    `strategies ${st.instances.length === 0 ? 'none' : ''}`,
    ...st.instances.map((i) => `  ${i.running ? 'running' : 'stopped'} ${i.id}: ${i.trades} trades, pnl ${n(i.pnl)}`),
    `halts      ${st.halts.length === 0 ? 'none' : ''}`,
    ...st.halts.map((h) => `  ${h.name} ${h.scope} since ${h.since}: ${h.reason}`),
  ];
  return lines.map((l) => l.trimEnd()).join('\n');
}

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'One-screen summary of the running engine: mode, feed, equity, positions, strategies, halts (exit 3: none runs)',
  builder: (y) => y.example('$0 status --json', 'the same as JSON, for scripts'),
  handler: async (args) => {
    const ctx = createContext(args);
    const engine = await connectOrSay(ctx, 'status');
    if (!engine) return;
    const st = engineStatus(engine);
    await engine.stop();
    process.stdout.write(ctx.json ? `${JSON.stringify(st, null, 2)}\n` : `${formatStatus(st)}\n`);
  },
};

export const stopCommand: CommandModule<GlobalArgs, GlobalArgs & { yes?: boolean }> = {
  command: 'stop',
  describe: 'Stop the running engine cleanly (asks first when positions are open; --yes for scripts)',
  builder: (y) => y.option('yes', { type: 'boolean', describe: 'do not ask, even with open positions' }),
  handler: async (args) => {
    const ctx = createContext(args);
    const engine = await connectOrSay(ctx, 'stop');
    if (!engine) return;
    const st = engineStatus(engine);
    if (st.positions.length > 0 && !args.yes) {
      const list = st.positions.map((p) => `${p.side} ${p.qty} ${p.symbol}`).join(', ');
      const question = `${st.positions.length} position(s) open (${list}). They stay open and saved, but nothing watches their stops until the engine runs again.`;
      if (!process.stdin.isTTY) {
        await engine.stop();
        throw new UserError(`${question} Pass --yes to stop anyway`, 'stop');
      }
      if (!(await askYesNo(`${question}\nStop the engine? [y/N] `))) {
        await engine.stop();
        process.stderr.write('tradetui: not stopped\n');
        return;
      }
    }
    await engine.stopEngine();
    // the connection ends when the engine has flushed and closed its socket
    const reason = await Promise.race([engine.closed, new Promise<string>((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
    if (reason === 'timeout') throw new Error(`the engine (pid ${st.pid}) did not stop within 30 s; see ${ctx.dataDir}/tradetui.log`);
    if (ctx.json) process.stdout.write(`${JSON.stringify({ stopped: true, pid: st.pid }, null, 2)}\n`);
    else process.stdout.write(`tradetui: engine stopped (pid ${st.pid}); the ${st.mode === 'live' ? 'live journal' : 'paper account'} and positions are saved\n`);
  },
};

/** A yes/no question on the terminal; only y or yes (any case) is a yes. */
export function askYesNo(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    }),
  );
}
