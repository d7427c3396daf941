// Confirmation flows: a state-changing command runs only after an inline "Confirm" tap or a "yes" reply,
// is attributed to telegram, and lands in the audit table with chat, user, time and result.
import { afterEach, describe, expect, it } from 'vitest';
import { Audit } from '../../../src/adapters/notify/telegram/audit.js';
import { FakeEngine, instance, position } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { ask, CHAT, harness, type Harness } from './harness.js';

function engine(): FakeEngine {
  const e = new FakeEngine();
  e.snap.instances = [instance('ma-cross@binance:BTC/USDT:1h'), instance('rsi@binance:ETH/USDT:4h', { running: false })];
  e.snap.positions = [position('BTC/USDT')];
  return e;
}

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** Asks a confirming command and returns the question's message id. */
async function question(text: string): Promise<number> {
  await ask(h, text);
  const msg = h.tg.messagesTo(CHAT).at(-1)!;
  expect(msg.replyMarkup?.inline_keyboard).toBeDefined();
  return msg.messageId;
}

function buttonData(messageId: number, label: string): string {
  const msg = h.tg.sent.find((m) => m.messageId === messageId)!;
  return msg.replyMarkup.inline_keyboard[0].find((b: any) => b.text.includes(label)).callback_data;
}

describe('telegram confirmations', () => {
  it('Confirm sends the command by telegram, edits the question into the result, and audits it', async () => {
    h = await harness({}, engine());
    const id = await question('/stop ma-cross');
    expect(h.engine.commands).toHaveLength(0);
    // The tap comes from the user who asked (in a private chat, the chat's own user).
    const cq = h.tg.pushCallback(CHAT, id, buttonData(id, 'Confirm'), { id: CHAT, username: 'alice' });
    await h.tg.waitFor(() => h.tg.edits.length === 1, 5_000, 'edit');
    expect(h.engine.commands).toEqual([{ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'telegram' }]);
    expect(stripTags(h.tg.edits[0]!.text)).toBe('✅ stop ma-cross@binance:BTC/USDT:1h: stop done');
    expect(h.tg.edits[0]!.messageId).toBe(id);
    expect(h.tg.callbackAnswers.map((a) => a.id)).toContain(cq);
    const [row] = new Audit(h.db).recent(1);
    expect(row).toMatchObject({ chatId: CHAT, userId: CHAT, username: 'alice', command: 'stop', args: 'ma-cross', result: 'ok', message: 'stop done' });
    expect(row!.time).toBeGreaterThan(0);
  });

  it('Cancel sends nothing and audits the cancellation', async () => {
    h = await harness({}, engine());
    const id = await question('/close BTCUSDT');
    h.tg.pushCallback(CHAT, id, buttonData(id, 'Cancel'));
    await h.tg.waitFor(() => h.tg.edits.length === 1, 5_000, 'edit');
    expect(stripTags(h.tg.edits[0]!.text)).toBe('✖ Cancelled: close BTC/USDT');
    expect(h.engine.commands).toHaveLength(0);
    expect(new Audit(h.db).recent(1)[0]).toMatchObject({ command: 'close', result: 'cancelled' });
  });

  it('a confirming reply "yes" runs the latest question; "no" cancels it', async () => {
    h = await harness({}, engine());
    await question('/pause');
    expect(stripTags((await ask(h, 'yes'))[0]!)).toBe('✅ pause: pause done');
    expect(h.engine.commands).toEqual([{ type: 'pause', by: 'telegram' }]);
    await question('/stopall');
    expect(stripTags((await ask(h, 'no'))[0]!)).toBe('✖ Cancelled: stopall');
    expect(h.engine.commands).toHaveLength(1);
    expect(stripTags((await ask(h, 'yes'))[0]!)).toBe('Nothing to confirm.');
    expect(new Audit(h.db).recent(5).map((r) => `${r.command}:${r.result}`)).toEqual(['stopall:cancelled', 'pause:ok']);
  });

  it('/stopall confirmed sends the kill switch once, even if Confirm is tapped twice', async () => {
    h = await harness({}, engine());
    const id = await question('/stopall');
    const data = buttonData(id, 'Confirm');
    h.tg.pushCallback(CHAT, id, data);
    h.tg.pushCallback(CHAT, id, data);
    await h.tg.waitFor(() => h.tg.callbackAnswers.length === 2, 5_000, 'two callback answers');
    expect(h.engine.commands).toEqual([{ type: 'kill', by: 'telegram' }]);
    expect(h.tg.callbackAnswers[1]!.text).toBe('This confirmation expired or was already used.');
  });

  it('a refused command is reported as failed and audited as failed', async () => {
    const e = engine();
    e.respond = () => ({ ok: false, message: 'no open position on BTC/USDT' });
    h = await harness({}, e);
    await question('/close BTC/USDT');
    expect(stripTags((await ask(h, 'y'))[0]!)).toBe('❌ close BTC/USDT: no open position on BTC/USDT');
    expect(new Audit(h.db).recent(1)[0]).toMatchObject({ command: 'close', args: 'BTC/USDT', result: 'failed' });
  });

  it('an engine that throws on send is reported, not crashed on', async () => {
    const e = engine();
    e.respond = () => {
      throw new Error('engine is stopping');
    };
    h = await harness({}, e);
    await question('/start rsi');
    expect(stripTags((await ask(h, 'yes'))[0]!)).toBe('❌ start rsi@binance:ETH/USDT:4h: engine is stopping');
    expect(new Audit(h.db).recent(1)[0]).toMatchObject({ result: 'failed', message: 'engine is stopping' });
  });

  it('a confirmation older than confirmSeconds expires without sending the command', async () => {
    let offset = 0;
    h = await harness({ confirmSeconds: 5 }, engine(), () => Date.now() + offset);
    const id = await question('/pause');
    offset = 6_000;
    h.tg.pushCallback(CHAT, id, buttonData(id, 'Confirm'));
    await h.tg.waitFor(() => h.tg.edits.length === 1, 5_000, 'edit');
    expect(stripTags(h.tg.edits[0]!.text)).toBe('⌛ Expired: pause. Send the command again.');
    expect(h.engine.commands).toHaveLength(0);
    expect(new Audit(h.db).recent(1)[0]).toMatchObject({ command: 'pause', result: 'expired' });
  });
});
