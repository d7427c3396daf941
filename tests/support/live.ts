// Helpers for live-broker tests: a real ccxt client on the local Binance, a journal in a temp database (the
// fills the broker reports are booked as the engine's store would), and engine orders made the way the
// execution layer makes them.
import { join } from 'node:path';
import type { Exchange } from 'ccxt';
import { openDb, type Db } from '../../src/adapters/store/sqlite/db.js';
import { createPrivateExchange } from '../../src/adapters/broker/ccxt-client.js';
import { CcxtBroker, type CcxtBrokerOptions, type LiveAlert } from '../../src/adapters/broker/ccxt.js';
import { LiveJournal } from '../../src/live/journal.js';
import { clientOrderId, newOrder } from '../../src/engine/execution.js';
import type { Fill, Order, OrderRequest } from '../../src/core/trading.js';
import type { OrderUpdate } from '../../src/engine/ports.js';
import { FakeBinance } from './fake-binance.js';
import { tempDir } from './run-cli.js';

export interface Harness {
  fake: FakeBinance;
  db: Db;
  dir: string;
  journal: LiveJournal;
  exchange: Exchange;
  broker: CcxtBroker;
  updates: OrderUpdate[];
  fills: Fill[];
  alerts: LiveAlert[];
  halts: string[];
  reconciles: string[];
  close(): Promise<void>;
}

export async function liveHarness(opts: { fake?: FakeBinance; dir?: string; broker?: Partial<CcxtBrokerOptions>; exchange?: Record<string, unknown> } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await FakeBinance.start({ balances: { USDT: 10_000 } }));
  if (!opts.fake) fake.setPrice('BTCUSDT', 50_000);
  const dir = opts.dir ?? tempDir();
  const db = openDb(join(dir, 'tradetui.db'));
  const journal = new LiveJournal(db);
  const exchange = await createPrivateExchange({ name: 'binance', options: { ...fake.ccxtOptions(), timeout: 1000, ...(opts.exchange ?? {}) }, apiKey: fake.apiKey, secret: fake.secret });
  const h: Harness = {
    fake,
    db,
    dir,
    journal,
    exchange,
    updates: [],
    fills: [],
    alerts: [],
    halts: [],
    reconciles: [],
    broker: undefined as unknown as CcxtBroker,
    async close() {
      await h.broker.idle();
      if (db.open) db.close();
      if (!opts.fake) await fake.close();
    },
  };
  h.broker = new CcxtBroker({
    exchange,
    journal,
    lookupDelayMs: 20,
    acceptWindowMs: 300,
    onAlert: (a) => h.alerts.push(a),
    onHalt: (r) => h.halts.push(r),
    onReconcileNeeded: (r) => h.reconciles.push(r),
    ...(opts.broker ?? {}),
  });
  // The engine's store books each fill it is told of in fills (one journal); without an engine, here.
  h.broker.connect({
    update: (u) => h.updates.push(u),
    fill: (f) => {
      h.fills.push(f);
      journal.bookEngineFill(f);
    },
  });
  return h;
}

let seq = 0;
/** An entry or exit order as the execution layer makes it (deterministic client id, status submitted). */
export function engineOrder(over: Partial<OrderRequest> = {}): Order {
  const base = { instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy' as const, type: 'market' as const, purpose: 'entry' as const, reason: 'test', createdAt: 1_780_000_000_000 + ++seq * 3_600_000, ...over };
  const id = over.id ?? `o${seq}`;
  const order = newOrder({ ...base, id, clientId: over.clientId ?? clientOrderId(base) });
  order.status = 'submitted';
  return order;
}
