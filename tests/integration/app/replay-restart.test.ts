// Restarting a paper replay from an earlier date (issue #15), through the engine process as a trader runs it: the
// command over the control socket archives the account (nothing lost: a complete database under DATA_DIR/accounts),
// a new account starts at the date with the configured capital, instances keep their definitions and running state,
// viewers are told to drop what they held, and an engine restart resumes the new account. The same engine code
// gives, after a restart from D, exactly what a fresh data directory with paper.replayFrom = D gives.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import { parseDate } from '../../../src/core/time.js';
import { SimulatedBroker } from '../../../src/adapters/broker/simulated.js';
import { attach, runEngineProcess } from '../../../src/server/daemon.js';
import type { RemoteEngine } from '../../../src/server/remote.js';
import { tempDir } from '../../support/run-cli.js';

const by = 'cli' as const;
const D = '2026-03-05';

function config(replayFrom: string): Config {
  return parseConfig({
    account: { balance: 10000, fee: 0.001 },
    risk: { sizing: { mode: 'percent', pct: 30 }, exits: { stopLossPct: 1 }, protections: { cooldown: { minutes: 120 } } },
    paper: {
      speed: 1000,
      replayFrom,
      instances: [
        { strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 5, slow: 20 } },
        { strategy: 'rsi-macd', symbol: 'ETH/USDT', timeframe: '1h' },
        { strategy: 'bollinger-reversion', symbol: 'BTC/USDT', timeframe: '1h', autostart: false },
      ],
    },
  });
}

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The engine process of a data directory, in this process, with a viewer attached over its socket. */
async function engine(dataDir: string, cfg: Config): Promise<{ viewer: RemoteEngine; done: Promise<unknown> }> {
  const logger = createLogger(null);
  const done = runEngineProcess({ dataDir, logger, headless: null, frameMs: 20, createApp: (hooks) => createApp({ config: cfg, dataDir, logger, hooks, strategyPollMs: 0 }) });
  const viewer = await attach(dataDir, { client: 'test', startingWaitMs: 60_000 });
  return { viewer, done };
}

async function stop(e: { viewer: RemoteEngine; done: Promise<unknown> }): Promise<void> {
  await e.viewer.stopEngine();
  await e.done;
}

/** Everything the account holds, for comparing two data directories. */
function account(dataDir: string): { cash: number; trades: unknown[]; equity: unknown[]; fills: unknown[]; instances: unknown[] } {
  const db = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
  try {
    return {
      cash: db.prepare('SELECT cash FROM account').pluck().get() as number,
      trades: db.prepare('SELECT * FROM trades ORDER BY exit_time, id').all(),
      equity: db.prepare('SELECT * FROM equity_daily ORDER BY day').all(),
      fills: db.prepare('SELECT id, order_id, instance_id, symbol, side, purpose, qty, price, fee, time FROM fills ORDER BY time, id').all(),
      instances: db.prepare('SELECT id, strategy, params, running, risk FROM instances ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('replay restart from an earlier date', () => {
  it('archives the account, starts a new one at the date, and trades exactly as a fresh data directory from that date', async () => {
    const dir = tempDir();
    let e = await engine(dir, config('2026-03-15'));
    await until(() => e.viewer.snapshot().feed.status === 'ended', 'the first replay to end');
    const before = e.viewer.snapshot();
    const oldTrades = account(dir).trades.length;
    expect(oldTrades).toBeGreaterThan(0);

    // refused: a date outside the cached candles names the range a restart can use
    const outside = await e.viewer.send({ type: 'replay', action: 'restart', to: parseDate('2001-01-01', 'to'), by });
    expect(outside.ok).toBe(false);
    expect(outside.message).toMatch(/no cached candles for every traded market at 2001-01-01.*a restart can start from 20\d\d-.* to 2026-03-31.*BTC\/USDT 1h/);

    let resets = 0;
    e.viewer.onReset(() => resets++);
    const r = await e.viewer.send({ type: 'replay', action: 'restart', to: parseDate(D, 'to'), by });
    expect(r.ok).toBe(true);
    const eq = before.equity.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(r.message).toBe(`replay restarted from ${D} 00:00 on a new paper account (10,000.00 USDT); the old one (equity ${eq} USDT, ${oldTrades} trade(s)) is archived as account 1: tradetui accounts show 1`);

    // the viewer drops the old account and reads the new one whole: no stale position, trade, alert or chart
    await until(() => resets === 1 && e.viewer.snapshot().cash === 10000, 'the reset frame');
    const after = e.viewer.snapshot();
    expect(after.positions).toEqual([]);
    expect(after.recentTrades).toEqual([]);
    expect(after.feed.paused).toBe(true);
    expect(after.alerts.every((a) => !before.alerts.some((b) => b.id === a.id && b.message === a.message))).toBe(true);
    expect(after.instances.map((i) => [i.id, i.running, i.trades])).toEqual(before.instances.map((i) => [i.id, i.running, 0]));
    expect(e.viewer.trades({ limit: 50 })).toEqual([]);
    // the replay holds at the date: its clock is the first candle's close at most
    expect(after.feed.lastCandleTime === null || after.feed.lastCandleTime < parseDate(D, 'to')).toBe(true);

    // nothing lost: the archive is a complete database of the old account
    const archives = readdirSync(join(dir, 'accounts'));
    expect(archives).toHaveLength(1);
    const old = account(join(dir, 'accounts', archives[0]!));
    expect(old.trades).toHaveLength(oldTrades);
    expect(old.cash).toBe(before.cash);

    // play it to the end, stop, and start again: the new account is what resumes (finished replay, same trades)
    await e.viewer.send({ type: 'replay', action: 'resume', by });
    await until(() => e.viewer.snapshot().feed.status === 'ended', 'the restarted replay to end');
    const restarted = account(dir);
    await stop(e);
    e = await engine(dir, config('2026-03-15'));
    expect(e.viewer.snapshot().cash).toBe(restarted.cash);
    expect(e.viewer.snapshot().feed.paused).toBe(false);
    await stop(e);
    expect(account(dir)).toEqual(restarted);

    // the equality: a fresh data directory with paper.replayFrom = D
    const fresh = tempDir();
    const f = await engine(fresh, config(D));
    await until(() => f.viewer.snapshot().feed.status === 'ended', 'the fresh replay to end');
    await stop(f);
    const expected = account(fresh);
    expect(expected.trades.length).toBeGreaterThan(0);
    expect(restarted).toEqual(expected);
  }, 180_000);

  it('is refused without an engine process that can restart, naming what to do', async () => {
    const dir = tempDir();
    const logger = createLogger(null);
    const app = await createApp({ config: config('2026-03-15'), dataDir: dir, logger, strategyPollMs: 0 });
    try {
      const r = await app.send({ type: 'replay', action: 'restart', to: parseDate(D, 'to'), by });
      expect(r).toEqual({ ok: false, message: 'restarting the replay needs the engine process (tradetui, or tradetui --headless)' });
      expect(app.snapshot().replay).toBeUndefined();
      expect(existsSync(join(dir, 'accounts'))).toBe(false);
    } finally {
      await app.stop();
    }
  });

  it('is refused in live mode, even in an engine process that could restart: a live account is never reset', async () => {
    const dir = tempDir();
    let asked = 0;
    const app = await createApp({
      config: config('2026-03-15'),
      dataDir: dir,
      logger: createLogger(null),
      strategyPollMs: 0,
      mode: 'live',
      broker: ({ portfolio, nextId }) => new SimulatedBroker({ fee: 0.001, slippage: 0, cash: () => portfolio.cash, nextId }),
      hooks: { restartReplay: async () => ((asked++, { ok: true, message: 'restarted' })) },
    });
    try {
      const r = await app.send({ type: 'replay', action: 'restart', to: parseDate(D, 'to'), by });
      expect(r).toEqual({ ok: false, message: 'restarting the replay applies to paper trading only: a live account is never reset' });
      expect(asked).toBe(0);
      expect(app.snapshot().replay).toBeUndefined();
      expect(existsSync(join(dir, 'accounts'))).toBe(false);
    } finally {
      await app.stop();
    }
  });
});
