// The status bar and the alerts tell time the same way: the status bar shows when the newest candle closed (said in
// its label), which is the time an alert of a decision on that candle carries (its fill at the close). Signals name
// their candle (its open time, as the chart labels candles: the column says Candle). 80x24 and 120x40, no colour.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const HOUR = 3_600_000;

describe('candle time in the status bar and the alerts', () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`the status bar shows the close time with a label, the time an alert of that candle carries, at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      const open = h.api.snapshot().feed.lastCandleTime!;
      h.api.emit({ type: 'alert', alert: { id: 'a-fill', time: open + HOUR, severity: 'info', category: 'trade', message: 'opened long 0.05 BTC/USDT at 42,000' } });
      await h.flush();
      const status = stripAnsi(h.frame()).split('\n')[0]!;
      const close = new Date(open + HOUR).toISOString().slice(11, 16);
      // from 100 columns the label says which (at 80 the clock and the year keep the room)
      expect(status).toMatch(new RegExp(`${cols >= 100 ? 'closed ' : ''}\\d{4}-\\d\\d-\\d\\d ${close}`));
      expect(status).not.toContain(new Date(open).toISOString().slice(11, 16));
      if (cols === 80) await h.press('5');
      const alerts = stripAnsi(h.frame());
      expect(alerts).toMatch(new RegExp(`${close} INFO trade +opened long 0\\.05 BTC`));
    });
  }
});
