// Issue #10: a disk that fills up while trading. A step whose transaction the database refuses leaves the
// engine's memory equal to what is committed (not advanced), no further candle is decided on while it is
// refused, and once space returns the held candles are applied in order by themselves: the run then equals
// an uninterrupted one trade for trade, decision for decision, fill for fill.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

const config = parseConfig({
  risk: {
    sizing: { mode: 'percent', pct: 30 },
    exits: { stopLossPct: 0.8 },
    protections: {
      cooldown: { minutes: 240 },
      stoplossGuard: { trades: 2, lookbackMinutes: 2880, stopMinutes: 900 },
      dailyLossLimit: { pct: 0.4 },
    },
  },
  paper: {
    speed: 1000,
    replayFrom: '2026-03-01',
    instances: [
      { strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 5, slow: 20 } },
      { strategy: 'rsi-macd', symbol: 'ETH/USDT', timeframe: '1h' },
    ],
  },
});

type App = Awaited<ReturnType<typeof createApp>>;

function history(app: App): Record<string, unknown[]> {
  return {
    trades: app.db.prepare('SELECT instance_id, entry_time, exit_time, side, qty, entry_price, exit_price, pnl, exit_reason FROM trades ORDER BY entry_time, exit_time, instance_id').all(),
    fills: app.db.prepare('SELECT instance_id, time, side, purpose, qty, price, fee FROM fills ORDER BY time, instance_id, purpose').all(),
    decisions: app.db.prepare('SELECT time, instance_id, kind, action, reason FROM decisions ORDER BY time, instance_id, kind, action, reason').all(),
    protections: app.db.prepare('SELECT name, scope, triggered_at, released_at FROM protection_events ORDER BY triggered_at, name, scope').all(),
    account: app.db.prepare('SELECT cash, fees_paid, realised_pnl FROM account').all(),
  };
}

/** What the engine holds in memory against what the database holds, between two steps. */
function memoryAgainstDb(app: App): { memory: unknown; db: unknown } {
  const k = app.kernel;
  const account = app.db.prepare('SELECT cash, fees_paid, realised_pnl FROM account').get() as { cash: number; fees_paid: number; realised_pnl: number };
  const positions = app.db.prepare('SELECT id, qty, entry_price FROM positions ORDER BY id').all();
  const cursors = app.db.prepare('SELECT id, cursor_time FROM instances ORDER BY id').all();
  const openOrders = app.db.prepare("SELECT id FROM orders WHERE status NOT IN ('filled', 'cancelled', 'rejected', 'expired') ORDER BY id").pluck().all();
  const trades = app.db.prepare('SELECT COUNT(*) FROM trades').pluck().get();
  const risk = app.db.prepare('SELECT state FROM risk_state').pluck().get() as string;
  return {
    memory: {
      cash: k.portfolio.cash,
      feesPaid: k.portfolio.feesPaid,
      realisedPnl: k.portfolio.realisedPnl,
      positions: [...k.portfolio.positions.values()].map((p) => ({ id: p.id, qty: p.qty, entry_price: p.entryPrice })).sort((a, b) => a.id.localeCompare(b.id)),
      cursors: [...k.instances.values()].map((r) => ({ id: r.id, cursor_time: r.candles.time[r.cursor] })).sort((a, b) => a.id.localeCompare(b.id)),
      openOrders: k.pendingOrders().map((o) => o.id).sort(),
      trades: k.closedTrades.length,
      risk: JSON.parse(JSON.stringify(k.risk.snapshot!())),
    },
    db: { cash: account.cash, feesPaid: account.fees_paid, realisedPnl: account.realised_pnl, positions, cursors, openOrders, trades, risk: JSON.parse(risk) },
  };
}

function runToEnd(app: App): Promise<void> {
  return new Promise((resolve) => {
    app.bus.on('feed', (e) => {
      if (e.status === 'ended') setImmediate(resolve);
    });
    void app.start();
  });
}

const until = async (cond: () => boolean, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

let straight: Record<string, unknown[]> | null = null;
async function uninterrupted(): Promise<Record<string, unknown[]>> {
  if (straight) return straight;
  const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
  await runToEnd(app);
  straight = history(app);
  await app.stop();
  expect(straight.trades.length).toBeGreaterThan(5);
  return straight;
}

describe('disk full while trading', () => {
  it('a step refused at its last write (after a fill) leaves memory as committed, holds the candles, and recovers by itself', async () => {
    const expected = await uninterrupted();
    const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null), storageRetryMs: 10 });
    // A statement fault hook: the account update that ends every step fails while `full` is set, as it would
    // with SQLITE_FULL, after the step has already booked its fill in memory.
    let full = false;
    let refused = 0;
    const prepare = app.db.prepare.bind(app.db);
    app.db.prepare = ((sql: string) => {
      const st = prepare(sql);
      if (!sql.startsWith('UPDATE account SET cash')) return st;
      const run = st.run.bind(st);
      st.run = ((...args: unknown[]) => {
        if (full) {
          refused++;
          throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        }
        return run(...args);
      }) as typeof st.run;
      return st;
    }) as typeof app.db.prepare;
    let fills = 0;
    app.bus.on('fill', () => {
      if (++fills === 3) full = true;
    });
    const statuses: string[] = [];
    app.bus.on('feed', (e) => statuses.push(e.status));
    const ended = runToEnd(app);
    await until(() => refused >= 5);
    // Held: the engine is where the database is (before the third fill), and stays there while refused.
    const cash = app.kernel.portfolio.cash;
    const { memory, db } = memoryAgainstDb(app);
    expect(memory).toEqual(db);
    expect(app.db.prepare('SELECT COUNT(*) FROM fills').pluck().get()).toBe(2);
    const cursorTimes = (db as { cursors: unknown }).cursors;
    await until(() => refused >= 15);
    expect(app.kernel.portfolio.cash).toBe(cash);
    expect(memoryAgainstDb(app).db).toMatchObject({ cursors: cursorTimes });
    expect(statuses).toContain('retrying');
    const snapshot = app.snapshot();
    expect(snapshot.feed.status).toBe('retrying');
    expect(snapshot.feed.detail).toMatch(/database refuses writes \(database or disk is full\)/);
    // A command cannot be stored either: it is refused with the reason, not half-applied.
    const result = await app.send({ type: 'pause', by: 'cli' });
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/database refuses writes/);
    expect(app.kernel.state).toBe('running');

    full = false; // space is back
    await ended;
    expect(history(app)).toEqual(expected);
    const { memory: m2, db: d2 } = memoryAgainstDb(app);
    expect(m2).toEqual(d2);
    expect(app.snapshot().feed.status).toBe('ended');
    const alerts = app.db.prepare('SELECT message FROM alerts ORDER BY time').pluck().all() as string[];
    expect(alerts.some((m) => /database accepts writes again after \d+ s; \d+ held step\(s\) applied in order/.test(m))).toBe(true);
    // storage alerts happen at replay time like every other replay alert, the wall clock kept beside it
    const lastCandle = app.db.prepare('SELECT MAX(cursor_time) FROM instances').pluck().get() as number;
    const storage = app.db.prepare(`SELECT time, wall_time FROM alerts WHERE message LIKE 'database %'`).all() as Array<{ time: number; wall_time: number }>;
    expect(storage.length).toBe(2);
    for (const a of storage) {
      expect(a.time).toBeLessThanOrEqual(lastCandle + 3_600_000);
      expect(a.time).toBeGreaterThanOrEqual(Date.parse('2026-03-01'));
      expect(Math.abs(a.wall_time - Date.now())).toBeLessThan(600_000);
    }
    await app.stop();
  }, 120_000);

  it('SQLite itself refusing to grow the file (PRAGMA max_page_count) mid-run: same trades as an uninterrupted run', async () => {
    const expected = await uninterrupted();
    const app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null), storageRetryMs: 10 });
    const pages = (): number => app.db.pragma('page_count', { simple: true }) as number;
    let fills = 0;
    let limited = false;
    app.bus.on('fill', () => {
      // The file may not grow by a single page from here: the next step that needs one is refused by SQLite.
      if (++fills === 4 && !limited) {
        limited = true;
        app.db.pragma(`max_page_count = ${pages()}`);
      }
    });
    let retrying = 0;
    app.bus.on('feed', (e) => {
      if (e.status === 'retrying') retrying++;
    });
    const ended = runToEnd(app);
    await until(() => retrying >= 3);
    const { memory, db } = memoryAgainstDb(app);
    expect(memory).toEqual(db);
    app.db.pragma('max_page_count = 1073741823');
    await ended;
    expect(history(app)).toEqual(expected);
    await app.stop();
  }, 120_000);
});
