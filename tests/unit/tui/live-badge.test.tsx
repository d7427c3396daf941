// The LIVE badge names the exchange account on every screen; without colour a glyph carries the warning
// (the inverse video is kept too).
import { afterEach, describe, expect, it } from 'vitest';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { liveConfirmLines } from '../../../src/tui/live-confirm.js';
import { type Harness, mount, stripAnsi } from './harness.js';

let h: Harness | undefined;
afterEach(() => h?.unmount());
const live = { exchange: 'binance', sandbox: true, differences: [], brokerHalt: null, lastReconcileAt: null, maxCapital: 500, stops: 'engine' as const, parity: [] };

describe('LIVE badge', () => {
  it('inverse red with the exchange (and testnet) in colour', async () => {
    h = await mount({ fake: { mode: 'live' } });
    h.api.snap.live = live;
    h.store.touch();
    await h.flush();
    const raw = h.frame().split('\n')[0]!;
    expect(stripAnsi(raw)).toMatch(/^ LIVE binance testnet /);
    expect(raw.startsWith('\x1b[31m\x1b[1m\x1b[7m LIVE binance testnet ')).toBe(true);
  });

  it('with a glyph under NO_COLOR, on every pane', async () => {
    h = await mount({ fake: { mode: 'live' }, theme: makeTheme({ color: false, unicode: true }) });
    h.api.snap.live = { ...live, sandbox: false };
    h.store.touch();
    await h.flush();
    const raw = h.frame().split('\n')[0]!;
    expect(stripAnsi(raw)).toMatch(/^ !! LIVE binance /);
    for (const code of ['31', '32', '33', '90']) expect(raw).not.toContain(`\x1b[${code}m`);
    for (const key of ['2', '3', '4']) {
      await h.press(key);
      expect(stripAnsi(h.frame()).split('\n')[0]).toMatch(/^ !! LIVE binance /);
    }
  });
});

describe('live confirmation screen', () => {
  it('says which account trades real money and asks for the exchange name', () => {
    const text = liveConfirmLines({ exchange: 'binance', sandbox: false, maxCapital: 1000, currency: 'USDT', instances: ['ma-cross BTC/USDT 1h'], noColor: true }).join('\n');
    expect(text).toContain('!! LIVE !!');
    expect(text).toContain('binance — REAL MONEY');
    expect(text).toContain('1000 USDT (live.maxCapital)');
    expect(text).toContain('ma-cross BTC/USDT 1h');
    expect(text).toContain("Type the exchange's name (binance)");
  });
});
