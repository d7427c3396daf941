// The chart pane's cursor, zoom, sub-panels, time ticks and memo, through the App over a FakeEngine at 120x40
// and 80x24, keys pressed as a trader would.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, mount, stripAnsi } from './harness.js';
import { chartReads } from '../../../src/tui/panes/chart.js';
import { timeTicks, mergeCandles } from '../../../src/tui/components/chart-panels.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { plain } from '../../../src/tui/components/line.js';

const HOUR = 3_600_000;
let h: Harness | null = null;
afterEach(() => {
  h?.unmount();
  h = null;
});
const screen = (): string => stripAnsi(h!.frame());
const price = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

describe('chart cursor', () => {
  it('h puts a cursor on the newest candle and reads its OHLCV and the overlays at it; h/l move it; Esc removes it', async () => {
    h = await mount({ cols: 120, rows: 40 });
    const c = h.api.markets.get('BTC/USDT|1h')!;
    const n = c.length;
    await h.press('h');
    let s = screen();
    const when = (i: number): string => new Date(c.time[i]!).toISOString().slice(0, 16).replace('T', ' ');
    expect(s).toContain(`${when(n - 1)} O ${price(c.open[n - 1]!)} H ${price(c.high[n - 1]!)} L ${price(c.low[n - 1]!)} C ${price(c.close[n - 1]!)}`);
    expect(s).toMatch(/• fast [\d,.]+ {2}◦ slow [\d,.]+/);
    expect(s).toContain('┊');
    await h.press('h', 'h');
    s = screen();
    expect(s).toContain(`${when(n - 3)} O ${price(c.open[n - 3]!)}`);
    await h.press('l');
    expect(screen()).toContain(`${when(n - 2)} O `);
    await h.press('\x1b');
    await new Promise((r) => setTimeout(r, 30)); // Ink waits a moment to tell Esc from an escape sequence
    await h.press('');
    s = screen();
    expect(s).not.toContain('┊');
    expect(s).toMatch(/BTC\/USDT 1h 48,248\.42/);
  });

  it('the cursor pans the window when it passes the left edge', async () => {
    h = await mount({ cols: 80, rows: 24 });
    // 80 columns: the chart shows fewer candles than the 300 there are
    for (let i = 0; i < 90; i++) await h.press('h');
    expect(screen()).toMatch(/candles · -\d+/);
  });
});

describe('chart zoom, panels, ticks', () => {
  it('< zooms out (2:1, 4:1) and > back in', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('<');
    expect(screen()).toContain('BTC/USDT 1h · candles · 2:1');
    await h.press('<');
    expect(screen()).toContain('· 4:1');
    await h.press('>', '>');
    expect(screen()).not.toContain(':1');
  });

  it('v adds volume, then RSI, then MACD panels under the price, then none', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('z'); // the chart maximised: room for all three
    await h.press('v');
    expect(screen()).toContain('Volume');
    await h.press('v');
    expect(screen()).toContain('RSI 14');
    await h.press('v');
    const s = screen();
    expect(s).toContain('Volume');
    expect(s).toContain('RSI 14');
    expect(s).toContain('MACD 12 26 9');
    await h.press('v');
    expect(screen()).not.toContain('Volume');
  });

  it('panels that do not fit are left out: the price keeps 8 rows (120x40: volume and RSI, not MACD)', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('v', 'v', 'v');
    const s = screen();
    expect(s).toContain('RSI 14');
    expect(s).not.toContain('MACD 12 26 9');
    for (const line of s.split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
  });

  it('the cursor also reads RSI and MACD when the panels are on', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('z', 'v', 'v', 'v', 'h');
    expect(screen()).toMatch(/RSI \d+\.\d+ {2}MACD -?[\d,.]+ {2}signal -?[\d,.]+/);
  });

  it('time ticks: hours within a day, the date at midnight, the year when the window crosses one', () => {
    const theme = makeTheme({ color: false, unicode: true });
    const day = Array.from({ length: 60 }, (_, i) => Date.UTC(2024, 2, 12, 0) + i * HOUR);
    const a = plain(timeTicks(day, 0, 60, theme));
    expect(a).toMatch(/^╵03-12/);
    expect(a).toContain('╵03-13');
    expect(a).toMatch(/╵\d\d:00/);
    const newYear = Array.from({ length: 60 }, (_, i) => Date.UTC(2023, 11, 30, 0) + i * HOUR);
    expect(plain(timeTicks(newYear, 0, 60, theme))).toContain('╵2024-01-01');
  });

  it('mergeCandles: k candles a column, aligned in time, OHLCV merged', () => {
    const t0 = Date.UTC(2024, 0, 1, 1); // not aligned to 2h: the first group has one candle
    const s = { length: 3, time: Float64Array.of(t0, t0 + HOUR, t0 + 2 * HOUR), open: Float64Array.of(1, 2, 3), high: Float64Array.of(5, 6, 7), low: Float64Array.of(0.5, 1, 2), close: Float64Array.of(2, 3, 4), volume: Float64Array.of(1, 2, 3) } as never;
    const m = mergeCandles(s, 2, HOUR);
    expect(m.series.length).toBe(2);
    expect(Array.from(m.series.open.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(m.series.high.subarray(0, 2))).toEqual([5, 7]);
    expect(Array.from(m.series.close.subarray(0, 2))).toEqual([2, 4]);
    expect(Array.from(m.series.volume.subarray(0, 2))).toEqual([1, 5]);
    expect(Array.from(m.lastIndex)).toEqual([0, 2]);
  });
});

describe('chart memo', () => {
  it('reads candles and indicators again only when its market has a new candle or the window changes', async () => {
    h = await mount({ cols: 120, rows: 40 });
    const before = chartReads.count;
    // frames without a new candle of the market: no read
    for (let i = 0; i < 5; i++) {
      h.store.touch();
      await h.flush();
    }
    await h.press('h', 'h'); // the cursor moves over the same window
    expect(chartReads.count).toBe(before);
    const t = h.api.markets.get('BTC/USDT|1h')!;
    h.api.emit({ type: 'candle', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', timeframe: '1h', candle: { time: t.time[t.length - 1]! + HOUR, open: 1, high: 2, low: 1, close: 2, volume: 1 } });
    await h.flush();
    expect(chartReads.count).toBe(before + 1);
  });

  for (const [what, event] of [
    ['an instance restarts with new params or code', { type: 'instance', change: 'updated', by: 'keyboard', instance: { id: 'ma-cross@binance:BTC/USDT:1h', strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 12, slow: 30 }, running: true } }],
    ['the engine restarts and warms up (a feed status, no candle)', { type: 'feed', status: 'connected', detail: 'binance', lastCandleTime: null }],
  ] as const) {
    it(`indicators are read again when ${what}, not only at the next candle`, async () => {
      h = await mount({ cols: 120, rows: 40 });
      await h.press('h');
      expect(screen()).toMatch(/• fast 4[\d,.]+/);
      // what the engine computes now (new params, new code, or the warm-up after a restart)
      const fresh = h.api.indicators.bind(h.api);
      h.api.indicators = (id: string, limit: number) => ({ ...fresh(id, limit), fast: new Float64Array(limit).fill(12_345.67) });
      h.api.emit(event as never);
      await h.flush();
      expect(screen()).toContain('• fast 12,345.67');
    });
  }
});

describe('text width from outside', () => {
  it('wide and combining characters are measured in cells: a line of a wide name fits its width exactly', async () => {
    const { fit, textWidth, padText } = await import('../../../src/tui/components/line.js');
    expect(textWidth('BTC/USDT')).toBe(8);
    expect(textWidth('比特币/USDT')).toBe(11);
    expect(textWidth('José')).toBe(4); // e + combining acute
    expect(textWidth('🚀 moon')).toBe(7);
    const line = fit([{ text: '用户名 alerts 🚀🚀🚀' }], 10);
    expect(textWidth(line.map((s) => s.text).join(''))).toBe(10);
    expect(textWidth(padText('比特币', 5))).toBe(5); // a wide char that would straddle the edge becomes a space
  });
});
