// Start-up of a live session before any strategy decides: the keyed client, the broker over the journal,
// and a reconciliation whose differences must all be resolved before live entries are allowed.
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { openDb, type Db } from '../adapters/store/sqlite/db.js';
import { createPrivateExchange } from '../adapters/broker/ccxt-client.js';
import { CcxtBroker, type LiveAlert } from '../adapters/broker/ccxt.js';
import { LiveJournal } from './journal.js';
import { Reconciler, type Believed, type ReconcileReport } from './reconcile.js';

export interface LiveSession {
  db: Db;
  broker: CcxtBroker;
  reconciler: Reconciler;
  report: ReconcileReport;
}

/** Opens the live journal (its own database file: live state never mixes with paper's) and reconciles. */
export async function startLiveSession(config: Config, dataDir: string, opts: { believed?: Believed; onAlert?: (a: LiveAlert) => void; warn?: (m: string) => void } = {}): Promise<LiveSession> {
  const exchange = await createPrivateExchange({ ...config.exchange }, opts.warn);
  const db = openDb(join(dataDir, `live-${config.exchange.name}${config.exchange.sandbox ? '-testnet' : ''}.db`));
  const broker = new CcxtBroker({ exchange, journal: new LiveJournal(db), onAlert: opts.onAlert });
  const symbols = [...new Set(config.paper.instances.map((i) => i.symbol))];
  const reconciler = new Reconciler(broker, { symbols });
  const report = await reconciler.run(opts.believed ?? { positions: [] });
  return { db, broker, reconciler, report };
}
