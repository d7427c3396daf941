// Real money is never mistaken for paper on Telegram: every message of a live engine (alerts, command
// answers, confirmation prompts and their results) starts with LIVE and the exchange (testnet said too), and
// a paper engine's messages carry no such mark. Through the real node-telegram-bot-api on the local fake Bot API.
import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../../src/core/trading.js';
import type { LiveStatus } from '../../../src/engine/ports.js';
import { FakeEngine } from '../../support/fake-engine-telegram.js';
import { stripTags } from '../../support/fake-telegram.js';
import { ask, CHAT, harness, type Harness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const live = (sandbox: boolean): LiveStatus => ({ exchange: 'binance', sandbox, differences: [], brokerHalt: null, lastReconcileAt: null, maxCapital: null, stops: 'engine', parity: [] });

const fill: Fill = { id: 'f1', orderId: 'o1', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy', purpose: 'entry', qty: 0.05, price: 60_000, fee: 3, time: Date.UTC(2024, 4, 1), reason: 'crossed', positionId: 'p1' };

/** Every kind of message: an alert from the engine's stream, a command's answer, a confirmation and its result. */
async function everyKind(h: Harness): Promise<string[]> {
  const texts = (): string[] => h.tg.messagesTo(CHAT).map((m) => stripTags(m.text));
  h.engine.bus.emit({ type: 'fill', fill });
  await h.tg.waitFor(() => texts().length >= 1, 5_000, 'the fill alert');
  await ask(h, '/status');
  await ask(h, '/pause');
  await ask(h, 'yes');
  return texts();
}

describe('telegram LIVE mark', { timeout: 30_000 }, () => {
  it('live: every message starts with LIVE and the exchange', async () => {
    const engine = new FakeEngine();
    engine.snap = { ...engine.snap, mode: 'live', live: live(false) };
    h = await harness({}, engine);
    const texts = await everyKind(h);
    expect(texts).toHaveLength(4);
    for (const t of texts) expect(t.split('\n')[0]).toBe('🔴 LIVE binance');
    // The message itself follows the mark: the fill alert, the status, the confirmation prompt, the result.
    expect(texts[0]).toMatch(/^🔴 LIVE binance\n🟢 Opened LONG ▲ BTC\/USDT/);
    expect(texts[2]).toMatch(/Tap Confirm or reply yes/);
    expect(texts[3]).toMatch(/✅/);
    expect(engine.commands).toEqual([{ type: 'pause', by: 'telegram' }]);
    // In HTML the mark is bold, so it stands out in the chat list as well.
    expect(h.tg.messagesTo(CHAT)[0]!.text.startsWith('🔴 <b>LIVE binance</b>\n')).toBe(true);
  });

  it('the testnet is named as such', async () => {
    const engine = new FakeEngine();
    engine.snap = { ...engine.snap, mode: 'live', live: live(true) };
    h = await harness({}, engine);
    const [status] = await ask(h, '/status');
    expect(stripTags(status!).split('\n')[0]).toBe('🔴 LIVE binance testnet');
  });

  it('paper: no message is marked LIVE', async () => {
    h = await harness();
    const texts = await everyKind(h);
    expect(texts).toHaveLength(4);
    for (const t of texts) expect(t).not.toMatch(/LIVE/);
    expect(texts[0]).toMatch(/^🟢 Opened LONG ▲ BTC\/USDT/);
  });
});
