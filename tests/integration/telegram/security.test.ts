// Only allowed chats get answers: a stranger's chat gets nothing at all, changes nothing, is logged, audited
// as denied, and raised as one (rate-limited) security alert. The token never reaches a log or the status.
import { afterEach, describe, expect, it } from 'vitest';
import { Audit } from '../../../src/adapters/notify/telegram/audit.js';
import type { Alert } from '../../../src/core/events.js';
import { FakeEngine, instance } from '../../support/fake-engine-telegram.js';
import { CHAT, harness, STRANGER, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('telegram security', () => {
  it('a stranger gets no reply, changes nothing, and raises one security alert per interval', async () => {
    const e = new FakeEngine();
    e.snap.instances = [instance('ma-cross@binance:BTC/USDT:1h')];
    const raised: Alert[] = [];
    e.bus.on('alert', (ev) => raised.push(ev.alert));
    h = await harness({}, e);
    h.tg.pushMessage(STRANGER, '/status', { username: 'mallory' });
    h.tg.pushMessage(STRANGER, '/stopall', { username: 'mallory' });
    h.tg.pushMessage(STRANGER, 'yes', { username: 'mallory' });
    h.tg.pushCallback(STRANGER, 1, 'cf:deadbeef', { username: 'mallory' });
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).length >= 1, 5_000, 'security alert');
    // Every update was consumed (offset confirmed) before we look at what was sent.
    h.tg.pushMessage(CHAT, '/help');
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).some((m) => m.text.includes('tradetui commands')), 5_000, 'help');

    expect(h.tg.messagesTo(STRANGER)).toHaveLength(0);
    expect(h.tg.callbackAnswers).toHaveLength(0);
    expect(h.tg.edits).toHaveLength(0);
    expect(e.commands).toHaveLength(0);
    expect(raised.filter((a) => a.category === 'security')).toHaveLength(1);
    const alerts = h.tg.messagesTo(CHAT).filter((m) => m.text.includes('security'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain(`chat ${STRANGER}, @mallory`);
    expect(h.logger.lines.filter((l) => l.level === 'warn' && JSON.stringify(l.args).includes(String(STRANGER)))).toHaveLength(4);
    const denied = new Audit(h.db).recent(10).filter((r) => r.result === 'denied');
    expect(denied.map((r) => r.command).reverse()).toEqual(['/status', '/stopall', 'yes', '[button']);
    expect(denied.every((r) => r.chatId === STRANGER)).toBe(true);
  });

  it('a second security alert for the same stranger comes only after securityIntervalSeconds', async () => {
    let offset = 0;
    h = await harness({ alerts: { securityIntervalSeconds: 60 } }, new FakeEngine(), () => Date.now() + offset);
    h.tg.pushMessage(STRANGER, '/status');
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).length === 1, 5_000, 'first alert');
    offset = 61_000;
    h.tg.pushMessage(STRANGER, '/status');
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).length === 2, 5_000, 'second alert');
    expect(h.tg.messagesTo(STRANGER)).toHaveLength(0);
  });

  it('the token appears in no log line and not in status(), even when requests fail', async () => {
    h = await harness();
    h.tg.setDown(true);
    h.engine.bus.emit({ type: 'alert', alert: { id: 'x', time: Date.now(), severity: 'error', category: 'error', message: 'exchange timeout' } });
    await h.tg.waitFor(() => h.bot.status().lastError !== null && h.logger.lines.some((l) => l.level === 'warn'), 5_000, 'a failure');
    h.tg.setDown(false);
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).length === 1, 5_000, 'delivery');
    const secretPart = h.tg.token.split(':')[1]!;
    expect(h.logger.text()).not.toContain(secretPart);
    expect(JSON.stringify(h.bot.status())).not.toContain(secretPart);
  });

  it('without a token the bot is off and its status says "disabled"', async () => {
    const { startTelegram } = await import('../../../src/adapters/notify/telegram/index.js');
    h = await harness();
    const off = startTelegram({ api: h.engine, db: h.db, config: { ...h.config, token: null }, logger: h.logger });
    expect(off.status()).toMatchObject({ state: 'disabled', queue: 0 });
    await off.stop();
  });
});
