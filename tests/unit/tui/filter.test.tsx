// `/` in a focused list filters its rows by words (lazygit/k9s style); Enter keeps the filter, Esc clears it.
// Actions act on the filtered selection. The chart's symbol picker moved to m (and / in the chart pane).
import { afterEach, describe, expect, it } from 'vitest';
import { ETH_POS } from '../../support/fake-engine.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const screen = (): string => stripAnsi(h.frame());
const mono = makeTheme({ color: false, unicode: true });

describe('filter in lists', () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`/ filters the strategies while typing, Enter keeps it, Esc clears it (${cols}x${rows})`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press('2', '/', 'e', 't', 'h');
      expect(screen()).toContain('/eth_ 1 of 2');
      expect(screen()).toMatch(/stop\s+rsi-macd/);
      expect(screen()).not.toMatch(/run\s+ma-cross/);
      expect(h.api.sent).toEqual([]); // typed letters did not act (s, e, ...)
      await h.press(KEYS.enter);
      expect(screen()).toContain('/eth 1 of 2');
      await h.press('s');
      expect(screen()).toContain('Start rsi-macd on ETH/USDT 1h?');
      await h.press('n', '/', KEYS.escape);
      expect(screen()).not.toContain('of 2');
      expect(screen()).toMatch(/run\s+ma-cross/);
    });
  }

  it('x acts on the selected row of the filtered positions', async () => {
    h = await mount({ fake: { extraPositions: [ETH_POS] } });
    await h.press('3', '/', 'r', 's', 'i', KEYS.enter, 'x');
    expect(screen()).toContain('Close long 1 ETH/USDT at market?');
  });

  it('q while typing a filter is text, not quit; the chart symbol picker is on m and / in the chart', async () => {
    h = await mount();
    await h.press('4', '/', 'q');
    expect(h.quits).toBe(0);
    expect(screen()).toContain('/q_ 0 of');
    await h.press(KEYS.escape, '1', '/');
    expect(screen()).toContain('Chart symbol');
    await h.press(KEYS.escape, '2', 'm');
    expect(screen()).toContain('Chart symbol');
  });
});
