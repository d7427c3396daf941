// Restarting the replay from an earlier date in the TUI (issue #15): J with an earlier date asks first, in words that
// say what happens to the account (archived, not deleted; a new one at the date with the configured capital;
// instances keep their definitions and state); y sends the restart; the view then drops the old account's positions,
// trades and alerts. A date outside the cached candles, or an engine that cannot restart, is refused in the window,
// naming the range or why. Each at 80x24 and 120x40 without colour.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { FakeEngine } from '../../support/fake-engine.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const screen = (): string => stripAnsi(h.frame());
const SIZES = [
  [80, 24],
  [120, 40],
] as const;
/** Screen text with the window's borders and line breaks folded away, to read a wrapped sentence whole. */
const prose = (): string =>
  screen()
    .split('\n')
    .map((l) => l.replace(/[│┃|]/g, ' ').trim())
    .join(' ')
    .replace(/\s+/g, ' ');

function restartable(): FakeEngine {
  const api = new FakeEngine();
  api.snap.replay = { first: Date.UTC(2023, 0, 1), last: Date.UTC(2024, 11, 31), startingBalance: 10_000, currency: 'USDT', trades: 7, archives: 0 };
  return api;
}

function fitsAndMono(cols: number): void {
  const raw = h.frame();
  // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
  expect(raw).not.toMatch(/\x1b\[3\dm/);
  expect(stripAnsi(raw).split('\n').every((l) => [...l].length <= cols)).toBe(true);
}

async function type(text: string): Promise<void> {
  await h.press(...text.split(''), KEYS.enter);
}

describe('J: restart the replay from an earlier date', () => {
  for (const [cols, rows] of SIZES) {
    it(`asks in words what happens, restarts on y, and the view drops the old account at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono, api: restartable() });
      const oldAlert = h.api.snap.alerts[0]!.message.slice(0, 20);
      await h.press('3');
      expect(screen()).toContain('41,800');
      await h.press('5');
      expect(screen()).toContain(oldAlert);
      await h.press('J');
      expect(screen()).toContain('Replay: jump forward, or restart');
      expect(prose()).toContain('An earlier date from 2023-01-01 to 2024-12-31: restarts the replay there on a new paper account with 10,000.00 USDT; this one is archived, not deleted (asked first).');
      fitsAndMono(cols);

      await type('2024-02-01');
      const q = prose();
      expect(q).toContain('Restart the replay from 2024-02-01 00:00 UTC?');
      expect(q).toMatch(/The current paper account \(equity [\d,]+\.\d\d USDT, 7 closed trades, 1 open position now; it trades on until you answer\) is archived, not deleted: its trades, orders, decisions and equity stay readable \(tradetui accounts\)\./);
      expect(q).toContain('A new paper account starts at 2024-02-01 00:00 with 10,000.00 USDT; open positions and waiting orders stay in the archive, none is carried over.');
      expect(q).toContain('Strategies keep their parameters, risk overrides and running or stopped state');
      fitsAndMono(cols);
      expect(h.api.sent).toHaveLength(0);

      await h.press('y');
      expect(h.api.sent).toEqual([{ type: 'replay', action: 'restart', to: Date.UTC(2024, 1, 1), by: 'keyboard' }]);
      await h.flush();
      const s = screen();
      expect(s).toContain('replay restarted from 2024-02-01');
      // no stale position or alert from the old account
      expect(s.split('\n')[0]).toContain('REPLAY paused');
      expect(s).not.toContain(oldAlert);
      await h.press('3');
      expect(screen()).not.toContain('41,800');
      fitsAndMono(cols);
    });
  }

  it('refuses a date outside the cached candles in the window, naming the range, and sends nothing', async () => {
    h = await mount({ theme: mono, api: restartable() });
    await h.press('J');
    await type('2001-05-01');
    expect(prose()).toContain('no cached candles for every traded market at 2001-05-01 00:00: a restart can start from 2023-01-01 00:00 to 2024-12-31 00:00 UTC');
    expect(h.api.sent).toHaveLength(0);
  });

  it('says why an engine that cannot restart (live, an exchange feed) refuses, and sends nothing', async () => {
    h = await mount({ theme: mono });
    await h.press('J');
    expect(prose()).toContain('Restarting from an earlier date needs a paper replay engine.');
    await type('2024-01-01');
    expect(prose()).toContain('restarting the replay applies to paper trading on a replay of cached candles (not live, not an exchange feed)');
    expect(h.api.sent).toHaveLength(0);
  });

  it('a later date still jumps forward', async () => {
    h = await mount({ theme: mono, api: restartable() });
    await h.press('J');
    await type('2030-01-01');
    expect(h.api.sent).toEqual([{ type: 'replay', action: 'jump', to: Date.UTC(2030, 0, 1), by: 'keyboard' }]);
  });

  it('read-only (--readonly) refuses it', async () => {
    h = await mount({ theme: mono, api: restartable(), readonly: true });
    await h.press('J');
    expect(screen()).toContain('read-only (--readonly)');
    expect(screen()).not.toContain('Replay: jump forward');
    expect(h.api.sent).toHaveLength(0);
  });
});
