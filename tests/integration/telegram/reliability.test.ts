// The outbox under Telegram's limits and outages: 429 honours retry_after; a server down for a while loses
// and doubles nothing; a restart with unsent rows sends them once; a burst is merged and paced per chat;
// event handlers only enqueue, so emitting never waits on Telegram.
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/core/events.js';
import { stripTags } from '../../support/fake-telegram.js';
import { CHAT, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

function alert(i: number): { type: 'alert'; alert: Alert } {
  return { type: 'alert', alert: { id: `a${i}`, time: 1, severity: 'error', category: 'error', message: `alert #${i}#` } };
}

/** How many times each `alert #i#` reached the chat. */
function deliveries(n: number): number[] {
  const all = h.tg.messagesTo(CHAT).map((m) => stripTags(m.text)).join('\n');
  return Array.from({ length: n }, (_, i) => all.split(`alert #${i}#`).length - 1);
}

function outboxRows(): { pending: number; sent: number } {
  return h.db.prepare('SELECT SUM(sent_at IS NULL) AS pending, SUM(sent_at IS NOT NULL) AS sent FROM telegram_outbox').get() as { pending: number; sent: number };
}

describe('telegram outbox', () => {
  it('waits retry_after on a 429 and then delivers the message once', async () => {
    h = await harness();
    h.tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retry_after: 1 });
    h.engine.bus.emit(alert(0));
    await h.tg.waitFor(() => h.bot.status().state === 'retrying', 5_000, 'retrying');
    expect(h.bot.status().lastError).toContain('retry after 1s');
    await h.tg.waitFor(() => deliveries(1)[0] === 1 && h.bot.status().queue === 0, 5_000, 'delivery');
    const attempts = h.tg.calls('sendMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.time - attempts[0]!.time).toBeGreaterThanOrEqual(1000);
    expect(h.bot.status()).toMatchObject({ state: 'connected', queue: 0 });
  });

  it('keeps messages while the server is down, reports down, and delivers each once when it is back', async () => {
    h = await harness();
    h.tg.setDown(true);
    for (let i = 0; i < 5; i++) h.engine.bus.emit(alert(i));
    await h.tg.waitFor(() => h.bot.status().state === 'down', 5_000, 'down');
    expect(h.bot.status().queue).toBe(5);
    expect(h.bot.status().lastError).toBeTruthy();
    h.tg.setDown(false);
    await h.tg.waitFor(() => deliveries(5).every((n) => n >= 1) && h.bot.status().queue === 0, 10_000, 'all delivered');
    expect(deliveries(5)).toEqual([1, 1, 1, 1, 1]);
    // Sending and polling each report their own recovery; both are back once the poll's back-off ends.
    await h.tg.waitFor(() => h.bot.status().state === 'connected', 5_000, 'connected');
    expect(h.bot.status().queue).toBe(0);
    expect(outboxRows()).toEqual({ pending: 0, sent: 5 });
  });

  it('after a restart with unsent rows in the outbox they go out, none twice', async () => {
    h = await harness();
    h.engine.bus.emit(alert(0));
    await h.tg.waitFor(() => deliveries(1)[0] === 1, 5_000, 'first delivery');
    h.tg.setDown(true);
    for (let i = 1; i < 6; i++) h.engine.bus.emit(alert(i));
    await h.tg.waitFor(() => h.bot.status().lastError !== null, 5_000, 'a failed attempt');
    await h.bot.stop();
    expect(outboxRows()).toEqual({ pending: 5, sent: 1 });
    h.tg.setDown(false);
    await h.restart();
    await h.tg.waitFor(() => deliveries(6).every((n) => n >= 1) && h.bot.status().queue === 0, 10_000, 'all delivered after restart');
    expect(deliveries(6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(outboxRows()).toEqual({ pending: 0, sent: 6 });
  });

  it('a burst of 50 alerts is merged into few messages, paced at the per-chat interval, none lost', async () => {
    const interval = 300;
    h = await harness({ perChatIntervalMs: interval });
    // Five waves of ten, 100 ms apart: the first goes out at once, later ones queue behind the pace.
    for (let wave = 0; wave < 5; wave++) {
      for (let i = wave * 10; i < wave * 10 + 10; i++) h.engine.bus.emit(alert(i));
      await new Promise((r) => setTimeout(r, 100));
    }
    await h.tg.waitFor(() => deliveries(50).every((n) => n >= 1) && h.bot.status().queue === 0, 10_000, 'burst delivered');
    expect(deliveries(50)).toEqual(Array(50).fill(1));
    const sends = h.tg.calls('sendMessage');
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.length).toBeLessThanOrEqual(5);
    // Lower bound only: the sender starts requests at least `interval` apart; arrival gaps can shrink by
    // at most one request's local latency, far below the 100 ms allowed here.
    for (let i = 1; i < sends.length; i++) expect(sends[i]!.time - sends[i - 1]!.time).toBeGreaterThanOrEqual(interval - 100);
    expect(h.bot.status().merged).toBe(50 - sends.length);
  });

  it('emitting events never waits on Telegram: every alert is in the outbox when emit returns', async () => {
    h = await harness();
    h.tg.setDown(true);
    for (let i = 0; i < 200; i++) h.engine.bus.emit(alert(i));
    expect(h.bot.status().queue).toBe(200);
    h.tg.setDown(false);
  });
});
