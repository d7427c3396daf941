// In a replay, Telegram counts replay days: the daily summary goes out when the replay reaches the configured
// time (not when the wall clock does), dated by the replay, and /profit's "last N days" are replay days.
import { afterEach, describe, expect, it } from 'vitest';
import { zonedTime } from '../../../src/alerts/summary.js';
import { DAY_MS } from '../../../src/core/time.js';
import { FakeEngine, trade } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { ask, CHAT, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const H = 3_600_000;

function replayEngine(at: number): FakeEngine {
  const e = new FakeEngine();
  e.snap.feed = { source: 'REPLAY 10/s', status: 'replay', detail: 'REPLAY 10/s', lastCandleTime: at, speed: 10 };
  e.snap.time = at;
  return e;
}

describe('telegram in a replay', () => {
  it('sends the daily summary when the replay crosses 21:00 (replay date), never on the wall clock', async () => {
    // Replay at 2024-05-01 18:00 UTC; the summary is due at 21:00 UTC of the replay.
    const start = Date.UTC(2024, 4, 1, 18);
    const e = replayEngine(start);
    e.closedTrades = [trade('w', 40, { exitTime: Date.UTC(2024, 4, 1, 10) }), trade('old', 99, { exitTime: Date.UTC(2024, 3, 20) })];
    // The wall clock says 20:59:59.9 UTC on another day: a wall-clock summary would fire within 100 ms.
    const wallBase = zonedTime(2030, 1, 1, 20, 59, 'UTC') + 59_900;
    const t0 = Date.now();
    h = await harness({ timezone: 'UTC', dailySummary: { enabled: true, time: '21:00' } }, e, () => wallBase + (Date.now() - t0));
    const raised: Array<{ time: number; wallTime?: number }> = [];
    e.bus.on('alert', (ev) => ev.alert.category === 'summary' && raised.push(ev.alert));
    await new Promise((r) => setTimeout(r, 400));
    expect(h.tg.messagesTo(CHAT)).toHaveLength(0);
    // The replay runs hour by hour past 21:00 and on through the next day's 21:00.
    for (let t = start; t <= Date.UTC(2024, 4, 2, 22); t += H) {
      e.snap.time = t;
      e.bus.emit({ type: 'equity', time: t, equity: 10_100, cash: 9_000, exposure: 1_100 });
    }
    // Alerts close together may be merged into one message: read all that was sent.
    const sent = () => h.tg.messagesTo(CHAT).map((m) => stripTags(m.text)).join('\n');
    await h.tg.waitFor(() => sent().includes('2024-05-02 21:00'), 5_000, 'two replay summaries');
    const [first, second] = sent().split('📊 Daily summary').slice(1);
    expect(first).toMatch(/^ 2024-05-01 21:00/);
    expect(first).toContain('trades today: 1 (1 won), realised +40.00');
    expect(second).toMatch(/^ 2024-05-02 21:00/);
    expect(second).toContain('trades today: 0');
    expect(raised.map((a) => a.time)).toEqual([Date.UTC(2024, 4, 1, 21), Date.UTC(2024, 4, 2, 21)]);
    expect(raised.every((a) => a.wallTime !== undefined && a.wallTime > Date.UTC(2029, 0, 1))).toBe(true);
  });

  it('/profit counts replay days', async () => {
    const at = Date.UTC(2024, 4, 10, 12);
    const e = replayEngine(at);
    e.closedTrades = [trade('a', 10, { exitTime: at - 2 * DAY_MS }), trade('b', 5, { exitTime: at - 5 * DAY_MS }), trade('c', 99, { exitTime: at - 40 * DAY_MS })];
    h = await harness({}, e);
    const week = stripTags((await ask(h, '/profit 7'))[0]!);
    expect(week).toContain('realised +15.00 over 2 trade(s)');
    const all = stripTags((await ask(h, '/profit 60'))[0]!);
    expect(all).toContain('over 3 trade(s)');
  });
});
