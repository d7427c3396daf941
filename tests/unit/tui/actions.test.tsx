// The action table and what is built on it: the `:` palette (completion, runs the same action as the key, read-only
// refusal), key bindings and theme colours from the config (checked by the schema with the key path; the footer,
// help and handler follow the override), and the windows the palette and keys open: waiting orders with cancel, the
// engine's log by level, the account view. Each at 80x24 and 120x40 without colour.
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src/core/trading.js';
import { configSchema } from '../../../src/config/schema.js';
import { applyKeyOverrides, keyOverrideIssues } from '../../../src/config/keys.js';
import type { LogEntry } from '../../../src/engine/viewer-api.js';
import { helpLines } from '../../../src/tui/components/chrome.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { pnlByPeriod } from '../../../src/view/account.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const screen = (): string => stripAnsi(h.frame());
const SIZES = [
  [80, 24],
  [120, 40],
] as const;
const DAY = 86_400_000;

function fitsAndMono(cols: number): void {
  const raw = h.frame();
  // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
  expect(raw).not.toMatch(/\x1b\[3\dm/);
  expect(stripAnsi(raw).split('\n').every((l) => [...l].length <= cols)).toBe(true);
}

describe('command palette (:)', () => {
  for (const [cols, rows] of SIZES) {
    it(`lists actions, completes with Tab and runs the action with its confirmation at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press(':');
      expect(screen()).toMatch(/Command palette \(\d+ actions\)/);
      expect(screen()).toMatch(/kill\s+K\s+kill switch/);
      expect(screen()).toMatch(/maximise\s+z/);
      fitsAndMono(cols);
      await h.press('k', 'i', 'l');
      expect(screen()).toContain(':kil');
      await h.press(KEYS.tab);
      expect(screen()).toContain(':kill');
      await h.press(KEYS.enter);
      // the same confirmation as K; nothing sent before y
      expect(screen()).toContain('KILL SWITCH: stop everything?');
      expect(h.api.sent).toHaveLength(0);
      await h.press('y');
      expect(h.api.sent).toEqual([{ type: 'kill', by: 'keyboard' }]);
    });
  }

  it('Tab completes to the longest shared prefix; an unknown name runs nothing and says so', async () => {
    h = await mount({ theme: mono });
    await h.press(':', 'f', 'o', 'c');
    await h.press(KEYS.tab);
    expect(screen()).toContain(':focus-');
    await h.press(KEYS.escape);
    await h.press(':', 'z', 'z', 'z', 'q');
    expect(screen()).toContain('no action matches "zzzq"');
    await h.press(KEYS.enter);
    expect(screen()).toContain('no action "zzzq"');
    expect(h.api.sent).toHaveLength(0);
  });

  it('read-only: the palette offers only watching actions', async () => {
    h = await mount({ theme: mono, readonly: true });
    await h.press(':');
    expect(screen()).toContain('trades');
    expect(screen()).not.toContain('close-position');
    await h.press('k', 'i', 'l', 'l', KEYS.enter);
    expect(h.api.sent).toHaveLength(0);
    expect(screen()).not.toContain('KILL SWITCH');
  });
});

describe('key bindings from the config', () => {
  it('the schema refuses an unknown action, a bad key name and a clashing key, naming tui.keys.ACTION', () => {
    const check = (keys: Record<string, unknown>): string[] => {
      const r = configSchema.safeParse({ tui: { keys } });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(check({ 'close-position': 'X' })).toEqual([]);
    expect(check({ 'close-positon': 'X' })[0]).toMatch(/^tui\.keys\.close-positon: unknown action "close-positon"/);
    expect(check({ kill: 'ctrl-shift-k' })[0]).toMatch(/^tui\.keys\.kill: "ctrl-shift-k" is not a key/);
    // K is the kill switch everywhere: the positions pane cannot take it for close-position
    expect(check({ 'close-position': 'K' })[0]).toMatch(/^tui\.keys\.close-position: key "K" clashes with "kill" \(everywhere\)/);
    // a global action cannot take a key a pane uses
    expect(check({ kill: ['K', 'x'] })[0]).toMatch(/^tui\.keys\.kill\.1: key "x" clashes with "close-position" \(in positions\)/);
    // restating a default is no clash (h is left in panes, pan-left in the chart, by design)
    expect(keyOverrideIssues({ 'focus-left': ['left', 'h'] })).toEqual([]);
    expect(check({ palette: [] })[0]).toMatch(/^tui\.keys\.palette/);
    // theme roles and colours are checked too
    expect(configSchema.safeParse({ tui: { theme: { up: 'blue', down: 'none' } } }).success).toBe(true);
    const bad = configSchema.safeParse({ tui: { theme: { up: 'teal' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('tui.theme.up');
  });

  it('an overridden key works, and the footer and help show it instead of the default', async () => {
    const keymap = applyKeyOverrides({ 'close-position': 'X', trades: 'T' });
    h = await mount({ theme: mono, keymap });
    await h.press('3');
    expect(screen()).toMatch(/X close/);
    expect(screen()).not.toMatch(/\bx close/);
    await h.press('x');
    expect(screen()).not.toContain('at market?');
    await h.press('X');
    expect(screen()).toContain('at market?');
    await h.press(KEYS.escape);
    const help = helpLines(mono, 118, keymap).map((l) => l.map((x) => x.text).join(''));
    expect(help.some((l) => /^\s+X\s+close the selected position/.test(l))).toBe(true);
    expect(help.some((l) => /^\s+x\s+close the selected position/.test(l))).toBe(false);
    await h.press(KEYS.escape, 'T');
    expect(screen()).toContain('Trade history');
  });

  it('theme colours by role replace the defaults, and NO_COLOR still wins', () => {
    const t = makeTheme({ color: true, unicode: true }, { up: 'blue', down: 'yellow', muted: 'none' });
    expect(t.colors.up).toBe('blue');
    expect(t.colors.down).toBe('yellow');
    expect(t.colors.muted).toBeUndefined();
    expect(t.colors.accent).toBe('cyan');
    expect(makeTheme({ color: false, unicode: true }, { up: 'blue' }).colors.up).toBeUndefined();
  });
});

const order = (id: string, over: Partial<Order> = {}): Order => ({
  id,
  clientId: `tt-${id}`,
  instanceId: 'ma-cross@binance:BTC/USDT:1h',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  purpose: 'entry',
  quote: 2_000,
  reason: 'fast crossed above slow',
  createdAt: Date.UTC(2024, 2, 13, 13),
  status: 'submitted',
  filledQty: 0,
  avgPrice: 0,
  fees: 0,
  feesByCurrency: {},
  updatedAt: Date.UTC(2024, 2, 13, 13),
  ...over,
});

async function setOrders(list: Order[]): Promise<void> {
  h.api.snap.orders = list;
  // a real engine's order event (and the frame after it) brings the new snapshot
  h.api.emit({ type: 'order', order: list[0] ?? order('gone', { status: 'filled' }) });
  await h.flush();
}

describe('orders window (o)', () => {
  for (const [cols, rows] of SIZES) {
    it(`lists waiting orders and cancels exactly the selected one after y at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await setOrders([
        order('o7', { symbol: 'ETH/USDT', instanceId: 'rsi-macd@binance:ETH/USDT:1h', side: 'sell', purpose: 'exit', qty: 1.5, quote: undefined, type: 'stop', price: 2_250, createdAt: Date.UTC(2024, 2, 13, 12) }),
        order('o9'),
      ]);
      await h.press('o');
      const s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Waiting orders');
      expect(s).toContain('2 waiting');
      const lines = s.split('\n');
      const eth = lines.findIndex((l) => l.includes('ETH/USDT') && l.includes('1.5'));
      const btc = lines.findIndex((l) => l.includes('BTC/USDT') && l.includes('2,000.00'));
      expect(eth).toBeGreaterThan(0);
      expect(btc).toBeGreaterThan(eth); // oldest first
      if (cols >= 120) expect(lines[eth]).toContain('2,250');
      await h.press('j', 'x');
      expect(screen()).toContain('Cancel the entry order: buy 2,000.00 of BTC/USDT?');
      expect(h.api.sent).toHaveLength(0);
      await h.press('y');
      expect(h.api.sent).toEqual([{ type: 'cancel-order', orderId: 'o9', by: 'keyboard' }]);
    });
  }

  it('the selection stays on its order when an older one finishes; empty list says why', async () => {
    h = await mount({ theme: mono });
    await h.press('o');
    expect(screen()).toContain('no waiting orders');
    await h.press(KEYS.escape);
    await setOrders([order('o1', { createdAt: 1 }), order('o2', { createdAt: 2, symbol: 'SOL/USDT' })]);
    await h.press('o', 'j');
    await setOrders([order('o2', { createdAt: 2, symbol: 'SOL/USDT' })]);
    await h.press('x');
    expect(screen()).toContain('SOL/USDT');
    await h.press('y');
    expect(h.api.sent.at(-1)).toEqual({ type: 'cancel-order', orderId: 'o2', by: 'keyboard' });
  });
});

const line = (seq: number, level: LogEntry['level'], msg: string, detail = ''): LogEntry => ({ seq, time: Date.UTC(2024, 2, 13, 14, 0, seq), level, msg, detail });

describe('log window (L)', () => {
  for (const [cols, rows] of SIZES) {
    it(`shows the engine's log newest last, filtered by level and words at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      const logs = [line(1, 'debug', 'poll tick'), line(2, 'info', 'command', '{"command":{"type":"pause"}}'), line(3, 'warn', 'feed retrying: HTTP 502'), line(4, 'error', 'command failed', '{"err":"boom"}')];
      let asked = 0;
      Object.assign(h.api, {
        logs: () => {
          asked++;
          return logs;
        },
      });
      await h.press('L');
      fitsAndMono(cols);
      let s = screen();
      expect(asked).toBeGreaterThan(0);
      expect(s).toContain('Engine log');
      expect(s).not.toContain('poll tick'); // debug is below the default level
      expect(s).toMatch(/14:00:02 INF command \{"command"/);
      expect(s).toMatch(/14:00:04 ERR command failed/);
      expect(s.indexOf('feed retrying')).toBeLessThan(s.indexOf('command failed'));
      await h.press('v'); // warn and above
      s = screen();
      expect(s).not.toContain('INF command');
      expect(s).toContain('WRN feed retrying');
      expect(s).toContain('2 of 4 lines');
      await h.press('v', 'v'); // error → debug
      expect(screen()).toContain('poll tick');
      await h.press('/', 'r', 'e', 't', 'r', 'y', KEYS.enter);
      s = screen();
      expect(s).toContain('feed retrying');
      expect(s).not.toContain('command failed');
    });
  }

  it('says so when the engine keeps no log in memory', async () => {
    h = await mount({ theme: mono });
    await h.press('L');
    expect(screen()).toContain('keeps no log in memory');
  });
});

describe('account view (A)', () => {
  const day0 = Date.UTC(2024, 2, 4); // a Monday
  const marks = [10_000, 10_050, 9_980, 10_100, 10_120, 10_090, 10_200, 10_260, 10_123.45].map((equity, i) => ({ day: day0 + i * DAY, equity }));

  for (const [cols, rows] of SIZES) {
    it(`shows balance, the equity curve and P&L by day, then by week at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      Object.assign(h.api, { dailyEquity: () => marks });
      await h.press('A');
      fitsAndMono(cols);
      let s = screen();
      expect(s).toContain('Account (paper)');
      expect(s).toMatch(/equity 10,123\.45\s+cash 8,000\.00/);
      expect(s).toContain('P&L by UTC day');
      // newest full day first: 03-11 ran from 10,260 to 10,123.45
      expect(s).toMatch(/2024-03-11\s+▼ −136\.55/);
      if (rows >= 40) {
        expect(s).toMatch(/2024-03-05\s+▼ −70\.00/);
        expect(s).toContain("Equity at each UTC day's start");
      }
      await h.press('w');
      s = screen();
      expect(s).toContain('P&L by week');
      expect(s).toMatch(/wk 2024-03-11\s+▼ −136\.55/);
      expect(s).toMatch(/wk 2024-03-04\s+▲ \+260\.00/);
    });
  }

  it('P&L by period counts trades in their exit period and sums days into ISO weeks', () => {
    const trades = [{ exitTime: day0 + 1.5 * DAY }, { exitTime: day0 + 8.2 * DAY }] as never[];
    const days = pnlByPeriod(marks, trades, 'day');
    expect(days).toHaveLength(8);
    expect(days.find((d) => d.start === day0 + DAY)).toMatchObject({ from: 10_050, to: 9_980, pnl: -70, trades: 1 });
    const weeks = pnlByPeriod(marks, trades, 'week');
    expect(weeks.map((w) => [new Date(w.start).toISOString().slice(0, 10), Math.round(w.pnl * 100) / 100, w.trades])).toEqual([
      ['2024-03-11', -136.55, 1],
      ['2024-03-04', 260, 1],
    ]);
  });
});

describe('replay control keys', () => {
  for (const [cols, rows] of SIZES) {
    it(`P holds and plays the replay, . steps, J runs forward to a typed date at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press('P');
      expect(h.api.sent.at(-1)).toEqual({ type: 'replay', action: 'pause', by: 'keyboard' });
      await h.flush();
      expect(screen().split('\n')[0]).toContain('REPLAY paused');
      await h.press('.');
      expect(h.api.sent.at(-1)).toEqual({ type: 'replay', action: 'step', by: 'keyboard' });
      await h.press('J');
      expect(screen()).toContain('Replay: jump forward, or restart from an earlier date');
      fitsAndMono(cols);
      await h.press(...'2024-13-99'.split(''), KEYS.enter);
      expect(screen()).toContain('"2024-13-99" is not a date');
      expect(h.api.sent.at(-1)!.type).toBe('replay');
      for (let i = 0; i < 10; i++) await h.press(KEYS.backspace);
      await h.press(...'2024-03-20 08:00'.split(''), KEYS.enter);
      expect(h.api.sent.at(-1)).toEqual({ type: 'replay', action: 'jump', to: Date.UTC(2024, 2, 20, 8), by: 'keyboard' });
      await h.press('P');
      expect(h.api.sent.at(-1)).toEqual({ type: 'replay', action: 'resume', by: 'keyboard' });
    });
  }

  it('read-only refuses replay control', async () => {
    h = await mount({ theme: mono, readonly: true });
    await h.press('P', '.', 'J');
    expect(h.api.sent).toHaveLength(0);
  });
});

describe('clone an instance (C in Strategies)', () => {
  for (const [cols, rows] of SIZES) {
    it(`opens the wizard on the params with the instance's strategy, market and params, checked as typed at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press('2', 'C');
      let s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Step 4/5');
      expect(s).toMatch(/fast\s+10/);
      expect(s).toMatch(/slow\s+30/);
      // slow 30 → 3: fast (10) must be below slow, shown while typing
      await h.press(KEYS.down, KEYS.backspace);
      s = screen();
      expect(s).toMatch(/fast \(10\) must be below slow \(3\)/);
      await h.press('5', KEYS.enter);
      expect(screen()).toContain('Add ma-cross on BTC/USDT 1h with fast=10 slow=35 type=sma short=false?');
      await h.press('y');
      expect(h.api.sent).toEqual([{ type: 'add-instance', strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 10, slow: 35, type: 'sma', short: false }, by: 'keyboard' }]);
    });
  }

  it('read-only refuses it; in other panes C does nothing', async () => {
    h = await mount({ theme: mono, readonly: true });
    await h.press('2', 'C');
    expect(screen()).not.toContain('Step 4/5');
    expect(screen()).toContain('read-only');
  });
});
