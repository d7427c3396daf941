// Footer messages are wrapped, not cut, at 80 columns: a long refusal (delete of an instance holding a position)
// shows whole on lines above the keys, the screen keeps its height and width; a short message keeps sharing the
// keys' line. 80x24, no colour.
import { afterEach, describe, expect, it } from 'vitest';
import { footerLines } from '../../../src/tui/components/chrome.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });

describe('footer messages at 80x24', () => {
  it('a refusal longer than the footer is wrapped whole above the keys', async () => {
    h = await mount({ cols: 80, rows: 24, theme: mono });
    await h.press('2', 'D');
    const raw = h.frame();
    // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
    expect(raw).not.toMatch(/\x1b\[3\dm/);
    const lines = stripAnsi(raw).split('\n');
    expect(lines).toHaveLength(23);
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    const text = lines.map((l) => l.trimEnd()).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('! cannot delete: close its position first (x in Positions): long 0.05 BTC/USDT of ma-cross@binance:BTC/USDT:1h');
    // the keys keep the last line
    expect(lines[22]).toMatch(/\? help/);
    // the next key clears it and the panes come back whole
    await h.press('j');
    const after = stripAnsi(h.frame()).split('\n');
    expect(after.join('\n')).not.toContain('cannot delete');
    expect(after).toHaveLength(23);
  });

  it('a short message still shares the line with the keys', () => {
    const short = footerLines(['global'], { text: 'replay paused', severity: 'info' }, mono, 80);
    expect(short).toHaveLength(1);
    expect(short[0]!.map((x) => x.text).join('')).toMatch(/^replay paused .*\? help/);
    const long = footerLines(['global'], { text: 'x '.repeat(60), severity: 'error' }, mono, 80);
    expect(long).toHaveLength(3);
  });
});
