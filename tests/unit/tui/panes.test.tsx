// Every pane at fixed sizes over a FakeEngine: what is on screen after scripted engine events.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, mount, stripAnsi } from './harness.js';
import { FakeEngine, T0 } from '../../support/fake-engine.js';

let h: Harness;
afterEach(() => h?.unmount());
const screen = (): string => stripAnsi(h.frame());
const HOUR = 3_600_000;

describe('status bar', () => {
  it('shows mode, replay speed, last candle, equity, today P&L, exposure and HH:MM clock', async () => {
    h = await mount();
    const top = screen().split('\n')[0]!;
    expect(top).toContain('PAPER');
    expect(top).toContain('REPLAY 2/s');
    expect(top).toContain('closed 2024-03-13 12:00');
    expect(top).toContain('equity 10,123.45');
    expect(top).toContain('today ▲ +123.45');
    expect(top).toContain('exposure 2,412.42');
    expect(top).toContain('14:05 UTC');
  });

  it('keeps the clock and the candle year at 100 and 80 columns, dropping exposure first', async () => {
    for (const cols of [100, 80]) {
      h = await mount({ cols, rows: 24 });
      const top = screen().split('\n')[0]!;
      expect(top).toContain('2024-03-13 12:00');
      expect(top).toMatch(/14:05( UTC)?$/);
      h.unmount();
    }
  });

  it('shows LIVE, an exchange feed retrying with the candle age, a loss today and a halted engine', async () => {
    h = await mount({ fake: { mode: 'live' } });
    Object.assign(h.api.snap, { equity: 9_900, state: 'halted' });
    h.api.snap.feed = { source: 'binance', status: 'retrying', detail: 'HTTP 502', lastCandleTime: Date.UTC(2024, 2, 13, 13, 0), speed: null };
    h.store.touch();
    await h.flush();
    const top = screen().split('\n')[0]!;
    expect(top).toContain('LIVE');
    expect(top).toContain('binance ○ retrying last 1h ago');
    expect(top).toContain('today ▼ −100.00');
    expect(top).toContain('HALTED');
  });
});

describe('status bar: Telegram', () => {
  it("shows the bot's state and queue when a bot is configured, nothing when it is disabled", async () => {
    h = await mount();
    expect(screen().split('\n')[0]).not.toContain('TG');
    let status = { state: 'retrying', queue: 3 };
    Object.assign(h.api, { telegramStatus: () => status });
    h.store.touch();
    await h.flush();
    expect(screen().split('\n')[0]).toContain('TG ○ retrying 3q');
    status = { state: 'connected', queue: 0 };
    h.store.touch();
    await h.flush();
    expect(screen().split('\n')[0]).toContain('TG ●');
    status = { state: 'disabled', queue: 0 };
    h.store.touch();
    await h.flush();
    expect(screen().split('\n')[0]).not.toContain('TG');
  });
});

describe('strategies pane', () => {
  it('lists every instance with state, market, trades, P&L and the selected params', async () => {
    h = await mount();
    const s = screen();
    expect(s).toMatch(/● run\s+ma-cross\s+BTC\/USDT\s+1h\s+3\s+▲ \+123\.45/);
    expect(s).toMatch(/○ stop\s+rsi-macd\s+ETH\/USDT\s+1h\s+1\s+▼ −20\.50/);
    expect(s).toContain('params fast=10 slow=30 type=sma short=false');
  });

  it('follows instance events (a started instance turns to run)', async () => {
    h = await mount();
    await h.press('2', 'j', 's', 'y');
    await h.flush();
    expect(screen()).toMatch(/● run\s+rsi-macd/);
  });
});

describe('positions pane', () => {
  it('shows symbol, strategy, side, qty, entry, last, unrealised P&L and %, stop, take-profit', async () => {
    h = await mount();
    const row = screen()
      .split('\n')
      .find((l) => l.includes('▲ long'))!;
    expect(row).toMatch(/BTC\/USDT\s+ma-cross\s+▲ long\s+0\.05\s+41,800\s+48,248\.42\s+▲ \+322\.42\s+▲ \+15\.43%\s+40,964\s+44,726/);
    expect(screen()).toMatch(/Symbol\s+Strategy\s+Side\s+Qty\s+Entry\s+Last\s+uP&L\s+uP&L%\s+Stop\s+Take-profit/);
  });

  it('says so when nothing is open', async () => {
    h = await mount({ fake: { positions: false } });
    expect(screen()).toContain('no open positions');
    expect(screen()).toContain('0 open');
  });
});

describe('signals pane', () => {
  it('starts with the signals the engine already had (from before a restart), newest first', async () => {
    h = await mount({
      fake: {
        signals: [
          { time: T0 + 7 * HOUR, instanceId: 'ma-cross@binance:BTC/USDT:1h', strategy: 'ma-cross', symbol: 'BTC/USDT', kind: 'risk', action: 'rejected', reason: 'cooldown (BTC/USDT): 60 min after an exit' },
          { time: T0 + 6 * HOUR, instanceId: 'ma-cross@binance:BTC/USDT:1h', strategy: 'ma-cross', symbol: 'BTC/USDT', kind: 'decision', action: 'enter-long', reason: 'fast SMA(10) 101.20 crossed above slow SMA(30) 100.80' },
        ],
      },
    });
    await h.press('4');
    const lines = screen().split('\n');
    const first = lines.findIndex((l) => /03-01 07:00 ma-cross\s+BTC\/USDT\s+! rejected/.test(l));
    const second = lines.findIndex((l) => /03-01 06:00 ma-cross\s+BTC\/USDT\s+▲ long/.test(l));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
  });

  it('shows decisions with their reason and risk rejections/resizes with why, newest first; accepted verdicts add no row', async () => {
    h = await mount();
    const id = 'ma-cross@binance:BTC/USDT:1h';
    h.api.emit({ type: 'decision', instanceId: id, strategy: 'ma-cross', symbol: 'BTC/USDT', time: T0 + 5 * HOUR, action: 'enter-long', reason: 'fast SMA(10) 101.20 crossed above slow SMA(30) 100.80' });
    h.api.emit({ type: 'risk', instanceId: id, symbol: 'BTC/USDT', time: T0 + 5 * HOUR, verdict: 'accepted', reason: 'ok' });
    h.api.emit({ type: 'decision', instanceId: id, strategy: 'ma-cross', symbol: 'BTC/USDT', time: T0 + 9 * HOUR, action: 'enter-long', reason: 'fast crossed above slow' });
    h.api.emit({ type: 'risk', instanceId: id, symbol: 'BTC/USDT', time: T0 + 9 * HOUR, verdict: 'rejected', reason: 'max open positions 1 reached' });
    h.api.emit({ type: 'risk', instanceId: id, symbol: 'BTC/USDT', time: T0 + 10 * HOUR, verdict: 'resized', reason: 'exposure cap', requested: 2000, granted: 1500 });
    await h.flush();
    const lines = screen().split('\n');
    const idx = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    const resized = idx(/03-01 10:00 ma-cross\s+BTC\/USDT\s+~ resized\s+risk: exposure cap/);
    const rejected = idx(/03-01 09:00 ma-cross\s+BTC\/USDT\s+! rejected\s+risk: max open pos/);
    const first = idx(/03-01 05:00 ma-cross\s+BTC\/USDT\s+▲ long\s+fast SMA\(10\) 101\.20/);
    expect(resized).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(resized);
    expect(first).toBeGreaterThan(rejected);
    expect(lines.filter((l) => l.includes('risk: ok'))).toEqual([]);
    // the full reason is one Enter away
    await h.press('4', 'j', 'j', 'j', '\r');
    expect(screen()).toContain('why: fast SMA(10) 101.20 crossed above slow SMA(30) 100.80');
  });
});

describe('alerts pane', () => {
  it('lists alerts newest first with time and a severity tag that does not need colour', async () => {
    h = await mount();
    h.api.emit({ type: 'alert', alert: { id: 'a3', time: Date.UTC(2024, 2, 13, 12, 0), severity: 'critical', category: 'stop', message: 'kill switch by telegram' } });
    await h.flush();
    const lines = screen().split('\n');
    const crit = lines.findIndex((l) => /03-13 12:00 CRIT stop\s+kill switch/.test(l));
    const warn = lines.findIndex((l) => /03-13 09:00 WARN feed\s+feed retrying/.test(l));
    const info = lines.findIndex((l) => /03-13 01:00 INFO trade\s+opened long/.test(l));
    expect(crit).toBeGreaterThan(0);
    expect(warn).toBe(crit + 1);
    expect(info).toBe(warn + 1);
  });
});

describe('chart pane', () => {
  it('draws candles with a price axis, the last price and change, overlays and trade markers', async () => {
    h = await mount({ cols: 160, rows: 40 });
    const s = screen();
    expect(s).toMatch(/BTC\/USDT 1h 48,248\.42 ▲ \+\d+\.\d\d% 1d/);
    expect(s).toContain('ma-cross: • fast ◦ slow');
    expect(s).toMatch(/█/);
    expect(s).toMatch(/░/);
    expect(s).toMatch(/•/);
    expect(s).toMatch(/◦/);
    // time ticks along the axis (the legend gave way to them)
    expect(s).toMatch(/╵\d\d:\d\d/);
    // the seeded closed trade's entry and exit
    const markerRow = s.split('\n').find((l) => /^│\s*▲\s+▼\s+│/.test(l));
    expect(markerRow).toBeDefined();
  });

  it('draws overlays an instance has for fewer candles than the chart shows, aligned to the newest candle', async () => {
    const api = new FakeEngine();
    const full = api.indicators.bind(api);
    // A freshly started instance knows only its warm-up and the candles since: its series are short.
    Object.assign(api, {
      indicators: (id: string, limit: number) => Object.fromEntries(Object.entries(full(id, limit)).map(([k, v]) => [k, v.subarray(v.length - 40)])),
    });
    h = await mount({ cols: 160, rows: 40, api });
    const s = screen();
    expect(s).toContain('ma-cross: • fast ◦ slow');
    const chartRows = s.split('\n').slice(2, 20);
    // overlay dots only in the right part of the chart (the last 40 candles), none at its left edge
    const firstDot = Math.min(...chartRows.map((l) => l.search(/[•◦]/)).filter((i) => i >= 0));
    expect(firstDot).toBeGreaterThan(20);
  });

  it('redraws when a candle of its market closes', async () => {
    h = await mount();
    const t = h.api.markets.get('BTC/USDT|1h')!;
    const next = t.time[t.length - 1]! + HOUR;
    h.api.emit({ type: 'candle', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', timeframe: '1h', candle: { time: next, open: 48_248, high: 52_000, low: 48_000, close: 51_234.5, volume: 1 } });
    await h.flush();
    expect(screen()).toContain('BTC/USDT 1h 51,234.5');
    expect(screen()).toContain('closed 2024-03-13 13:00');
  });

  it('says so when the market has no candles', async () => {
    h = await mount();
    h.api.markets.delete('BTC/USDT|1h');
    await h.press(']', '[');
    expect(screen()).toContain('no candles for BTC/USDT 1h yet');
  });
});

describe('terminal sizes and themes', () => {
  it('shows "needs at least" below the smallest usable size, and q still quits', async () => {
    h = await mount({ cols: 50, rows: 12 });
    expect(screen()).toContain('tradetui needs at least 60×16');
    expect(screen()).toContain('this terminal is 50×12');
    await h.press('K');
    expect(h.api.sent).toEqual([]);
    await h.press('q');
    expect(h.quits).toBe(1);
  });

  it('reflows on resize: small tabs → large grid → too small', async () => {
    h = await mount({ cols: 80, rows: 24 });
    expect(screen()).toContain('▶1 Chart');
    await h.setSize(120, 40);
    expect(screen()).not.toContain('▶1 Chart');
    expect(screen()).toContain('5 Alerts ─');
    await h.setSize(40, 10);
    expect(screen()).toContain('needs at least');
  });

  it('keeps the frame one row shorter than the terminal and within its width', async () => {
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
      [200, 60],
      [60, 16],
    ] as const) {
      h = await mount({ cols, rows });
      const lines = screen().split('\n');
      expect(lines.length).toBe(rows - 1);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(cols);
      h.unmount();
    }
  });

  it('the colour theme emits ANSI colours; the NO_COLOR theme emits none and keeps the glyphs', async () => {
    h = await mount({ theme: makeTheme({ color: true, unicode: true }) });
    // eslint-disable-next-line no-control-regex
    const colourSgr = /\x1b\[(3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m/;
    expect(h.frame()).toMatch(colourSgr);
    h.unmount();
    h = await mount({ theme: makeTheme({ color: false, unicode: true }) });
    await h.press('3');
    expect(h.frame()).not.toMatch(colourSgr);
    expect(h.frame()).toContain('▲ +322.42');
    expect(h.frame()).toContain('▲ long');
  });

  it('the ASCII theme draws only ASCII characters', async () => {
    h = await mount({ theme: makeTheme({ color: false, unicode: false }) });
    await h.press('?', 'q');
    const s = stripAnsi(h.frame());
     
    expect(s).toMatch(/^[\x20-\x7e\n]*$/);
    expect(s).toContain('^ +123.45');
    expect(s).toContain('#');
    h.unmount();
    h = await mount({ cols: 80, rows: 24, theme: makeTheme({ color: false, unicode: false }) });
     
    expect(stripAnsi(h.frame())).toMatch(/^[\x20-\x7e\n]*$/);
  });
});

describe('chart pane: stale data and line mode', () => {
  it('marks cached candles as stale with their age when the exchange feed is down, not on a live or replay feed', async () => {
    h = await mount({ cols: 120, rows: 40 });
    expect(screen()).not.toContain('STALE'); // replay: old candles are the point
    h.api.snap.feed = { source: 'binance', status: 'down', detail: 'ECONNREFUSED', lastCandleTime: Date.UTC(2024, 2, 13, 11), speed: null };
    h.store.touch();
    await h.flush();
    await h.press('c', 'c');
    expect(screen()).toContain('STALE: newest candle 2h old');
  });

  it('a fresh candle on an exchange feed is not stale', async () => {
    h = await mount({ cols: 120, rows: 40 });
    h.api.snap.feed = { source: 'binance', status: 'connected', detail: '', lastCandleTime: Date.UTC(2024, 2, 13, 13), speed: null };
    const t = h.api.markets.get('BTC/USDT|1h')!;
    for (let k = 1; k <= 2; k++) {
      const time = t.time[t.length - 1]! + k * HOUR;
      h.api.emit({ type: 'candle', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', timeframe: '1h', candle: { time, open: 48_248, high: 49_000, low: 48_000, close: 48_500, volume: 1 } });
    }
    await h.flush();
    expect(screen()).not.toContain('STALE');
  });

  it('the line chart keeps the overlays (named in the header) and the trade markers', async () => {
    h = await mount({ cols: 160, rows: 40 });
    await h.press('c');
    const s = screen();
    expect(s).toContain('BTC/USDT 1h · line');
    expect(s).toContain('ma-cross: • fast ◦ slow');
    expect(s).toMatch(/[╭╮╯╰]/);
    expect(s).toMatch(/•/);
    expect(s).toMatch(/◦/);
    expect(s.split('\n').find((l) => /^│\s*▲\s+▼\s+│/.test(l))).toBeDefined();
  });
});
