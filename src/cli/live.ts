// `tradetui balance` and `tradetui orders [--open]`: the live account through ccxt with the configured keys
// (read-only requests: these commands never place or cancel an order).
import type { CommandModule } from 'yargs';
import type { Exchange } from 'ccxt';
import { createPrivateExchange } from '../adapters/broker/ccxt-client.js';
import { LiveJournal } from '../live/journal.js';
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
    const journal = new LiveJournal(ctx.db());
    const rows = orders
      .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
      .map((o) => ({ id: o.id, clientOrderId: o.clientOrderId ?? null, byTradetui: Boolean(o.clientOrderId && journal.get(o.clientOrderId)), time: o.timestamp ? new Date(o.timestamp).toISOString() : null, symbol: o.symbol, side: o.side, type: o.type, amount: o.amount, filled: o.filled, price: o.price ?? null, average: o.average ?? null, status: o.status }));
    ctx.close();
    output(ctx, { exchange: ex.id, open: Boolean(args.open), orders: rows }, () =>
      rows.length === 0
        ? `no ${args.open ? 'open ' : ''}orders on ${ex.id}`
        : rows.map((r) => `${r.time ?? '-'}  ${r.symbol} ${r.side} ${r.type} ${r.amount} filled ${r.filled}${r.average ? ` @ ${r.average}` : r.price ? ` @ ${r.price}` : ''}  ${r.status}  ${r.byTradetui ? 'tradetui' : 'other'}  ${r.clientOrderId ?? r.id}`).join('\n'),
    );
  },
};

function fmt(x: number): string {
  return x.toFixed(8).padStart(12);
}
