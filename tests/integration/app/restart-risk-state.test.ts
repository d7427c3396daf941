// Issue #9: a replay stopped and restarted many times makes the same trades as an uninterrupted one —
// cooldowns, stop-loss guard, low-profit and daily-loss protections with the histories behind them, the day's
// starting equity and the drawdown peak are all state that a restart brings back.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

const config = parseConfig({
  risk: {
    sizing: { mode: 'percent', pct: 30 },
    exits: { stopLossPct: 0.8 },
    limits: { maxPositionPct: 50 },
    protections: {
      cooldown: { minutes: 240 },
      stoplossGuard: { trades: 2, lookbackMinutes: 2880, stopMinutes: 900 },
      lowProfit: { pct: 1, trades: 2, lookbackMinutes: 4320, stopMinutes: 720 },
      dailyLossLimit: { pct: 0.4 },
    },
  },
  paper: { speed: 1000, replayFrom: '2026-03-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 5, slow: 20 } }] },
});

type App = Awaited<ReturnType<typeof createApp>>;

function trades(app: App): unknown[] {
  return app.db.prepare('SELECT entry_time, exit_time, side, qty, entry_price, exit_price, exit_reason FROM trades ORDER BY entry_time, exit_time').all();
}

function protections(app: App): unknown[] {
  return app.db.prepare('SELECT name, scope, triggered_at FROM protection_events ORDER BY triggered_at, name, scope').all();
}

/** "Today" as the engine reports it after each candle: the day's starting equity, by candle time. */
let dayStarts = new Map<number, number>();

/** Starts the app; resolves after `candles` candles (or the replay's end) with whether the replay ended. */
async function runFor(app: App, candles: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let n = 0;
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      // Stop between steps, like a crash between two committed transactions.
      setImmediate(() => resolve(ended));
    };
    app.bus.on('candle', (e) => {
      dayStarts.set(e.candle.time, app.snapshot().dayStartEquity);
      if (++n >= candles) finish(false);
    });
    app.bus.on('feed', (e) => {
      if (e.status === 'ended') finish(true);
    });
    void app.start();
  });
}

describe('restart restores the whole risk state', () => {
  it('a replay restarted every 60 candles equals the uninterrupted one trade for trade, quantities included, and today\'s P&L base too', async () => {
    const straightDir = tempDir();
    const straight = await createApp({ config, dataDir: straightDir, logger: createLogger(null) });
    expect(await runFor(straight, Infinity)).toBe(true);
    const expected = trades(straight);
    const expectedProtections = protections(straight);
    const expectedDayStarts = dayStarts;
    dayStarts = new Map();
    await straight.stop();
    // The run exercises what must survive: several protections fire, and trades close by stop-loss.
    const names = new Set(expectedProtections.map((p) => (p as { name: string }).name));
    expect(names.size, JSON.stringify([...names])).toBeGreaterThanOrEqual(3);
    expect(expected.length).toBeGreaterThan(10);

    const dir = tempDir();
    let restarts = 0;
    for (;;) {
      const app = await createApp({ config, dataDir: dir, logger: createLogger(null) });
      const ended = await runFor(app, 60);
      if (ended) {
        expect(trades(app)).toEqual(expected);
        expect(protections(app)).toEqual(expectedProtections);
        // "today" P&L neither resets nor shifts across restarts: the day's starting equity is restored.
        const diff = [...expectedDayStarts].filter(([t, v]) => dayStarts.get(t) !== v).map(([t, v]) => [new Date(t).toISOString(), v, dayStarts.get(t)]);
        expect(JSON.stringify(diff)).toBe("[]");
        await app.stop();
        break;
      }
      await app.stop();
      restarts++;
    }
    expect(restarts).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
