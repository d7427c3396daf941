// A live-broker process for crash tests: `place` submits one order (optionally killing itself with SIGKILL
// just before the request leaves), `restart` reconciles the journal it left. Prints one JSON line at the end.
import { join } from 'node:path';
import { openDb } from '../../src/adapters/store/sqlite/db.js';
import { createPrivateExchange } from '../../src/adapters/broker/ccxt-client.js';
import { CcxtBroker } from '../../src/adapters/broker/ccxt.js';
import { LiveJournal } from '../../src/live/journal.js';
import { Reconciler } from '../../src/live/reconcile.js';
import { clientOrderId, newOrder } from '../../src/engine/execution.js';

const [mode, dir, url, key, secret, crashAt] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const api = `${url}/api/v3`;
const exchange = await createPrivateExchange({ name: 'binance', options: { urls: { api: { public: api, private: api, v1: `${url}/api/v1`, sapi: `${url}/sapi/v1` } }, timeout: 3000 }, apiKey: key, secret });
const journal = new LiveJournal(openDb(join(dir, 'live.db')));
const fills: string[] = [];
const broker = new CcxtBroker({ exchange, journal, acceptWindowMs: 500, lookupDelayMs: 50 });
broker.connect({
  update: () => {},
  fill: (f) => {
    // Booked as the engine's store would (one journal: fills).
    fills.push(f.tradeId ?? f.id);
    journal.bookEngineFill(f);
  },
});
if (mode === 'place') {
  if (crashAt === 'before-send') {
    const real = exchange.createOrder.bind(exchange);
    exchange.createOrder = (async (...args: Parameters<typeof real>) => {
      process.kill(process.pid, 'SIGKILL');
      return real(...args);
    }) as typeof exchange.createOrder;
  }
  const req = { instanceId: 'crash@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy' as const, type: 'market' as const, purpose: 'entry' as const, reason: 'crash test', createdAt: 1_780_000_000_000, qty: 0.01 };
  const order = newOrder({ ...req, id: 'o1', clientId: clientOrderId(req) });
  order.status = 'submitted';
  broker.submit(order, { lastPrice: 50_000 });
  await broker.idle();
  if (crashAt === 'after-fill') process.kill(process.pid, 'SIGKILL');
} else {
  const reconciler = new Reconciler(broker, { symbols: ['BTC/USDT'] });
  // What the engine would hold: its journaled fills, including those booked during the reconciliation.
  const held = (): number => journal.fills().reduce((s, f) => s + (f.side === 'buy' ? f.qty - (f.feeCurrency === 'BTC' ? f.fee : 0) : -f.qty), 0);
  const report = await reconciler.run(() => ({ positions: [{ symbol: 'BTC/USDT', qty: held() }] }));
  const after = held();
  process.stdout.write(`${JSON.stringify({ differences: report.found.map((d) => d.kind), fills: journal.fills().length, held: after, orders: journal.all().map((r) => ({ state: r.state, status: r.exchangeStatus })) })}\n`);
}
process.exit(0);
