// The live engine's two windows, at 80x24 and 120x40 without colour: the parity window (S) lists each live fill
// beside the simulated fill of the same decision with slippage, fees, delay and the running total; the
// reconciliation window (R) lists the differences with the exchange and resolves the selected one by adopt /
// ignore / cancel / flatten, each after a confirmation, with the engine's `reconcile` command. Both come from the
// action table: the help lists them, a paper engine says why they do not apply, --readonly refuses to resolve.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveStatus } from '../../../src/engine/ports.js';
import { parityRows, paritySummary, type ParityRecord } from '../../../src/live/parity-store.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const screen = (): string => stripAnsi(h.frame());
/** The window's text with borders and line breaks gone, for sentences that wrap. */
const flat = (): string => screen().replace(/[│┌┐└┘─]/g, ' ').replace(/\s+/g, ' ');
const SIZES = [
  [80, 24],
  [120, 40],
] as const;
const T = Date.UTC(2024, 2, 13, 10);
const H = 3_600_000;
const INST = 'ma-cross@binance:BTC/USDT:1h';

function fitsAndMono(cols: number): void {
  const raw = h.frame();
  // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
  expect(raw).not.toMatch(/\x1b\[3\dm/);
  expect(stripAnsi(raw).split('\n').every((l) => [...l].length <= cols)).toBe(true);
}

const rec = (over: Partial<ParityRecord> & Pick<ParityRecord, 'side' | 'purpose' | 'decisionCandle'>): ParityRecord => ({
  key: `${INST}|${over.purpose}|${over.side}||${over.decisionCandle}`,
  instanceId: INST,
  symbol: 'BTC/USDT',
  exitReason: over.purpose === 'exit' ? 'signal' : null,
  decidedAt: over.decisionCandle + H + 200,
  reference: 60_000,
  liveOrderId: `o${over.decisionCandle}`,
  live: null,
  liveStatus: null,
  simReference: 60_000,
  sim: null,
  simStatus: null,
  ...over,
});

// A buy 20 bp above its decision (paper 10 bp above), a sell 10 bp below (paper not yet filled), an entry the
// exchange refused while paper filled it.
const records: ParityRecord[] = [
  rec({ side: 'buy', purpose: 'entry', decisionCandle: T, live: { qty: 0.01, price: 60_120, fee: 0.6012, filledAt: T + H + 450 }, liveStatus: 'filled', sim: { qty: 0.01, price: 60_060, fee: 0.6006, filledAt: T + 2 * H }, simStatus: 'filled' }),
  rec({ side: 'sell', purpose: 'exit', decisionCandle: T + H, reference: 61_000, live: { qty: 0.01, price: 60_939, fee: 0.60939, filledAt: T + 2 * H + 1_400 }, liveStatus: 'filled' }),
  rec({ side: 'buy', purpose: 'entry', decisionCandle: T + 2 * H, liveStatus: 'rejected: Filter failure: NOTIONAL', sim: { qty: 0.01, price: 61_030, fee: 0.6103, filledAt: T + 3 * H }, simStatus: 'filled' }),
];
const rows = parityRows(records);

function live(over: Partial<LiveStatus> = {}): LiveStatus {
  return { exchange: 'binance', sandbox: false, differences: [], brokerHalt: null, lastReconcileAt: T, maxCapital: null, stops: 'engine', parity: rows, paritySummary: paritySummary(rows, { live: 9.4, sim: 11.2 }), ...over };
}

async function goLive(l: LiveStatus): Promise<void> {
  h.api.snap.live = l;
  h.api.snap.mode = 'live';
  h.store.touch();
  await h.flush();
}

describe('parity window (S)', () => {
  for (const [cols, rows_] of SIZES) {
    it(`lists each live fill against paper with bps, the running total and the selected fill in words at ${cols}x${rows_}`, async () => {
      h = await mount({ cols, rows: rows_, theme: mono, fake: { mode: 'live' } });
      await goLive(live());
      await h.press('S');
      const s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Live vs paper');
      // 20 bp on 0.01 × 60,000 = 1.20 paid, then 10 bp on 0.01 × 61,000 = 0.61: 1.81 in all; live paid 0.60
      // more than paper on the one fill both made (0.01 × (60,120 − 60,060)). The whole line fits 80 columns.
      expect(s).toContain('2 live fill(s) (1 paired)  slippage paid ▼ −1.81  vs paper ▼ −0.60 USDT');
      expect(s).toContain('1 decision(s) filled on paper only');
      const lines = s.split('\n');
      const buy = lines.find((l) => l.includes('60,120'))!;
      expect(buy).toContain('+20.0');
      expect(buy).toContain('60,060');
      expect(buy).toContain('▼ −1.20');
      const sell = lines.find((l) => l.includes('60,939'))!;
      expect(sell).toContain('+10.0');
      expect(sell).toContain('next open');
      expect(sell).toContain('▼ −1.81');
      expect(lines.find((l) => l.includes('rejected'))).toBeDefined();
      if (cols >= 120) {
        expect(buy).toContain('+10.0'); // live vs paper: 60,120 against 60,060
        expect(buy).toContain('250 ms');
        expect(buy).toContain('10.0/10.0'); // fees in bp of notional, live/paper
      }
      // The newest is selected; its full story below the table, whatever the width.
      expect(flat()).toMatch(/entry buy 0\.01 BTC\/USDT of ma-cross: decided/);
      expect(flat()).toContain('live: rejected: Filter failure: NOTIONAL');
      await h.press('k');
      expect(flat()).toMatch(/exit \(signal\) sell 0\.01 BTC\/USDT of ma-cross/);
      expect(flat()).toContain('after 1.2 s');
      await h.press(KEYS.escape);
      expect(screen()).not.toContain('Live vs paper');
    });
  }

  it('a paper engine says the window is for live trading; an empty live meter says what will appear', async () => {
    h = await mount({ theme: mono });
    await h.press('S');
    expect(screen()).toContain('live trading only (tradetui --live)');
    expect(screen()).not.toContain('Live vs paper');
    await goLive(live({ parity: [], paritySummary: paritySummary([], { live: 0, sim: 0 }) }));
    await h.press('S');
    expect(screen()).toContain('no live order yet');
  });
});

const DIFFS: LiveStatus['differences'] = [
  { id: 4, kind: 'balance', symbol: 'BTC/USDT', summary: "BTC on binance: 0.3; tradetui's positions: 0", actions: ['adopt', 'flatten', 'ignore'], createdAt: T },
  { id: 7, kind: 'external-trade', symbol: 'BTC/USDT', summary: 'trade not made by tradetui: buy 0.01 BTC/USDT at 60000', actions: ['adopt', 'ignore'], createdAt: T + H },
];

describe('reconciliation window (R)', () => {
  for (const [cols, rows_] of SIZES) {
    it(`lists the differences and resolves the selected one after a confirmation at ${cols}x${rows_}`, async () => {
      h = await mount({ cols, rows: rows_, theme: mono, fake: { mode: 'live' } });
      h.api.snap.state = 'halted';
      await goLive(live({ differences: DIFFS }));
      await h.press('R');
      const s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Reconcile with the exchange');
      expect(s).toContain('!! LIVE binance');
      expect(s).toContain('engine halted');
      expect(s).toContain('2 difference(s) waiting: live entries are halted until each is resolved');
      expect(s).toContain('external-trade');
      expect(flat()).toMatch(/#4 balance on BTC\/USDT: BTC on binance: 0\.3; tradetui's positions: 0\. Resolve with a \(adopt\), f \(flatten\), i \(ignore\)/);
      // The trade made by hand cannot be flattened: said, nothing asked, nothing sent.
      await h.press('j', 'f');
      expect(screen()).toContain('difference #7 (external-trade) can be resolved by adopt, ignore, not flatten');
      expect(h.api.sent).toEqual([]);
      await h.press('a');
      expect(screen()).toContain('Adopt difference #7 (external-trade)?');
      expect(screen()).toContain("booked into tradetui's position");
      await h.press('n');
      expect(h.api.sent).toEqual([]);
      await h.press('R', 'j', 'a', 'y');
      expect(h.api.sent).toEqual([{ type: 'reconcile', differenceId: 7, action: 'adopt', by: 'keyboard' }]);
      await h.flush();
      // The engine resolved it: one left, and flattening it asks first, naming the real request.
      await h.press('R');
      expect(screen()).toContain('1 difference(s) waiting');
      await h.press('f');
      expect(screen()).toContain('Flatten difference #4 (balance)?');
      expect(screen()).toContain('This sends a real request to binance.');
      await h.press('y');
      expect(h.api.sent.at(-1)).toEqual({ type: 'reconcile', differenceId: 4, action: 'flatten', by: 'keyboard' });
      await h.flush();
      await h.press('R');
      expect(screen()).toContain("no differences with binance: what tradetui believes matches the exchange");
      // r checks the account now, with the same command and no difference id.
      await h.press('r');
      expect(h.api.sent.at(-1)).toEqual({ type: 'reconcile', by: 'keyboard' });
    });
  }

  it('--readonly opens the window but refuses to resolve; help lists both windows and their keys', async () => {
    h = await mount({ theme: mono, readonly: true, fake: { mode: 'live' } });
    await goLive(live({ differences: DIFFS }));
    await h.press('R', 'i');
    expect(screen()).toContain('read-only (--readonly)');
    expect(h.api.sent).toEqual([]);
    await h.press(KEYS.escape, '?');
    let help = '';
    for (let i = 0; i < 12; i++) {
      help += screen();
      await h.press(' ');
    }
    expect(help).toContain('Parity window, live (S)');
    expect(help).toContain('Reconciliation window, live (R)');
    expect(help).toMatch(/flatten: sell at market what the exchange holds/);
  });
});
