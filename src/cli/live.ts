// `tradetui balance` and `tradetui orders [--open]`: the live account through ccxt with the configured keys
// (read-only requests: these commands never place or cancel an order). `tradetui reconcile`: the running
// live engine's differences with the exchange, and resolving one (the headless twin of the TUI's screen).
import type { CommandModule } from 'yargs';
import type { Exchange } from 'ccxt';
import { createPrivateExchange } from '../adapters/broker/ccxt-client.js';
import { restingStopsOn } from '../adapters/broker/ccxt.js';
import { openDb } from '../adapters/store/sqlite/db.js';
import { UserError } from '../core/errors.js';
import { iso } from '../core/time.js';
import { LiveJournal } from '../live/journal.js';
import { liveDbFile } from '../app/live.js';
import { attach } from '../server/daemon.js';
import { NoEngineError } from '../server/remote.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';

async function privateClient(ctx: CliContext): Promise<Exchange> {
  const ex = await createPrivateExchange({ ...ctx.config.exchange }, (msg) => process.stderr.write(`tradetui: warning: ${msg}\n`));
  await ex.loadMarkets();
  return ex;
}

export const balanceCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'balance',
  describe: 'Balances of the live exchange account (needs the API keys)',
  handler: async (args) => {
    const ctx = createContext(args);
    const ex = await privateClient(ctx);
    const b = await ex.fetchBalance();
    const totals = b.total as unknown as Record<string, number>;
    const rows = Object.keys(totals)
      .filter((a) => totals[a]! > 0)
      .sort()
      .map((asset) => ({ asset, free: (b.free as unknown as Record<string, number>)[asset] ?? 0, used: (b.used as unknown as Record<string, number>)[asset] ?? 0, total: totals[asset]! }));
    output(ctx, { exchange: ex.id, sandbox: ctx.config.exchange.sandbox, balances: rows }, () =>
      [`${ex.id}${ctx.config.exchange.sandbox ? ' (testnet)' : ''} balances`, 'asset         free         in orders    total', ...rows.map((r) => `${r.asset.padEnd(8)} ${fmt(r.free)} ${fmt(r.used)} ${fmt(r.total)}`), rows.length === 0 ? '(empty)' : ''].filter(Boolean).join('\n'),
    );
  },
};

interface OrdersArgs extends GlobalArgs {
  open?: boolean;
  symbol?: string;
}

export const ordersCommand: CommandModule<GlobalArgs, OrdersArgs> = {
  command: 'orders',
  describe: 'Orders of the live exchange account, marked whether tradetui placed them',
  builder: (y) =>
    y
      .option('open', { type: 'boolean', describe: 'only open orders (all symbols)' })
      .option('symbol', { type: 'string', describe: 'one market, e.g. BTC/USDT (default: the configured instances\' markets)' }),
  handler: async (args) => {
    const ctx = createContext(args);
    const ex = await privateClient(ctx);
    const symbols = args.symbol ? [args.symbol] : [...new Set(ctx.config.paper.instances.map((i) => i.symbol))];
    const orders = args.open ? await ex.fetchOpenOrders(args.symbol) : (await Promise.all(symbols.map((s) => ex.fetchOrders(s, undefined, 50)))).flat();
    // Which orders tradetui placed: the live journal of this exchange account (not paper's database).
    const db = openDb(liveDbFile(ctx.dataDir, ctx.config.exchange));
    const journal = new LiveJournal(db);
    const rows = orders
      .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
      .map((o) => {
        const mine = o.clientOrderId ? journal.get(o.clientOrderId) : undefined;
        // kind: an engine order, a protective stop resting for a position, or one adopted from the exchange.
        return { id: o.id, clientOrderId: o.clientOrderId ?? null, byTradetui: mine !== undefined, kind: mine?.kind ?? null, positionId: mine?.positionId ?? null, time: o.timestamp ? new Date(o.timestamp).toISOString() : null, symbol: o.symbol, side: o.side, type: o.type, amount: o.amount, filled: o.filled, price: o.price ?? null, stopPrice: o.triggerPrice ?? o.stopPrice ?? null, average: o.average ?? null, status: o.status };
      });
    db.close();
    // Where each market's protective stops are held: resting on the exchange, or checked by tradetui.
    const stops = Object.fromEntries(symbols.map((s) => [s, ex.markets?.[s] ? (restingStopsOn(ex, s) ? 'exchange' : 'tradetui') : 'unknown market']));
    output(ctx, { exchange: ex.id, open: Boolean(args.open), stops, orders: rows }, () =>
      [
        ...Object.entries(stops).map(([s, held]) => `${s} protective stops: ${held === 'exchange' ? `rest on ${ex.id} as stop-limit orders (hold while tradetui is down)` : held === 'tradetui' ? `checked by tradetui on every polled price (${ex.id} takes no stop-limit order here)` : held}`),
        ...(rows.length === 0
          ? [`no ${args.open ? 'open ' : ''}orders on ${ex.id}`]
          : rows.map((r) => `${r.time ?? '-'}  ${r.symbol} ${r.side} ${r.type} ${r.amount} filled ${r.filled}${r.average ? ` @ ${r.average}` : r.price ? ` @ ${r.price}` : ''}${r.stopPrice ? ` stop ${r.stopPrice}` : ''}  ${r.status}  ${r.kind === 'stop' ? `tradetui stop of ${r.positionId ?? '?'}` : r.kind === 'adopted' ? 'adopted' : r.byTradetui ? 'tradetui' : 'other'}  ${r.clientOrderId ?? r.id}`)),
      ].join('\n'),
    );
  },
};

interface ReconcileArgs extends GlobalArgs {
  id?: number;
  action?: 'adopt' | 'ignore' | 'cancel' | 'flatten';
  check?: boolean;
}

export const reconcileCommand: CommandModule<GlobalArgs, ReconcileArgs> = {
  command: 'reconcile [id] [action]',
  describe: 'Differences between the running live engine and the exchange; resolve one with adopt, ignore, cancel or flatten (exit 3: no engine)',
  builder: (y) =>
    y
      .positional('id', { type: 'number', describe: 'the difference to resolve (#id as listed)' })
      .positional('action', { choices: ['adopt', 'ignore', 'cancel', 'flatten'] as const, describe: 'how to resolve it' })
      .option('check', { type: 'boolean', describe: 'check the account against the exchange now, then list' })
      .example('$0 reconcile', 'list what waits for you (entries are halted while anything does)')
      .example('$0 reconcile 3 ignore', 'the coins of difference #3 are yours, not the bot\'s')
      .example('$0 reconcile 4 adopt', 'the bot takes over the trade made by hand'),
  handler: async (args) => {
    const ctx = createContext(args);
    if (args.id !== undefined && !args.action) throw new UserError('say how to resolve it: adopt, ignore, cancel or flatten', 'action');
    let engine: Awaited<ReturnType<typeof attach>>;
    try {
      engine = await attach(ctx.dataDir, { client: 'reconcile', events: false });
    } catch (err) {
      if (!(err instanceof NoEngineError)) throw err;
      process.stderr.write(`tradetui: no engine is running on ${ctx.dataDir}; start the live engine with "tradetui --live"\n`);
      process.exitCode = 3;
      return;
    }
    try {
      if (!engine.snapshot().live) throw new UserError('the engine running on this data directory trades paper: there is no exchange account to reconcile', 'reconcile');
      let message: string | null = null;
      if (args.id !== undefined || args.check) {
        const r = await engine.send({ type: 'reconcile', ...(args.id !== undefined ? { differenceId: args.id, action: args.action } : {}), by: 'cli' });
        if (!r.ok) throw new UserError(r.message, args.id !== undefined ? `difference #${args.id}` : 'reconcile');
        message = r.message;
        // The snapshot came with the connection: reconnect for the state after the command.
        await engine.stop();
        engine = await attach(ctx.dataDir, { client: 'reconcile', events: false });
      }
      const s = engine.snapshot();
      const live = s.live!;
      output(ctx, { exchange: live.exchange, sandbox: live.sandbox, state: s.state, result: message, lastReconcileAt: live.lastReconcileAt !== null ? iso(live.lastReconcileAt) : null, differences: live.differences }, () =>
        [
          ...(message ? [message] : []),
          `LIVE ${live.exchange}${live.sandbox ? ' testnet' : ''}: engine ${s.state}; last checked ${live.lastReconcileAt !== null ? iso(live.lastReconcileAt) : 'never'}`,
          ...(live.differences.length === 0 ? ['  no differences'] : live.differences.map((d) => `  #${d.id} ${d.kind}: ${d.summary}\n    resolve: tradetui reconcile ${d.id} ${d.actions.join('|')}`)),
        ].join('\n'),
      );
    } finally {
      await engine.stop();
    }
  },
};

function fmt(x: number): string {
  return x.toFixed(8).padStart(12);
}
