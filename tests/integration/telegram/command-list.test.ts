// Telegram's command list and help come from one table whose acting commands read the TUI's action descriptions
// (the keymap), so the bot, its "/" menu and the TUI's help cannot drift; /reconcile asks in the TUI's R-window words
// (src/view/reconcile.ts). Through node-telegram-bot-api against the local Bot API server.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/adapters/notify/telegram/commands.js';
import { DEFAULT_KEYMAP } from '../../../src/config/keys.js';
import type { LiveStatus } from '../../../src/engine/ports.js';
import { confirmReconcile } from '../../../src/view/reconcile.js';
import { FakeEngine } from '../../support/fake-engine-telegram.js';
import { type Harness, ask, harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
const describeAction = (id: string): string => DEFAULT_KEYMAP.find((b) => b.id === id)!.description;

describe('command list and help from the action table', { timeout: 30_000 }, () => {
  it('setMyCommands registers every command with the words /help uses; acting commands in the TUI help\'s words', async () => {
    h = await harness();
    await h.tg.waitFor(() => h!.tg.calls('setMyCommands').length > 0, 10_000, 'setMyCommands');
    const raw = h.tg.calls('setMyCommands')[0]!.params.commands;
    const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ command: string; description: string }>;
    expect(list.map((c) => c.command)).toEqual(COMMANDS.map((c) => c.name));
    const help = (await ask(h, '/help'))[0]!;
    for (const c of list) expect(help).toContain(`/${c.command}`);
    // the kill switch, pause, resume and edit say what the TUI's help says for the same action
    const said = (name: string): string => list.find((c) => c.command === name)!.description;
    expect(said('stopall')).toBe(describeAction('kill'));
    expect(said('pause')).toBe(describeAction('pause'));
    expect(said('resume')).toBe(describeAction('resume'));
    expect(said('edit')).toBe(describeAction('edit-instance'));
    expect(help).toContain(describeAction('kill'));
  });

  it('/reconcile ID ACTION asks with the TUI R window\'s confirmation (title and every line)', async () => {
    const engine = new FakeEngine();
    const live: LiveStatus = {
      exchange: 'binance',
      sandbox: false,
      differences: [{ id: 3, kind: 'balance', symbol: 'BTC/USDT', summary: "BTC on binance: 0.3; tradetui's positions: 0", actions: ['adopt', 'flatten', 'ignore'], createdAt: 0 }],
      brokerHalt: null,
      lastReconcileAt: 0,
      maxCapital: null,
      stops: 'engine',
      parity: [],
    };
    engine.snap.live = live;
    h = await harness({}, engine);
    const answer = (await ask(h, '/reconcile 3 flatten'))[0]!;
    const q = confirmReconcile(live.differences[0]!, 'flatten', 'binance', 'telegram');
    expect(answer).toContain(q.title);
    for (const l of q.lines) expect(answer).toContain(l);
  });
});
