// Every alert of a replay carries replay time (start/stop, pause, the end of the replay as much as trades),
// with the wall-clock time beside it, and the alert list keeps its order across a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Alert } from '../../../src/core/events.js';
import { tempDir } from '../../support/run-cli.js';

const FROM = Date.parse('2026-03-01T00:00:00Z');
// The shipped 1h candles end before this: a time after it can only be the wall clock.
const CACHE_END = Date.parse('2026-04-02T00:00:00Z');
const config = parseConfig({ paper: { speed: 300, replayFrom: '2026-03-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectReplayTimes(alerts: readonly Alert[], startedAt: number): void {
  for (const a of alerts) {
    expect(a.time, `${a.category}: ${a.message}`).toBeGreaterThanOrEqual(FROM - 86_400_000);
    expect(a.time, `${a.category}: ${a.message}`).toBeLessThan(CACHE_END);
    expect(a.wallTime, `${a.category}: ${a.message}`).toBeGreaterThanOrEqual(startedAt);
  }
  // Oldest to newest, replay times never go back (one market, one timeframe).
  const chrono = [...alerts].reverse();
  for (let i = 1; i < chrono.length; i++) expect(chrono[i]!.time, chrono[i]!.message).toBeGreaterThanOrEqual(chrono[i - 1]!.time);
}

describe('replay times on every alert', () => {
  it('start/stop, pause/resume, trades and the end carry replay time; the order survives a restart', async () => {
    const dataDir = tempDir();
    const startedAt = Date.now();
    app = await createApp({ config, dataDir, logger: createLogger(null) });
    await app.start();
    const id = app.snapshot().instances[0]!.id;
    const trades = () => app!.snapshot().alerts.filter((a) => a.category === 'trade').length;
    await waitFor(() => trades() >= 2, 60_000);
    for (const cmd of [{ type: 'stop', instanceId: id }, { type: 'pause' }, { type: 'resume' }, { type: 'start', instanceId: id }] as const) {
      expect((await app.send({ ...cmd, by: 'keyboard' })).ok).toBe(true);
      const n = app.snapshot().feed.lastCandleTime;
      await waitFor(() => app!.snapshot().feed.lastCandleTime !== n, 10_000);
    }
    await waitFor(() => trades() >= 4, 60_000);
    const before = app.snapshot().alerts;
    const categories = new Set(before.map((a) => a.category));
    expect(categories).toContain('strategy');
    expect(categories).toContain('engine');
    expect(categories).toContain('trade');
    expectReplayTimes(before, startedAt);

    await app.stop();
    app = await createApp({ config, dataDir, logger: createLogger(null) });
    // The same alerts, in the same order, with the same times, before anything new happens.
    expect(app.snapshot().alerts).toEqual(before);
    const ended = new Promise<void>((resolve) => app!.bus.on('feed', (e) => e.status === 'ended' && resolve()));
    await app.start();
    await ended;
    await waitFor(() => app!.snapshot().alerts.some((a) => a.message.startsWith('replay finished')), 10_000);
    const after = app.snapshot().alerts;
    expectReplayTimes(after, startedAt);
    // The restart added to the list; what was there keeps its place.
    expect(after.slice(after.length - before.length)).toEqual(before);
    const finished = after.find((a) => a.message.startsWith('replay finished'))!;
    expect(finished.time).toBeGreaterThan(Date.parse('2026-03-30T00:00:00Z'));
  }, 180_000);
});
