// One number format for every view: the TUI's cells and Telegram's messages write money, signed amounts and
// percentages the same way (both read src/view/format.ts), and the shared confirmation texts use them.
import { describe, expect, it } from 'vitest';
import * as telegram from '../../../src/adapters/notify/telegram/format.js';
import * as tui from '../../../src/tui/format.js';
import { money, price, qty, signedMoney, signedPercent } from '../../../src/view/format.js';
import { confirmCancelOrder, confirmClosePosition, confirmResume } from '../../../src/view/confirm.js';

describe('shared number format', () => {
  it('TUI and Telegram write the same numbers', () => {
    for (const x of [0, 1.005, -1234.5, 1_234_567.891, 0.1 + 0.2, -0.004]) {
      expect(telegram.money(x)).toBe(tui.money(x));
      expect(telegram.money(x)).toBe(money(x));
      expect(telegram.signed(x)).toBe(signedMoney(x));
      expect(telegram.pct(x)).toBe(signedPercent(x));
    }
    expect(money(-1234.5)).toBe('-1,234.50');
    expect(signedMoney(-1234.5)).toBe('−1,234.50');
    expect(signedPercent(2.271)).toBe('+2.27%');
    expect(price(43_210.5)).toBe('43,210.5');
    expect(price(0.00001234)).toBe('0.00001234');
    expect(qty(0.1 + 0.2)).toBe('0.3');
  });

  it('confirmation texts say exactly what happens, with the shared formats', () => {
    const p = { id: 'p1', instanceId: 'ma-cross@binance:ETH/USDT:1h', symbol: 'ETH/USDT', side: 'long' as const, qty: 1.5, entryPrice: 2_000, entryTime: 0, entryFee: 3, protection: {}, bestPrice: 2_100, candlesHeld: 3, lastPrice: 2_100 };
    const c = confirmClosePosition({ positions: [p, { ...p, id: 'p2' }] }, p, 'telegram');
    expect(c.title).toBe('Close long 1.5 ETH/USDT at market?');
    expect(c.lines.join(' ')).toMatch(/Sells 1\.5 ETH\/USDT of ma-cross@binance:ETH\/USDT:1h at market, about 2,100.*\+150\.00.*The other 1 position on ETH\/USDT stays open/);
    expect(c.commands).toEqual([{ type: 'close', symbol: 'ETH/USDT', positionId: 'p1', by: 'telegram' }]);
    expect(confirmResume({ state: 'running', protections: [] }, 'keyboard')).toBeNull();
    const o = confirmCancelOrder(
      { id: 'o1', clientId: 'c', instanceId: 'i', symbol: 'BTC/USDT', side: 'sell', type: 'stop', purpose: 'exit', qty: 0.5, price: 40_000, reason: 'stop', createdAt: 0, status: 'open', filledQty: 0.2, avgPrice: 0, fees: 0, feesByCurrency: {}, updatedAt: 0 },
      'keyboard',
    );
    expect(o.title).toBe('Cancel the exit order: sell 0.3 BTC/USDT?');
    expect(o.lines[0]).toContain('the 0.2 already filled stays booked');
  });
});
