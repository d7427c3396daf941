// Optional mouse (tui.mouse / --mouse): SGR reports are parsed out of stdin before Ink reads keys (never typed as
// text, also when split across reads), a click focuses the pane under it and selects the row clicked, a tab click
// focuses its pane, the wheel moves a list's selection and scrolls the help. At 80x24 (tabs) and 120x40 (grid).
import { afterEach, describe, expect, it } from 'vitest';
import { splitMouse } from '../../../src/tui/mouse.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const screen = (): string => stripAnsi(h.frame());
/** An SGR report as a terminal sends it: 1-based column and row. */
const sgr = (button: number, x: number, y: number, release = false): string => `\x1b[<${button};${x + 1};${y + 1}${release ? 'm' : 'M'}`;
const click = (x: number, y: number): string[] => [sgr(0, x, y), sgr(0, x, y, true)];

describe('splitMouse', () => {
  it('takes presses, releases and wheel turns out of the input and leaves the keys', () => {
    const r = splitMouse(`a${sgr(0, 9, 4)}b${sgr(64 + 16, 0, 0)}${sgr(65, 2, 3)}${sgr(2, 1, 1, true)}\x1b[A`);
    expect(r.keys).toBe('ab\x1b[A');
    expect(r.events).toEqual([
      { kind: 'press', button: 0, x: 9, y: 4 },
      { kind: 'wheel-up', button: 0, x: 0, y: 0 },
      { kind: 'wheel-down', button: 0, x: 2, y: 3 },
      { kind: 'release', button: 2, x: 1, y: 1 },
    ]);
    expect(r.partial).toBe('');
  });

  it('keeps a report cut at the end of a read for the next one, but never a lone Escape', () => {
    expect(splitMouse('x\x1b[<0;12;')).toEqual({ keys: 'x', events: [], partial: '\x1b[<0;12;' });
    expect(splitMouse('\x1b')).toEqual({ keys: '\x1b', events: [], partial: '' });
    // motion reports (not asked for) are dropped, not typed
    expect(splitMouse(sgr(32, 1, 1))).toEqual({ keys: '', events: [], partial: '' });
  });
});

describe('mouse in the TUI', () => {
  it('120x40: a click selects the Strategies row under it (D then acts on it); a Positions click focuses Positions', async () => {
    h = await mount({ cols: 120, rows: 40, theme: mono, mouse: true });
    // grid: the status bar on row 0; Strategies from x 70, its frame's top at y 1, header y 2, rows from y 3
    await h.press(...click(80, 4));
    await h.press('D');
    expect(screen()).toContain('Delete rsi-macd on ETH/USDT 1h?');
    await h.press('n');
    // the first row: the BTC instance holds a position, so delete is refused
    await h.press(...click(80, 3), 'D');
    expect(screen()).toContain('cannot delete');
    // Positions spans the middle row (y 20..26): a click there focuses it, so x asks to close its position
    await h.press(...click(10, 22), 'x');
    expect(screen()).toMatch(/Close .*BTC\/USDT/);
    await h.press('n');
    expect(h.api.sent).toHaveLength(0);
  });

  it('80x24: a tab click focuses its pane, a row click selects; a report split across reads is still a click', async () => {
    h = await mount({ cols: 80, rows: 24, theme: mono, mouse: true });
    expect(screen()).not.toMatch(/Strategy +Symbol/);
    // the tab bar on y 1: " 1 Chart  2 Strategies …"
    const tab = stripAnsi(h.frame()).split('\n')[1]!.indexOf('2 Strategies');
    await h.press(...click(tab + 3, 1));
    expect(screen()).toMatch(/rsi-macd +ETH\/USDT/);
    // tabs: the pane's frame top at y 2, header y 3, rows from y 4; the report arrives in two reads
    const [press, release] = click(10, 5);
    await h.press(press!.slice(0, 6), press!.slice(6), release!, 'D');
    expect(screen()).toContain('Delete rsi-macd on ETH/USDT 1h?');
    await h.press('n');
  });

  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`no report is ever read as keys: typing a filter, clicks and wheel turns leave the text alone, at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono, mouse: true });
      await h.press('2', '/', 'e', 't');
      await h.press(sgr(65, 5, 5), sgr(64, 5, 5), ...click(5, 5), `h${sgr(0, 3, 3)}`);
      expect(screen()).toContain('/eth_');
      await h.press(KEYS.escape);
      // nothing was sent and the quit dialog was never opened by a stray q
      expect(h.api.sent).toHaveLength(0);
      expect(h.quits).toBe(0);
      expect(screen().split('\n').every((l) => [...l].length <= cols)).toBe(true);
    });

    it(`the wheel moves the selection of the list under the pointer and scrolls the help, at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono, mouse: true });
      await h.press('2');
      const y = cols === 80 ? 5 : 4;
      const x = cols === 80 ? 10 : 80;
      await h.press(sgr(65, x, y), 'D');
      expect(screen()).toContain('Delete rsi-macd on ETH/USDT 1h?');
      await h.press('n', sgr(64, x, y), 'D');
      expect(screen()).toContain('cannot delete');
      await h.press('?');
      const before = screen();
      await h.press(sgr(65, 10, 10), sgr(65, 10, 10));
      const after = screen();
      expect(after).not.toEqual(before);
      await h.press(sgr(64, 10, 10), sgr(64, 10, 10));
      expect(screen()).toEqual(before);
    });
  }
});
