// The PrepareEnv the ML strategies load their models with: the data directory (its models/) and the external
// series imported into the database.
import type { Db } from '../adapters/store/sqlite/db.js';
import type { Timeframe } from '../core/time.js';
import type { PrepareEnv } from '../strategy/contract.js';
import { readSeries } from './series.js';

export function prepareEnv(db: Db, dataDir: string, timeframe: Timeframe, note?: (message: string) => void): PrepareEnv {
  return { dataDir, timeframe, externalSeries: (name) => readSeries(db, name), note };
}
