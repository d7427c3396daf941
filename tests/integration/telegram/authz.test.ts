// Authorisation by user as well as by chat, commands addressed to other bots, and a flood of strangers
// (bounded alerts, outbox rows, audit rows, log lines and memory), through the real client against a local
// Bot API server.
import { afterEach, describe, expect, it } from 'vitest';
import { Audit } from '../../../src/adapters/notify/telegram/audit.js';
import { StrangerWindow } from '../../../src/adapters/notify/telegram/index.js';
import type { Alert } from '../../../src/core/events.js';
import { FakeEngine, instance } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { CHAT, harness, type Harness } from './harness.js';

const GROUP = -100123;
const ALICE = 11;
const BOB = 22;
const EVE = 33;
let h: Harness;
afterEach(async () => {
  await h.close();
});

/** Messages to a chat other than security alerts (which go to every allowed chat, groups included). */
function replies(chat: number): Array<{ text: string }> {
  return h.tg.messagesTo(chat).filter((m) => !/ignored a message/.test(stripTags(m.text)));
}

async function settle(): Promise<void> {
  // An allowed /help in the private chat: once answered, every earlier update has been handled.
  const before = h.tg.messagesTo(CHAT).filter((m) => m.text.includes('tradetui commands')).length;
  h.tg.pushMessage(CHAT, '/help');
  await h.tg.waitFor(() => h.tg.messagesTo(CHAT).filter((m) => m.text.includes('tradetui commands')).length > before, 10_000, 'help');
}

describe('telegram authorisation by user', () => {
  it('in an allowed group, only allowed users command, and only the asker confirms', async () => {
    const e = new FakeEngine();
    e.snap.instances = [instance('ma-cross@binance:BTC/USDT:1h')];
    h = await harness({ allowedChatIds: [CHAT, GROUP], allowedUserIds: [CHAT, ALICE, BOB] }, e);
    // Eve is in the group but not allowed: no reply, nothing done, even "yes" to Alice's question.
    h.tg.pushMessage(GROUP, '/stopall', { id: EVE, username: 'eve' });
    await settle();
    expect(replies(GROUP)).toHaveLength(0);
    h.tg.pushMessage(GROUP, '/stopall', { id: ALICE, username: 'alice' });
    await h.tg.waitFor(() => h.tg.messagesTo(GROUP).some((m) => /Tap Confirm/.test(m.text)), 10_000, 'question');
    h.tg.pushMessage(GROUP, 'yes', { id: EVE, username: 'eve' });
    // Bob is allowed, but the question is Alice's.
    h.tg.pushMessage(GROUP, 'yes', { id: BOB, username: 'bob' });
    await h.tg.waitFor(() => h.tg.messagesTo(GROUP).some((m) => stripTags(m.text) === 'Nothing to confirm.'), 10_000, 'answer to bob');
    const token = /cf:([0-9a-f]+)/.exec(JSON.stringify(h.tg.messagesTo(GROUP).find((m) => /Tap Confirm/.test(m.text))))![1]!;
    h.tg.pushCallback(GROUP, 1, `cf:${token}`, { id: BOB, username: 'bob' });
    await h.tg.waitFor(() => h.tg.callbackAnswers.length === 1, 10_000, 'callback answer');
    expect(JSON.stringify(h.tg.callbackAnswers[0])).toMatch(/Only the person who sent the command/);
    await settle();
    expect(e.commands).toHaveLength(0);
    h.tg.pushMessage(GROUP, 'yes', { id: ALICE, username: 'alice' });
    await h.tg.waitFor(() => e.commands.length === 1, 10_000, 'alice confirms');
    expect(e.commands[0]).toMatchObject({ type: 'kill', by: 'telegram' });
    const denied = new Audit(h.db).recent(20).filter((r) => r.result === 'denied');
    expect(denied.map((r) => r.userId)).toEqual([EVE, EVE]);
    expect(denied[0]!.message).toMatch(/allowedUserIds/);
  });

  it('by default only the allowed private chats\' users may act: a group needs allowedUserIds', async () => {
    h = await harness({ allowedChatIds: [CHAT, GROUP] });
    h.tg.pushMessage(GROUP, '/status', { id: ALICE });
    await settle();
    expect(replies(GROUP)).toHaveLength(0);
    h.tg.pushMessage(GROUP, '/status', { id: CHAT }); // the trader, whose private chat is allowed
    await h.tg.waitFor(() => replies(GROUP).length >= 1, 10_000, 'status for the trader');
  });

  it('ignores commands addressed to another bot, answers its own', async () => {
    const e = new FakeEngine();
    h = await harness({}, e);
    await h.tg.waitFor(() => h.bot.status().botUsername !== null, 10_000, 'getMe');
    h.tg.pushMessage(CHAT, '/pause@otherbot');
    h.tg.pushMessage(CHAT, '/stopall@OtherBot now');
    await settle();
    expect(h.tg.messagesTo(CHAT).filter((m) => !m.text.includes('tradetui commands'))).toHaveLength(0);
    h.tg.pushMessage(CHAT, '/pause@tradetui_test_bot');
    await h.tg.waitFor(() => h.tg.messagesTo(CHAT).some((m) => /Tap Confirm/.test(m.text)), 10_000, 'own command');
    expect(e.commands).toHaveLength(0);
  });
});

describe('a flood of strangers', () => {
  it('1,000 distinct chats: alerts, outbox rows, audit rows and log lines stay bounded, and one summary says how many', async () => {
    const e = new FakeEngine();
    const raised: Alert[] = [];
    e.bus.on('alert', (ev) => raised.push(ev.alert));
    h = await harness({ alerts: { securityIntervalSeconds: 2 } }, e);
    for (let i = 0; i < 1000; i++) h.tg.pushMessage(1_000_000 + i, '/stopall', { username: `bot${i}` });
    await settle();
    await h.tg.waitFor(() => raised.some((a) => /ignored 999 messages from 999 unknown chats/.test(a.message)), 10_000, 'summary');
    const security = raised.filter((a) => a.category === 'security');
    expect(security).toHaveLength(2);
    const outboxRows = h.db.prepare('SELECT COUNT(*) FROM telegram_outbox').pluck().get() as number;
    expect(outboxRows).toBeLessThanOrEqual(5); // two alerts and the /help answers
    const auditRows = h.db.prepare("SELECT COUNT(*) FROM telegram_audit WHERE result = 'denied'").pluck().get() as number;
    expect(auditRows).toBeLessThanOrEqual(21);
    const strangerLogLines = h.logger.lines.filter((l) => JSON.stringify(l.args).includes('not allowed'));
    expect(strangerLogLines.length).toBeLessThanOrEqual(21);
    expect(e.commands).toHaveLength(0);
  }, 60_000);

  it('memory is bounded: distinct chats tracked per window are capped, and a flush empties them', () => {
    const w = new StrangerWindow(60_000);
    w.add(0, 1);
    for (let i = 0; i < 50_000; i++) w.add(1, 100 + i);
    expect(w.trackedChats).toBeLessThanOrEqual(10_000);
    const s = w.flush(60_001)!;
    expect(s.text).toBe('ignored 50,000 messages from at least 10,000 unknown chats in the last 1 min');
    expect(w.trackedChats).toBe(0);
  });

  it('prunes denied audit rows beyond the cap and past their age, keeping the allowed users\' history', async () => {
    h = await harness();
    const audit = new Audit(h.db);
    for (let i = 0; i < 50; i++) audit.record({ time: i, chatId: 9, userId: 9, username: null, command: '/x', args: '', result: 'denied', message: 'm' });
    audit.record({ time: 0, chatId: CHAT, userId: CHAT, username: null, command: 'pause', args: '', result: 'ok', message: 'm' });
    audit.prune(10, 30);
    const rows = audit.recent(100);
    expect(rows.filter((r) => r.result === 'denied')).toHaveLength(30);
    expect(rows.filter((r) => r.result === 'ok')).toHaveLength(1);
  });
});
