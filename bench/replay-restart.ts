// Replay restart's archive (src/app/account-archive.ts): what archiving the paper account costs, with the shipped
// candles and with a large candle cache, against the whole-database copy (SQLite online backup) it replaced.
// CPU of this process (process.cpuUsage), since the machine may be shared; sizes in bytes on disk.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveAndReset, ACCOUNTS_DIR } from '../src/app/account-archive.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { PaperStore } from '../src/adapters/store/sqlite/paper-store.js';
import { createFromTemplate } from '../src/data/seed.js';
import { yearOf1m } from './year-1m.js';

export interface ArchiveCost {
  cache: string;
  dbBytes: number;
  /** The account-only archive (now). */
  archiveBytes: number;
  archiveCpuS: number;
  /** The whole-database copy (before). */
  backupBytes: number;
  backupCpuS: number;
}

const cpuS = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

async function measure(dir: string, cache: string): Promise<ArchiveCost> {
  const dbFile = join(dir, 'tradetui.db');
  const db = openDb(dbFile);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = statSync(dbFile).size;
  let t = process.cpuUsage();
  await db.backup(join(dir, 'whole-copy.db'));
  const backupCpuS = cpuS(t);
  const backupBytes = statSync(join(dir, 'whole-copy.db')).size;
  db.close();
  t = process.cpuUsage();
  await archiveAndReset({ dataDir: dir, dbFile, from: 0, balance: 10000, currency: 'USDT', equity: 10000, replayAt: null, now: Date.now() });
  const archiveCpuS = cpuS(t);
  const archived = join(dir, ACCOUNTS_DIR, readdirSync(join(dir, ACCOUNTS_DIR))[0]!, 'tradetui.db');
  return { cache, dbBytes, archiveBytes: statSync(archived).size, archiveCpuS, backupBytes, backupCpuS };
}

/** A data directory from the seeded template (shipped candles), then the same with `extraMb` of 1m candles added. */
export async function benchReplayRestart(extraMb: number): Promise<ArchiveCost[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-restart-'));
  try {
    createFromTemplate(join(dir, 'tradetui.db'));
    const db = openDb(join(dir, 'tradetui.db'));
    new PaperStore(db).createAccount(10000, 'USDT', Date.now());
    db.close();
    const big = mkdtempSync(join(tmpdir(), 'tradetui-bench-restart-big-'));
    try {
      copyFileSync(join(dir, 'tradetui.db'), join(big, 'tradetui.db'));
      const shipped = await measure(dir, 'shipped candles');
      const bigDb = openDb(join(big, 'tradetui.db'));
      const store = new SqliteCandleStore(bigDb);
      const year = yearOf1m();
      const target = statSync(join(big, 'tradetui.db')).size + extraMb * 1e6;
      for (let i = 0; statSync(join(big, 'tradetui.db')).size < target; i++) {
        store.write({ exchange: 'binance', symbol: `SYN${i}/USDT`, timeframe: '1m' }, year);
        bigDb.pragma('wal_checkpoint(TRUNCATE)');
      }
      bigDb.close();
      return [shipped, await measure(big, `shipped + ${extraMb} MB of 1m candles`)];
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
