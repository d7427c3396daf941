// Instance management in the TUI (Strategies pane): D deletes (refused with the reason while the instance holds a
// position; asks first; sends delete-instance), e edits params and risk overrides in the add wizard's params step
// (each field checked as typed, a refusal keeps every value) and sends edit-instance. At 80x24 and 120x40, no colour.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTheme } from '../../../src/tui/theme/theme.js';
import { type Harness, KEYS, mount, stripAnsi } from './harness.js';

let h: Harness;
afterEach(() => h?.unmount());
const mono = makeTheme({ color: false, unicode: true });
const screen = (): string => stripAnsi(h.frame());
const SIZES = [
  [80, 24],
  [120, 40],
] as const;
const BTC = 'ma-cross@binance:BTC/USDT:1h';
const ETH = 'rsi-macd@binance:ETH/USDT:1h';

function fitsAndMono(cols: number): void {
  const raw = h.frame();
  // eslint-disable-next-line no-control-regex -- an escape sequence is what is looked for
  expect(raw).not.toMatch(/\x1b\[3\dm/);
  expect(stripAnsi(raw).split('\n').every((l) => [...l].length <= cols)).toBe(true);
}

describe('delete an instance (D in Strategies)', () => {
  for (const [cols, rows] of SIZES) {
    it(`is refused with the reason while it holds a position; otherwise asks, then deletes, at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press('2', 'D');
      fitsAndMono(cols);
      expect(screen()).toContain('cannot delete');
      expect(screen()).toContain('close its position first');
      expect(h.api.sent).toHaveLength(0);
      // the ETH instance holds nothing: the dialog says what happens and that the history stays
      await h.press('j', 'D');
      const s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Delete rsi-macd on ETH/USDT 1h?');
      expect(s).toMatch(/1 closed trade/);
      expect(s).toMatch(/stay in the/);
      await h.press('n');
      expect(h.api.sent).toHaveLength(0);
      await h.press('D', 'y');
      expect(h.api.sent).toEqual([{ type: 'delete-instance', instanceId: ETH, by: 'keyboard' }]);
      await h.flush();
      expect(screen()).not.toMatch(/rsi-macd +ETH\/USDT/);
    });
  }

  it('read-only refuses it', async () => {
    h = await mount({ theme: mono, readonly: true, fake: { positions: false } });
    await h.press('2', 'D');
    expect(screen()).toContain('read-only');
    expect(h.api.sent).toHaveLength(0);
  });
});

describe('edit an instance (e in Strategies)', () => {
  for (const [cols, rows] of SIZES) {
    it(`checks each field as typed, keeps the input on a refusal and restarts it keeping its position, at ${cols}x${rows}`, async () => {
      h = await mount({ cols, rows, theme: mono });
      await h.press('2', 'e');
      let s = screen();
      fitsAndMono(cols);
      expect(s).toContain('Edit:');
      expect(s).toMatch(/fast\s+10/);
      // slow 30 → 3: the cross-parameter rule shows while typing
      await h.press(KEYS.down, KEYS.backspace);
      expect(screen()).toMatch(/fast \(10\) must be below slow \(3\)/);
      await h.press('5');
      // the risk line: a bad value is named with its path as it is typed
      await h.press(KEYS.down, KEYS.down, KEYS.down);
      await h.press(...'exits.takeProfitPct=5000'.split(''));
      s = screen();
      fitsAndMono(cols);
      expect(s).toContain('risk.exits.takeProfitPct');
      await h.press(KEYS.backspace, KEYS.backspace);
      expect(screen()).not.toContain('risk.exits.takeProfitPct');
      await h.press(KEYS.enter);
      s = screen();
      expect(s).toContain(`Restart ${BTC} with fast=10 slow=35`);
      expect(s).toContain('Risk overrides become: exits.takeProfitPct=50');
      expect(s).toMatch(/Its open position \(long 0\.05 BTC\/USDT\)/);
      // the engine refuses once: back to the params, everything typed kept
      h.api.reply = () => ({ ok: false, message: 'risk.exits.takeProfitPct: too big for this account' });
      await h.press('y');
      await h.flush();
      s = screen();
      expect(s).toContain('the engine refused');
      expect(s).toMatch(/slow\s+35/);
      expect(s).toContain('exits.takeProfitPct=50');
      h.api.reply = (cmd) => ({ ok: true, message: `${cmd.type} ok` });
      await h.press(KEYS.enter, 'y');
      await h.flush();
      expect(h.api.sent.at(-1)).toEqual({ type: 'edit-instance', instanceId: BTC, params: { fast: 10, slow: 35, type: 'sma', short: false }, risk: { exits: { takeProfitPct: 50 } }, by: 'keyboard' });
      expect(screen()).not.toContain('Edit:');
    });
  }

  it('the review\'s line on the open position is live: it goes when the position closes while the review shows', async () => {
    h = await mount({ theme: mono, cols: 80, rows: 24 });
    await h.press('2', 'e', KEYS.enter);
    expect(screen()).toMatch(/Its open position \(long 0\.05 BTC\/USDT\)/);
    // closed from elsewhere (Telegram, a stop) while the trader reads the review
    const pos = h.api.snapshot().positions.find((p) => p.symbol === 'BTC/USDT')!;
    await h.api.send({ type: 'close', symbol: 'BTC/USDT', by: 'telegram' });
    h.api.emit({ type: 'position', change: 'closed', position: pos });
    await h.flush();
    expect(screen()).toContain(`Restart ${BTC}`);
    expect(screen()).not.toContain('Its open position');
  });

  it('Esc cancels without sending; an unchanged risk line is not sent', async () => {
    h = await mount({ theme: mono });
    await h.press('2', 'e', KEYS.escape);
    expect(screen()).not.toContain('Edit:');
    await h.press('e', KEYS.enter, 'y');
    expect(h.api.sent).toEqual([{ type: 'edit-instance', instanceId: BTC, params: { fast: 10, slow: 30, type: 'sma', short: false }, by: 'keyboard' }]);
  });
});
