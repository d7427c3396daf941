// Through the engine API the TUI draws from: a 1d chart of a market replaying 1h candles shows the day's
// forming candle from the hours already replayed, never the day's final close before the replay reaches it.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { SqliteCandleStore } from '../../../src/adapters/store/sqlite/candle-cache.js';
import { tempDir } from '../../support/run-cli.js';

const H = 3_600_000;
const D = 24 * H;
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('higher-timeframe chart during a replay', () => {
  it('app.candles(1d) ends with the forming day built from the replayed hours', async () => {
    const config = parseConfig({ paper: { speed: 200, replayFrom: '2026-02-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null) });
    const a = app;
    const store = new SqliteCandleStore(a.db);
    const hourKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    const dayKey = { ...hourKey, timeframe: '1d' as const };
    let checked = 0;
    await new Promise<void>((resolve, reject) => {
      a.bus.on('candle', (e) => {
        try {
          const clock = e.candle.time + H;
          if (clock % D === 0 || checked >= 3) return;
          if ((clock % D) / H !== 7 + checked * 5) return; // 07:00, 12:00, 17:00 replay time
          const chart = a.candles(dayKey, 5);
          const last = chart.length - 1;
          const dayStart = clock - (clock % D);
          expect(chart.time[last]).toBe(dayStart);
          for (let i = 0; i < last; i++) expect(chart.time[i]! + D).toBeLessThanOrEqual(clock);
          const hours = store.read(hourKey, dayStart, clock - H);
          expect(chart.close[last]).toBe(hours.close[hours.length - 1]);
          expect(chart.close[last]).toBe(e.candle.close);
          expect(chart.high[last]).toBe(Math.max(...hours.high));
          expect(chart.open[last]).toBe(hours.open[0]);
          // The cached final day (what the chart showed before) would have told the future.
          const final = store.read(dayKey, dayStart, dayStart);
          expect(final.length).toBe(1);
          if (checked === 0) expect(chart.close[last]).not.toBe(final.close[0]);
          checked++;
          if (checked === 3) resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      void a.start();
    });
    expect(checked).toBe(3);
  }, 60_000);
});
