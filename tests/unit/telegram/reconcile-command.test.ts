// /reconcile on a live engine: lists the differences with the exchange and asks to confirm a resolution,
// sent as the engine's reconcile command; a paper engine has nothing to reconcile.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/adapters/notify/telegram/commands.js';
import type { LiveStatus } from '../../../src/engine/ports.js';
import { FakeEngine } from '../../support/fake-engine-telegram.js';

const ctx = (api: FakeEngine) => ({ api, timeZone: 'UTC', now: 0, chartPoints: 20, chartHeight: 5 });
const live: LiveStatus = {
  exchange: 'binance',
  sandbox: false,
  differences: [{ id: 3, kind: 'balance', symbol: 'BTC/USDT', summary: 'BTC on binance: 0.3; tradetui\'s positions: 0', actions: ['adopt', 'flatten', 'ignore'], createdAt: 0 }],
  brokerHalt: null,
  lastReconcileAt: 0,
  maxCapital: null,
  stops: 'engine',
  parity: [],
};

describe('/reconcile', () => {
  it('lists the differences with the command that resolves each', () => {
    const e = new FakeEngine();
    e.snap.live = live;
    const a = runCommand('reconcile', '', ctx(e));
    expect(a.kind).toBe('text');
    expect(a.kind === 'text' && a.text).toMatch(/#3 balance: BTC on binance: 0.3.*\n.*\/reconcile 3 adopt\|flatten\|ignore/);
  });

  it('asks to confirm a resolution the difference allows, refuses one it does not', () => {
    const e = new FakeEngine();
    e.snap.live = live;
    expect(runCommand('reconcile', '3 ignore', ctx(e))).toMatchObject({ kind: 'confirm', command: { type: 'reconcile', differenceId: 3, action: 'ignore', by: 'telegram' } });
    expect(runCommand('reconcile', '3 cancel', ctx(e))).toMatchObject({ kind: 'text', text: expect.stringMatching(/adopt, flatten, ignore/) });
    expect(runCommand('reconcile', '9 ignore', ctx(e))).toMatchObject({ kind: 'text', text: expect.stringMatching(/No unresolved difference #9/) });
  });

  it('says a paper engine has no exchange account', () => {
    expect(runCommand('reconcile', '', ctx(new FakeEngine()))).toMatchObject({ kind: 'text', text: expect.stringMatching(/paper/) });
  });
});
