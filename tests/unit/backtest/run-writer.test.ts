// The store worker's client (backtest/run-writer.ts) on its own: runs written under reserved ids read back as
// store() returned them; a database the thread cannot open and a run that cannot be packed are failures
// finish() names, never a hang.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { computeMetrics } from '../../../src/backtest/metrics.js';
import { RunWriter } from '../../../src/backtest/run-writer.js';
import { getRun, saveRun, type RunInput } from '../../../src/backtest/runs.js';
import type { ClosedTrade } from '../../../src/core/trading.js';
import { tempDir } from '../../support/run-cli.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function input(trades = 100): RunInput {
  const n = 500;
  const equityTimes = Float64Array.from({ length: n }, (_, i) => T0 + i * H);
  const equity = Float64Array.from({ length: n }, (_, i) => 10000 + Math.sin(i) * 100);
  const cash = Float64Array.from({ length: n }, (_, i) => (i % 50 < 25 ? 10000 : 5000 + i / 3));
  const exposure = Float64Array.from({ length: n }, (_, i) => (i % 50 < 25 ? 0 : 5000 + i / 7));
  const t: ClosedTrade[] = Array.from({ length: trades }, (_, k) => ({
    id: 'x', instanceId: 'i', strategy: 'ma-cross', symbol: 'BTC/USDT', side: k % 2 ? 'short' : 'long', qty: 0.1 / 3 + k, entryTime: T0 + k * H, exitTime: T0 + (k + 1) * H,
    entryPrice: 42000.123 + k, exitPrice: 43000.987 - k, pnl: 1 / 7 - k, pnlPct: 2 / 9, fees: 0.00123, exitReason: 'signal',
  }));
  const result = { trades: t, equityTimes, equity, cash, exposure, exposureCandles: 250, feesPaid: 1.23, riskDecisions: { accepted: trades, resized: 0, rejected: 0 }, protections: [], decisions: n };
  const metrics = computeMetrics({ trades: t, equityTimes, equity, initialBalance: 10000, timeframe: '1h', exposureCandles: 250, feesPaid: 1.23, firstPrice: 42000, lastPrice: 43100 });
  return { strategy: 'ma-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: T0, to: T0 + n * H, params: { fast: 10 }, settings: { initialBalance: 10000, fee: 0.001, slippage: 0, allowShort: true, stakePct: null, risk: {}, warmupCandles: 0 }, result, metrics };
}

function newDb(): { file: string; db: ReturnType<typeof openDb> } {
  const file = join(tempDir('tradetui-writer-'), 'tradetui.db');
  return { file, db: openDb(file) };
}

describe('RunWriter', () => {
  it('writes each run under the id it returned, as store() returned it, beside runs stored inline', async () => {
    const { file, db } = newDb();
    try {
      const writer = new RunWriter(file);
      const a = writer.store(db, input());
      const inlineId = saveRun(db, input(3));
      const b = writer.store(db, input(0));
      expect([a.id, inlineId, b.id]).toEqual([1, 2, 3]);
      expect(await writer.finish()).toEqual([]);
      expect(getRun(db, a.id)).toEqual(a);
      expect(getRun(db, b.id)).toEqual(b);
      expect(a.trades).toHaveLength(100);
    } finally {
      db.close();
    }
  });

  it('a database the thread cannot open fails each run with the reason', async () => {
    const { db } = newDb();
    const other = join(tempDir('tradetui-writer-'), 'tradetui.db');
    writeFileSync(other, 'not a database, and long enough to be read as one: '.repeat(200));
    try {
      const writer = new RunWriter(other);
      const run = writer.store(db, input());
      const failures = await writer.finish();
      expect(failures).toEqual([{ id: run.id, message: expect.stringMatching(/^cannot open it \(is not a tradetui database/) }]);
      expect(getRun(db, run.id)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('a run whose row cannot be packed throws, and its trades are rolled back; the next run is stored', async () => {
    const { file, db } = newDb();
    try {
      const writer = new RunWriter(file);
      const bad = input();
      (bad.result as { equity: unknown }).equity = null;
      expect(() => writer.store(db, bad)).toThrow();
      const good = writer.store(db, input());
      const failures = await writer.finish();
      expect(failures).toEqual([{ id: 1, message: expect.stringContaining('could not be prepared') }]);
      expect(getRun(db, good.id)).toEqual(good);
      const ro = new Database(file, { readonly: true });
      expect(ro.prepare('SELECT count(*) FROM run_trades WHERE run_id = 1').pluck().get()).toBe(0);
      ro.close();
    } finally {
      db.close();
    }
  });

  it('a database locked by another writer past the 5 s busy timeout fails the run with "database is locked"', async () => {
    const { file, db } = newDb();
    try {
      const writer = new RunWriter(file);
      // This connection holds the write lock for as long as the worker is willing to wait.
      db.exec('BEGIN IMMEDIATE');
      const run = writer.store(db, input());
      const failures = await writer.finish();
      db.exec('ROLLBACK');
      expect(failures).toEqual([{ id: run.id, message: 'database is locked' }]);
      expect(getRun(db, run.id)).toBeNull();
    } finally {
      db.close();
    }
  }, 20_000);
});

