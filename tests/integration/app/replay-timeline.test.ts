// Every replayed market is on one timeline: adding an instance on another timeframe (BTC/USDT 1d while 1h
// replays) or another symbol mid-run starts it at the current replay time, with its earlier candles as
// warm-up; the running market does not wait, the clock never goes back, and after a restart the clock
// resumes where it stood (adding a market then does not rewind it either).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app/compose.js';
import { createLogger } from '../../../src/app/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { tempDir } from '../../support/run-cli.js';

const H = 3_600_000;
const D = 24 * H;
const config = parseConfig({ paper: { speed: 400, replayFrom: '2026-01-01', instances: [{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h' }] } });

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

/** Close times of delivered candles per instance, in delivery order. */
function record(a: App): Array<{ id: string; close: number }> {
  const seen: Array<{ id: string; close: number }> = [];
  a.bus.on('candle', (e) => seen.push({ id: e.instanceId, close: e.candle.time + (e.timeframe === '1d' ? D : H) }));
  return seen;
}

describe('one replay timeline', () => {
  it('adds a 1d instance mid-run without moving the clock; a restart and another market keep it', async () => {
    const dataDir = tempDir();
    app = await createApp({ config, dataDir, logger: createLogger(null) });
    const seen = record(app);
    await app.start();
    await waitFor(() => seen.length >= 60, 30_000);
    const at = seen.length;
    const lastHour = seen[at - 1]!.close;
    const added = await app.send({ type: 'add-instance', strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1d', params: {}, by: 'keyboard' });
    expect(added.ok, added.message).toBe(true);
    // The 1h market carries straight on: its next candles follow the last one, hour by hour (no 1d catch-up).
    await waitFor(() => seen.filter((s) => s.id.includes('1d')).length >= 2, 30_000);
    const after = seen.slice(at);
    const hours = after.filter((s) => s.id.includes(':1h'));
    expect(hours[0]!.close).toBe(lastHour + H);
    hours.forEach((s, i) => i > 0 && expect(s.close - hours[i - 1]!.close).toBe(H));
    // No catch-up of the new market: at most one 1d candle between two 1h candles.
    const days = after.filter((s) => s.id.includes('1d'));
    expect(days.every((d, i) => i === 0 || d.close - days[i - 1]!.close === D)).toBe(true);
    expect(after.slice(0, after.indexOf(hours[1]!)).filter((s) => s.id.includes('1d')).length).toBeLessThanOrEqual(1);
    // Every delivered candle closes after the one before it, across both markets: the clock never rewinds.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.close, `candle ${i} of ${seen[i]!.id}`).toBeGreaterThanOrEqual(seen[i - 1]!.close);
    const firstDay = days[0]!;
    // It joined at the replay time (after the last 1h candle before the add, within a day of it), its warm-up
    // history running up to the candle just before its first delivered one.
    expect(firstDay.close).toBeGreaterThan(lastHour);
    expect(firstDay.close - lastHour).toBeLessThanOrEqual(D + 2 * H);
    const day = [...app.kernel.instances.values()].find((r) => r.key.timeframe === '1d')!;
    const dayTimes = Array.from(day.candles.time.subarray(0, day.candles.length));
    const k = dayTimes.indexOf(firstDay.close - D);
    expect(k).toBeGreaterThanOrEqual(30);
    expect(dayTimes[k - 1]).toBe(firstDay.close - 2 * D);
    const hourBeforeDay = seen.slice(0, seen.indexOf(firstDay)).filter((s) => s.id.includes(':1h')).at(-1)!;
    expect(firstDay.close - hourBeforeDay.close).toBeLessThanOrEqual(H);

    // Restart: the replay resumes at the clock it had reached.
    await app.stop();
    const stored = new Database(join(dataDir, 'tradetui.db'), { readonly: true });
    const cursors = stored.prepare('SELECT timeframe, cursor_time FROM instances').all() as Array<{ timeframe: string; cursor_time: number }>;
    stored.close();
    const stoppedAt = Math.max(...cursors.map((c) => c.cursor_time + (c.timeframe === '1d' ? D : H)));
    app = await createApp({ config, dataDir, logger: createLogger(null) });
    const seen2 = record(app);
    await app.start();
    await waitFor(() => seen2.length >= 5, 30_000);
    expect(seen2[0]!.close).toBeGreaterThan(stoppedAt - D);
    const clock2 = app.snapshot().feed.lastCandleTime! + H;
    expect(clock2).toBeGreaterThanOrEqual(stoppedAt - H);
    // Another symbol joining after the restart starts at the clock too.
    const eth = await app.send({ type: 'add-instance', strategy: 'ma-cross', symbol: 'ETH/USDT', timeframe: '1h', params: {}, by: 'keyboard' });
    expect(eth.ok, eth.message).toBe(true);
    const at2 = seen2.length;
    await waitFor(() => seen2.slice(at2).some((s) => s.id.includes('ETH')), 30_000);
    const firstEth = seen2.slice(at2).find((s) => s.id.includes('ETH'))!;
    expect(firstEth.close).toBeGreaterThan(clock2);
    const btcBefore = seen2.slice(0, seen2.indexOf(firstEth)).filter((s) => s.id.includes('BTC/USDT:1h')).at(-1)!;
    expect(firstEth.close - btcBefore.close).toBeLessThanOrEqual(H);
    for (let i = 1; i < seen2.length; i++) expect(seen2[i]!.close).toBeGreaterThanOrEqual(seen2[i - 1]!.close);
  }, 120_000);
});
