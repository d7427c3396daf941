// Paper trading on an exchange's live candles through real ccxt (a local Binance-speaking server): closed
// candles arrive as the exchange's clock moves on, the open one never does, and an unreachable exchange is
// reported in the status and alerts while the feed keeps retrying, without crashing.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { EngineEvent } from '../../../src/core/events.js';
import { FakeBinance } from '../../support/fake-binance.js';
import { tempDir } from '../../support/run-cli.js';

const HOUR = 3_600_000;
let fake: FakeBinance | undefined;
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = fake = undefined;
});

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('paper trading on the exchange feed', () => {
  it('trades closed candles as the exchange clock moves, and reports an outage and the recovery', async () => {
    // Half past the hour: the 10:00 candle is still open.
    const t0 = Date.UTC(2026, 2, 10, 10, 30);
    fake = await FakeBinance.start({ now: t0 });
    const config = parseConfig({
      exchange: { name: 'binance', options: fake.ccxtOptions(), retries: 0 },
      paper: { feed: 'exchange', pollSeconds: 1, instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] },
      telegram: { alerts: { feedDownSeconds: 1 } },
    });
    // A trader polls every second at the fastest (the schema's floor); a server on this machine can take a
    // poll every 0.2 s, which also shortens the outage backoff (from the poll interval, doubling per failure).
    config.paper.pollSeconds = 0.2;
    app = await createApp({ config, dataDir: tempDir(), logger: createLogger(null), now: () => fake!.now });
    const events: EngineEvent[] = [];
    app.bus.onAny((e) => events.push(e));
    await app.start();
    await until(() => events.some((e) => e.type === 'feed' && e.status === 'connected'));
    // Nothing new has closed yet: the warm-up history ends at 09:00, and 10:00 is still open.
    const candles = () => events.filter((e): e is Extract<EngineEvent, { type: 'candle' }> => e.type === 'candle');
    expect(candles()).toHaveLength(0);

    fake.now = t0 + HOUR; // 11:30: 10:00 has closed
    await until(() => candles().length === 1);
    fake.now = t0 + 3 * HOUR; // 13:30: 11:00 and 12:00 have closed; only the newest is traded, 11:00 is warm-up
    await until(() => candles().length === 2);
    expect(candles().map((e) => e.candle.time)).toEqual([Date.UTC(2026, 2, 10, 10), Date.UTC(2026, 2, 10, 12)]);
    expect([...app.kernel.instances.values()][0]!.candles.time).toContain(Date.UTC(2026, 2, 10, 11));
    expect(app.snapshot().feed.status).toBe('connected');

    fake.setDown(true);
    await until(() => app!.snapshot().feed.status === 'retrying' || app!.snapshot().feed.status === 'down');
    // The outage alert waits feedDownSeconds (1 s) on the app's clock, which is the exchange's here: let it run.
    await until(() => {
      fake!.now += 25;
      return app!.snapshot().alerts.some((a) => a.category === 'feed' && /down/.test(a.message));
    });
    fake.setDown(false);
    fake.now += HOUR;
    await until(() => candles().length === 3);
    await until(() => app!.snapshot().alerts.some((a) => a.category === 'feed' && /back/.test(a.message)));
    expect(app.snapshot().feed.status).toBe('connected');
    // The still-open candle was never delivered.
    expect(candles().every((e) => e.candle.time + HOUR <= fake!.now)).toBe(true);
  }, 60_000);
});
