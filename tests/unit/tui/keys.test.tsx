// Key handling through the real App over a FakeEngine: focus, confirmations (Enter never accepts), commands sent,
// overlays claiming keys, keys that do nothing, help generated from the keymap.
import { applyKeyOverrides } from '../../../src/config/keys.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYMAP } from '../../../src/tui/keys/keymap.js';
import { ETH_POS } from '../../support/fake-engine.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const screen = (): string => stripAnsi(h.frame());

describe('focus', () => {
  it('Tab, Shift-Tab and digits move the focus marker between panes', async () => {
    h = await mount();
    expect(screen()).toContain('▶ 1 Chart');
    await h.press(KEYS.tab);
    expect(screen()).toContain('▶ 2 Strategies');
    expect(screen()).not.toContain('▶ 1 Chart');
    await h.press(KEYS.shiftTab);
    expect(screen()).toContain('▶ 1 Chart');
    await h.press('5');
    expect(screen()).toContain('▶ 5 Alerts');
    await h.press('3');
    expect(screen()).toContain('▶ 3 Positions');
  });

  it('h and l move to the pane on the left or right, as help says (grid: same row; tabs: neighbouring tab)', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('4', 'l');
    expect(screen()).toContain('▶ 5 Alerts');
    await h.press('h');
    expect(screen()).toContain('▶ 4 Signals');
    await h.press('h'); // nothing further left in that row
    expect(screen()).toContain('▶ 4 Signals');
    await h.press('2', 'h');
    expect(screen()).toContain('▶ 1 Chart');
    h.unmount();
    h = await mount({ cols: 80, rows: 24 });
    await h.press('2', 'l');
    expect(screen()).toContain('▶3 Positions');
  });

  it('on a small screen only the focused pane is shown, with a tab bar', async () => {
    h = await mount({ cols: 80, rows: 24 });
    expect(screen()).toContain('▶1 Chart');
    expect(screen()).not.toContain('Take-profit');
    await h.press('3');
    expect(screen()).toContain('▶ 3 Positions');
    expect(screen()).toContain('BTC/USDT');
    expect(screen()).not.toContain('▶ 1 Chart');
  });

  it('footer lists the keys of the focused pane, generated from the keymap', async () => {
    h = await mount();
    const footer = (): string => screen().split('\n').at(-1)!;
    expect(footer()).toContain('c candles/line');
    expect(footer()).not.toContain('start/stop');
    await h.press('2');
    expect(footer()).toContain('s start/stop');
    expect(footer()).toContain('b backtest');
    expect(footer()).not.toContain('candles/line');
    await h.press('3');
    expect(footer()).toContain('x close');
  });
});

describe('strategies: start and stop', () => {
  it('s asks with the consequence spelled out; Enter does not accept; y sends stop', async () => {
    h = await mount();
    await h.press('2', 's');
    expect(screen()).toContain('Stop ma-cross on BTC/USDT 1h?');
    expect(screen()).toContain('no new entries');
    expect(screen()).toContain('stays open with its stop');
    await h.press(KEYS.enter);
    expect(h.api.sent).toEqual([]);
    expect(screen()).toContain('Stop ma-cross on BTC/USDT 1h?');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'keyboard' }]);
    await h.flush();
    expect(screen()).toContain('ma-cross@binance:BTC/USDT:1h stopped');
    expect(screen()).toMatch(/○ stop\s+ma-cross/);
  });

  it('n and Esc cancel without sending anything', async () => {
    h = await mount();
    await h.press('2', 's', 'n');
    expect(screen()).toContain('cancelled');
    await h.press('s', KEYS.escape);
    expect(screen()).not.toContain('Stop ma-cross');
    expect(h.api.sent).toEqual([]);
  });

  it('j selects the next instance and s offers to start it', async () => {
    h = await mount();
    await h.press('2', 'j', 's');
    expect(screen()).toContain('Start rsi-macd on ETH/USDT 1h?');
    expect(screen()).toContain('paper broker');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'start', instanceId: 'rsi-macd@binance:ETH/USDT:1h', by: 'keyboard' }]);
  });

  it('selecting an instance moves the chart to its market', async () => {
    h = await mount();
    await h.press('2', 'j');
    expect(screen()).toContain('ETH/USDT 1h · candles');
  });

  it('a failing command shows the engine message', async () => {
    h = await mount();
    h.api.reply = () => ({ ok: false, message: 'risk layer is halted' });
    await h.press('2', 's', 'y');
    expect(screen()).toContain('! risk layer is halted');
  });
});

describe('positions, kill switch', () => {
  it('x asks to close the selected position at market, y sends close for that position only', async () => {
    h = await mount();
    await h.press('3', 'x');
    expect(screen()).toContain('Close long 0.05 BTC/USDT at market?');
    expect(screen()).toMatch(/Sells 0\.05 BTC\/USDT of ma-cross@binance:BTC\/USDT:1h at market, about 48,248/);
    expect(screen()).toContain('becomes realised');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'close', symbol: 'BTC/USDT', positionId: 'p1', by: 'keyboard' }]);
    await h.flush();
    expect(screen()).toContain('no open positions');
  });

  it('with two positions on one symbol, x closes exactly the selected one; the pane tells them apart by strategy', async () => {
    const second = { ...ETH_POS, id: 'p3', instanceId: 'ma-cross@binance:ETH/USDT:1h', qty: 2, entryTime: ETH_POS.entryTime + 3_600_000 };
    h = await mount({ fake: { extraPositions: [ETH_POS, second] } });
    await h.press('3');
    const rows = screen().split('\n').filter((l) => l.includes('ETH/USDT') && l.includes('long'));
    expect(rows[0]).toMatch(/ETH\/USDT\s+rsi-macd\s+▲ long\s+1\s/);
    expect(rows[1]).toMatch(/ETH\/USDT\s+ma-cross\s+▲ long\s+2\s/);
    await h.press('j', 'j', 'x');
    expect(screen()).toContain('Close long 2 ETH/USDT at market?');
    expect(screen()).toContain('The other 1 position on ETH/USDT stays open.');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'close', symbol: 'ETH/USDT', positionId: 'p3', by: 'keyboard' }]);
    await h.flush();
    expect(h.api.snap.positions.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(screen()).toContain('2 open');
  });

  it('x outside the positions pane does nothing', async () => {
    h = await mount();
    const before = screen();
    await h.press('x', '4', 'x', 's');
    expect(h.api.sent).toEqual([]);
    expect(screen()).not.toContain('Close long');
    expect(before).toContain('▶ 1 Chart');
  });

  it('K spells out the kill switch and only y sends kill', async () => {
    h = await mount();
    await h.press('K');
    expect(screen()).toContain('KILL SWITCH');
    expect(screen()).toContain('Stops all 1 running strategy and closes all 1 open position at market');
    await h.press(KEYS.enter, ' ', 'z');
    expect(h.api.sent).toEqual([]);
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'kill', by: 'keyboard' }]);
    await h.flush();
    expect(screen()).toContain('HALTED');
    expect(screen()).toContain('kill switch: all strategies stopped, 1 position(s) closed');
  });

  it('p pauses and r resumes entries, each only after y', async () => {
    h = await mount();
    await h.press('p');
    expect(screen()).toContain('Pause new entries?');
    await h.press(KEYS.enter);
    expect(h.api.sent).toEqual([]);
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'pause', by: 'keyboard' }]);
    await h.flush();
    expect(screen().split('\n')[0]).toContain('PAUSED');
    await h.press('r');
    expect(screen()).toContain('Resume entries?');
    await h.press('n');
    expect(h.api.sent).toHaveLength(1);
    await h.press('r', 'y');
    expect(h.api.sent).toEqual([
      { type: 'pause', by: 'keyboard' },
      { type: 'resume', by: 'keyboard' },
    ]);
  });
});

describe('chart keys', () => {
  it('] and [ cycle the timeframes the symbol has candles for', async () => {
    h = await mount();
    expect(screen()).toContain('BTC/USDT 1h · candles');
    await h.press(']');
    expect(screen()).toContain('BTC/USDT 4h · candles');
    await h.press('[');
    expect(screen()).toContain('BTC/USDT 1h · candles');
  });

  it('/ picks the chart symbol from a list (Enter chooses, no command sent)', async () => {
    h = await mount();
    await h.press('/');
    expect(screen()).toContain('Chart symbol');
    await h.press('j', KEYS.enter);
    expect(screen()).toContain('ETH/USDT 1h · candles');
    expect(h.api.sent).toEqual([]);
  });

  it('c switches to a line chart and back', async () => {
    h = await mount();
    await h.press('c');
    expect(screen()).toContain('BTC/USDT 1h · line');
    expect(screen()).toMatch(/[╭╮╯╰]/);
    await h.press('c');
    expect(screen()).toContain('· candles');
  });

  it('{ pans back in time and 0 returns to the latest candle', async () => {
    h = await mount();
    await h.press('{');
    expect(screen()).toContain('· -10');
    await h.press('0');
    expect(screen()).not.toContain('· -10');
  });

  it('+ and - send set-speed doubling and halving the replay speed', async () => {
    h = await mount();
    await h.press('+');
    await h.flush();
    expect(screen()).toContain('REPLAY 4/s');
    await h.press('-', '-');
    expect(h.api.sent).toEqual([
      { type: 'set-speed', candlesPerSecond: 4, by: 'keyboard' },
      { type: 'set-speed', candlesPerSecond: 2, by: 'keyboard' },
      { type: 'set-speed', candlesPerSecond: 1, by: 'keyboard' },
    ]);
  });

  it('speed keys on an exchange feed explain instead of sending', async () => {
    h = await mount();
    h.api.snap.feed = { source: 'binance', status: 'connected', detail: '', lastCandleTime: null, speed: null };
    h.store.touch();
    await h.flush();
    await h.press('+');
    expect(h.api.sent).toEqual([]);
    expect(screen()).toContain('speed applies to a replay feed only');
  });
});

describe('overlays', () => {
  it('? lists every key binding and claims keys until closed', async () => {
    // wide enough that no description wraps (wrapping is tested below)
    h = await mount({ cols: 200, rows: 60 });
    await h.press('?');
    const s = screen();
    expect(s).toContain('Keys');
    for (const b of KEYMAP.filter((k) => k.scope === 'global' || k.scope === 'strategies')) expect(s).toContain(b.description);
    await h.press('s', 'K', 'q');
    expect(h.api.sent).toEqual([]);
    expect(h.quits).toBe(0);
    expect(screen()).not.toContain('Keys');
    expect(screen()).toContain('▶ 1 Chart');
  });

  it('help scrolls when it does not fit', async () => {
    h = await mount({ cols: 80, rows: 24 });
    await h.press('?');
    expect(screen()).toMatch(/Keys \(1-\d+ of \d+, j\/k line, Space page\)/);
    await h.press('j');
    expect(screen()).toMatch(/Keys \(2-\d+ of/);
  });

  it("help's scroll hint follows the keymap (tui.keys overrides), not a fixed text", async () => {
    const keymap = applyKeyOverrides({ down: ['down', 'n'], up: ['up', 'u'], 'page-down': 'pagedown' });
    h = await mount({ cols: 80, rows: 24, keymap });
    await h.press('?');
    expect(screen()).toMatch(/Keys \(1-\d+ of \d+, n\/u line, PgDn page\)/);
    await h.press('n');
    expect(screen()).toMatch(/Keys \(2-\d+ of/);
  });

  it('help pages with Space/PgDn and b/PgUp, and wraps descriptions instead of cutting them at 80 columns', async () => {
    h = await mount({ cols: 80, rows: 24 });
    await h.press('?');
    const first = /Keys \(1-(\d+) of (\d+)/.exec(screen())!;
    const shown = Number(first[1]);
    await h.press(' ');
    expect(screen()).toMatch(new RegExp(`Keys \\(${shown}-`));
    await h.press('b');
    expect(screen()).toMatch(/Keys \(1-/);
    // every description is readable in full somewhere in the help, with words joined across wrapped lines
    let text = '';
    for (let page = 0; page < 12; page++) {
      text += screen().split('\n').map((l) => l.replace(/^│|│$/g, '').trim()).join(' ') + ' ';
      await h.press(' ');
    }
    const squash = (t: string): string => t.replace(/\s+/g, ' ');
    for (const b of KEYMAP) expect(squash(text)).toContain(b.description);
  });

  it('the footer at 80 columns shows whole key+label pairs, never a cut one', async () => {
    h = await mount({ cols: 80, rows: 24 });
    await h.press('2');
    const footer = screen().split('\n').at(-1)!;
    expect(footer.trimEnd()).toMatch(/[a-z/]$/);
    expect(footer).toContain('? help');
  });

  it('Enter opens details of the selected row; Esc closes', async () => {
    h = await mount();
    await h.press('3', KEYS.enter);
    expect(screen()).toContain('Position BTC/USDT');
    expect(screen()).toContain('take-profit  44,726');
    await h.press(KEYS.escape);
    expect(screen()).not.toContain('Position BTC/USDT');
    await h.press('2', KEYS.enter);
    expect(screen()).toContain('params     fast=10 slow=30 type=sma short=false');
  });

  it('b shows the backtest summary and equity chart', async () => {
    h = await mount();
    await h.press('2', 'b');
    await h.flush();
    const s = screen();
    expect(s).toContain('Backtest ma-cross@binance:BTC/USDT:1h');
    expect(s).toContain('run #7');
    expect(s).toMatch(/Sharpe\s+1\.42/);
    expect(s).toContain('equity');
    await h.press(KEYS.escape);
    expect(screen()).not.toContain('run #7');
  });

  it('b explains when the app has no backtest, a when it lists no strategies', async () => {
    h = await mount({ fake: { bare: true } });
    await h.press('2', 'b');
    expect(screen()).toContain('backtest is not available');
    await h.press('a');
    expect(screen()).toContain('adding strategies is not available');
  });

  it('a walks strategy → symbol → timeframe → params with validation, and only y adds', async () => {
    h = await mount();
    await h.press('a');
    expect(screen()).toContain('Step 1/5');
    await h.press(KEYS.enter); // ma-cross
    await h.press('j', KEYS.enter); // ETH/USDT
    expect(screen()).toContain('Step 3/5');
    await h.press(KEYS.enter); // 1h
    expect(screen()).toContain('Step 4/5');
    // fast: 10 → 1 (below min) is refused with a reason
    await h.press(KEYS.backspace);
    expect(screen()).toContain('fast: must be between 2 and 200');
    await h.press(KEYS.enter);
    expect(screen()).toContain('Step 4/5');
    await h.press('2', KEYS.down, KEYS.down, KEYS.right); // fast=12, type sma → ema
    await h.press(KEYS.enter);
    expect(screen()).toContain('Add ma-cross on ETH/USDT 1h with fast=12 slow=30 type=ema short=false?');
    await h.press(KEYS.enter);
    expect(h.api.sent).toEqual([]);
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'add-instance', strategy: 'ma-cross', symbol: 'ETH/USDT', timeframe: '1h', params: { fast: 12, slow: 30, type: 'ema', short: false }, by: 'keyboard' }]);
    await h.flush();
    expect(screen()).toContain('added ma-cross@binance:ETH/USDT:1h');
  });

  it('Esc steps back out of the add wizard without sending', async () => {
    h = await mount();
    await h.press('a', KEYS.enter, KEYS.escape, KEYS.escape);
    expect(screen()).not.toContain('Add a strategy instance');
    expect(h.api.sent).toEqual([]);
  });
});

describe('quit and unknown keys', () => {
  it('q and Ctrl-C quit', async () => {
    h = await mount();
    await h.press('q');
    expect(h.quits).toBe(1);
    await h.press(KEYS.ctrlC);
    expect(h.quits).toBe(2);
  });

  it('keys bound nowhere do nothing and print nothing', async () => {
    h = await mount();
    const before = screen();
    await h.press('Z', '!', '\x1b[15~', 'é', '\x1bOP', '9');
    expect(screen()).toBe(before);
    expect(h.api.sent).toEqual([]);
    expect(h.quits).toBe(0);
  });
});

describe('keys arriving together', () => {
  it('a chunk of typed-ahead keys acts key by key on the latest state (2, s, y in one read)', async () => {
    h = await mount();
    await h.press('2sy');
    expect(h.api.sent).toEqual([{ type: 'stop', instanceId: 'ma-cross@binance:BTC/USDT:1h', by: 'keyboard' }]);
  });

  it('Enter inside a chunk still does not accept a confirmation', async () => {
    h = await mount();
    await h.press('K\r\r');
    expect(h.api.sent).toEqual([]);
    expect(screen()).toContain('KILL SWITCH');
  });
});

describe('selection stays on its item', () => {
  const ID = 'ma-cross@binance:BTC/USDT:1h';
  const signal = (hour: number, reason: string) =>
    ({ type: 'decision', instanceId: ID, strategy: 'ma-cross', symbol: 'BTC/USDT', time: Date.UTC(2024, 2, 13, hour), action: 'enter-long', reason }) as const;

  it('a new signal arriving on top keeps the selected signal selected (Enter shows it)', async () => {
    h = await mount();
    h.api.emit(signal(1, 'first reason'));
    h.api.emit(signal(2, 'second reason'));
    await h.flush();
    await h.press('4', 'j');
    h.api.emit(signal(3, 'third reason'));
    await h.flush();
    await h.press(KEYS.enter);
    expect(screen()).toContain('why: first reason');
  });

  it('a position sorting before the selected one does not move x onto it', async () => {
    h = await mount({ fake: { extraPositions: [ETH_POS] } });
    await h.press('3', 'j');
    const ada = { ...ETH_POS, id: 'p9', symbol: 'ADA/USDT', instanceId: 'ma-cross@binance:ADA/USDT:1h', qty: 100, lastPrice: 0.5, entryPrice: 0.4 };
    h.api.snap.positions = [...h.api.snap.positions, ada];
    h.api.emit({ type: 'position', change: 'opened', position: ada });
    await h.flush();
    await h.press('x');
    expect(screen()).toContain('Close long 1 ETH/USDT at market?');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'close', symbol: 'ETH/USDT', positionId: 'p2', by: 'keyboard' }]);
  });

  it('when the selected item goes, the selection stays at its row number', async () => {
    h = await mount({ fake: { extraPositions: [ETH_POS] } });
    await h.press('3', 'j');
    h.api.snap.positions = h.api.snap.positions.filter((p) => p.id !== 'p2');
    h.api.emit({ type: 'position', change: 'closed', position: ETH_POS });
    await h.flush();
    await h.press('x');
    expect(screen()).toContain('Close long 0.05 BTC/USDT at market?');
  });
});

describe('halts and protections are visible', () => {
  const drawdown = { name: 'maxDrawdown', scope: 'global', state: 'triggered' as const, triggeredAt: Date.UTC(2024, 2, 13, 9), releasedAt: null, reason: 'drawdown 12% from the peak 11,000 (limit 10%); entries halted until resumed' };

  it('a drawdown halt shows in the status bar and on running instances; r lifts it', async () => {
    h = await mount();
    h.api.snap.protections = [drawdown];
    h.api.emit({ type: 'protection', protection: drawdown });
    await h.flush();
    expect(screen().split('\n')[0]).toContain('HALTED drawdown');
    expect(screen()).toMatch(/! halt\s+ma-cross/);
    expect(screen()).toMatch(/○ stop\s+rsi-macd/);
    await h.press('2', KEYS.enter);
    expect(screen()).toContain('held       HALTED drawdown: maxDrawdown: drawdown 12% from the peak');
    await h.press(KEYS.escape, 'r');
    expect(screen()).toContain('Resume entries?');
    expect(screen()).toContain('Lifts HALTED drawdown: maxDrawdown: drawdown 12%');
    await h.press('y');
    expect(h.api.sent).toEqual([{ type: 'resume', by: 'keyboard' }]);
    await h.flush();
    expect(screen().split('\n')[0]).not.toContain('HALTED');
    expect(screen()).toMatch(/● run\s+ma-cross/);
  });

  it('a cooldown on a symbol holds only the instances on it, and the badge counts the others', async () => {
    h = await mount();
    const cool = { ...drawdown, name: 'cooldown', scope: 'BTC/USDT', reason: 'BTC/USDT closed (stop loss); cooldown 60 min' };
    const loss = { ...drawdown, name: 'dailyLossLimit', scope: 'global', reason: 'equity −6% from the day start' };
    h.api.snap.protections = [cool, loss];
    h.api.emit({ type: 'protection', protection: cool });
    await h.flush();
    expect(screen().split('\n')[0]).toContain('COOLDOWN BTC/USDT +1');
    expect(screen()).toMatch(/! cool\s+ma-cross/);
  });

  it('r says so when nothing holds entries back', async () => {
    h = await mount();
    await h.press('r');
    expect(screen()).not.toContain('Resume entries?');
    expect(screen()).toContain('nothing to resume');
    expect(h.api.sent).toEqual([]);
  });
});

describe('detail windows are live', () => {
  it('the position window follows the last price and says when the position is closed', async () => {
    h = await mount();
    await h.press('3', KEYS.enter);
    expect(screen()).toContain('last         48,248.42');
    h.api.snap.positions = h.api.snap.positions.map((p) => ({ ...p, lastPrice: 50_000 }));
    h.store.touch();
    await h.flush();
    expect(screen()).toContain('last         50,000');
    expect(screen()).toContain('unrealised   410.00');
    h.api.snap.positions = [];
    h.store.touch();
    await h.flush();
    expect(screen()).toContain('Position BTC/USDT (gone)');
    expect(screen()).toContain('This position is closed.');
  });

  it('the instance window follows start/stop', async () => {
    h = await mount();
    await h.press('2', 'j', KEYS.enter);
    expect(screen()).toContain('state      stopped');
    await h.api.send({ type: 'start', instanceId: 'rsi-macd@binance:ETH/USDT:1h', by: 'keyboard' });
    await h.flush();
    expect(screen()).toContain('state      running');
  });
});

describe('add wizard keeps and checks input', () => {
  const toParams = async (): Promise<void> => {
    await h.press('a', KEYS.enter, 'j', KEYS.enter, KEYS.enter); // ma-cross, ETH/USDT, 1h
    expect(screen()).toContain('Step 4/5');
  };

  it('a cross-parameter clash (fast >= slow) shows while typing and Enter stays on the params', async () => {
    h = await mount();
    await toParams();
    await h.press(KEYS.backspace, KEYS.backspace, '4', '0'); // fast = 40, slow = 30
    expect(screen()).toContain('! fast (40) must be below slow (30)');
    await h.press(KEYS.enter);
    expect(screen()).toContain('Step 4/5');
    await h.press(KEYS.down, KEYS.backspace, KEYS.backspace, '5', '0'); // slow = 50
    expect(screen()).not.toContain('must be below slow');
    await h.press(KEYS.enter);
    expect(screen()).toContain('Add ma-cross on ETH/USDT 1h with fast=40 slow=50 type=sma short=false?');
  });

  it('when the engine refuses the add, the wizard returns to the params with the reason and every value kept', async () => {
    h = await mount();
    h.api.reply = (cmd) => (cmd.type === 'add-instance' ? { ok: false, message: 'not enough cached candles for ETH/USDT 1h' } : { ok: true, message: 'ok' });
    await toParams();
    await h.press('0', '0', KEYS.enter, 'y'); // fast = 1000 is out of range → stays
    expect(screen()).toContain('fast: must be between 2 and 200');
    await h.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, '2', KEYS.enter); // fast = 12
    await h.press('y');
    await h.flush();
    expect(h.api.sent).toHaveLength(1);
    expect(screen()).toContain('Step 4/5');
    expect(screen()).toContain('the engine refused: not enough cached candles for ETH/USDT 1h');
    expect(screen()).toMatch(/fast\s+12\s/);
  });
});

describe('maximise', () => {
  it('z maximises the focused pane to the whole screen and z restores the grid', async () => {
    h = await mount({ cols: 120, rows: 40 });
    await h.press('4');
    expect(screen()).toContain('1 Chart');
    await h.press('z');
    const s = screen().split('\n');
    expect(screen()).not.toContain('1 Chart');
    expect(s[1]).toMatch(/^┌─ ▶ 4 Signals ─+.*┐$/);
    expect([...s[1]!].length).toBe(120);
    expect(s.at(-2)).toMatch(/^└─+┘$/);
    await h.press('z');
    expect(screen()).toContain('1 Chart');
  });
});

describe('read-only', () => {
  it('--readonly shows READ-ONLY, refuses every key that would act, and still navigates and shows details', async () => {
    h = await mount({ readonly: true, cols: 120, rows: 40 });
    expect(screen().split('\n')[0]).toContain('READ-ONLY');
    await h.press('K', 'p', 'a', '+', '2', 's', 'b', '3', 'x');
    expect(h.api.sent).toEqual([]);
    expect(screen()).not.toContain('KILL SWITCH');
    expect(screen()).not.toContain('Close long');
    expect(screen()).toContain('read-only (--readonly)');
    await h.press(KEYS.enter);
    expect(screen()).toContain('Position BTC/USDT');
    await h.press(KEYS.escape);
    const footer = screen().split('\n').at(-1)!;
    expect(footer).not.toContain('close');
    expect(footer).not.toContain('kill');
  });
});
