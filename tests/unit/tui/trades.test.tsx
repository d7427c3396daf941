// Trade history window (t): closed trades with entry, exit, quantity, P&L, fees, reason and strategy; totals;
// sorting (o / O) and filtering (/), at 80x24 and 120x40 without colour.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClosedTrade } from '../../../src/core/trading.js';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const screen = (): string => h.frame();
const mono = makeTheme({ color: false, unicode: true });

const T = Date.UTC(2023, 11, 30, 10);
const trade = (id: string, over: Partial<ClosedTrade>): ClosedTrade => ({
  id,
  instanceId: 'ma-cross@binance:BTC/USDT:1h',
  strategy: 'ma-cross',
  symbol: 'BTC/USDT',
  side: 'long',
  qty: 0.1,
  entryTime: T - 3_600_000,
  exitTime: T,
  entryPrice: 40_000,
  exitPrice: 40_500,
  pnl: 45.9,
  pnlPct: 1.15,
  fees: 4.05,
  exitReason: 'signal',
  ...over,
});

async function open(cols: number, rows: number): Promise<void> {
  h = await mount({ cols, rows, theme: mono });
  h.api.closed.unshift(
    trade('t3', { exitTime: T + 7_200_000, symbol: 'ETH/USDT', strategy: 'rsi-macd', instanceId: 'rsi-macd@binance:ETH/USDT:1h', qty: 2, entryPrice: 2_300, exitPrice: 2_250, pnl: -104.6, pnlPct: -2.27, fees: 4.6, exitReason: 'stop_loss' }),
    trade('t2', { exitTime: T + 3_600_000 }),
  );
  await h.press('t');
}

describe('trade history', () => {
  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`lists closed trades newest first with totals at ${cols}x${rows}, without colour codes`, async () => {
      await open(cols, rows);
      const s = screen();
      // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
      expect(s).not.toMatch(/\x1b\[3\dm/); // NO_COLOR: no colour
      const lines = stripAnsi(s).split('\n');
      expect(lines.every((l) => [...l].length <= cols)).toBe(true);
      const rowsOf = lines.filter((l) => /^│\d{4}-\d\d-\d\d \d\d:\d\d/.test(l));
      expect(rowsOf[0]).toMatch(/2024-03-11 19:00\s+ma-cross\s+BTC\/USDT/); // the fake's own trade, newest
      expect(rowsOf[1]).toMatch(/2023-12-30 12:00\s+rsi-macd\s+ETH\/USDT\s+long.*▼ −104\.60/);
      expect(rowsOf[2]).toMatch(/2023-12-30 11:00\s+ma-cross\s+BTC\/USDT/);
      expect(stripAnsi(s)).toMatch(/3 trades\s+2 won \(67%\)\s+net ▼ −37\.90\s+fees 12\.75/);
      if (cols >= 120) expect(stripAnsi(s)).toMatch(/stop loss/);
    });
  }

  it('o sorts by P&L (largest first), O reverses; / filters and the totals follow the filter', async () => {
    await open(120, 40);
    await h.press('o');
    let s = stripAnsi(screen());
    expect(s).toContain('sort P&L ↓');
    let rowsOf = s.split('\n').filter((l) => /^│\d{4}-\d\d-\d\d \d\d:\d\d/.test(l));
    expect(rowsOf[0]).toContain('▲ +45.90');
    expect(rowsOf.at(-1)).toContain('−104.60');
    await h.press('O');
    rowsOf = stripAnsi(screen()).split('\n').filter((l) => /^│\d{4}-\d\d-\d\d \d\d:\d\d/.test(l));
    expect(rowsOf[0]).toContain('−104.60');
    await h.press('/', 'e', 't', 'h', KEYS.enter);
    s = stripAnsi(screen());
    expect(s).toContain('filter eth');
    expect(s).toMatch(/1 trade\s+0 won \(0%\)\s+net ▼ −104\.60/);
    await h.press('/', KEYS.escape);
    expect(stripAnsi(screen())).toMatch(/3 trades/);
    await h.press('q');
    expect(stripAnsi(screen())).not.toContain('Trade history');
    expect(h.quits).toBe(0);
  });

  it('says so when nothing matches or nothing closed yet', async () => {
    await open(120, 40);
    await h.press('/', 'z', 'z', KEYS.enter);
    expect(stripAnsi(screen())).toContain('no trade matches the filter');
  });
});

describe('trade history export', () => {
  it('e writes the listed trades (as filtered) to a CSV any reader parses back, and never overwrites', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parse } = await import('csv-parse/sync');
    const dir = mkdtempSync(join(tmpdir(), 'tui-export-'));
    await open(120, 40);
    Object.assign(h.api, { exportDir: dir });
    await h.press('/', 'e', 't', 'h', KEYS.enter, 'e');
    const file = join(dir, 'tradetui-trades-20240313-1405.csv');
    expect(stripAnsi(screen())).toContain(`wrote 1 trade to ${file}`);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toEqual([
      expect.objectContaining({ instance: 'rsi-macd@binance:ETH/USDT:1h', symbol: 'ETH/USDT', exit_time: '2023-12-30T12:00:00.000Z', pnl: '-104.6', fees: '4.6', exit_reason: 'stop_loss' }),
    ]);
    await h.press('e');
    expect(stripAnsi(screen())).toContain('exists; not overwritten');
  });
});
