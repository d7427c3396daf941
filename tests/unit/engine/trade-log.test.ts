// The engine's closed-trade log gives back every trade exactly as it was recorded: same values bit for bit
// (-0, NaN, ±Infinity), same strings, same key order (printed JSON is identical), and one object per trade.
import { describe, expect, it } from 'vitest';
import type { ClosedTrade } from '../../../src/core/trading.js';
import { TradeLog } from '../../../src/engine/trade-log.js';

function trade(k: number, over: Partial<ClosedTrade> = {}): ClosedTrade {
  return {
    id: `o${k}`,
    instanceId: `rsi-macd:BTC/USDT:1m`,
    strategy: 'rsi-macd',
    symbol: 'BTC/USDT',
    side: k % 2 === 0 ? 'long' : 'short',
    qty: 0.001 * k + 1e-9,
    entryTime: 1_700_000_000_000 + k * 60_000,
    exitTime: 1_700_000_000_000 + k * 60_000 + 600_000,
    entryPrice: 104_980.53 + k / 7,
    exitPrice: 104_884.01 - k / 3,
    pnl: -2.915573597680119 * k,
    pnlPct: -0.29155735976801184,
    fees: 1.9970835079122304,
    exitReason: k % 3 === 0 ? 'stop_loss' : 'signal',
    ...over,
  };
}

describe('TradeLog', () => {
  it('gives back 1,000 trades equal to those recorded, in the same key order (JSON identical)', () => {
    const log = new TradeLog();
    const trades = Array.from({ length: 1000 }, (_, k) => trade(k));
    for (const t of trades) log.push(t);
    expect(log.length).toBe(1000);
    expect(log.all()).toEqual(trades);
    expect(JSON.stringify(log.all())).toBe(JSON.stringify(trades));
    for (let k = 0; k < 1000; k++) expect(log.pnl(k)).toBe(trades[k]!.pnl);
  });

  it('keeps -0, NaN and infinities, and ids that are not a prefix and a plain number', () => {
    const odd = [
      trade(1, { pnl: -0, pnlPct: NaN, fees: Infinity, qty: -Infinity }),
      trade(2, { id: 'o007' }),
      trade(3, { id: 'adopted-7f3a' }),
      trade(4, { id: '12' }),
      trade(5, { id: 'o0' }),
      trade(6, { id: 'x9007199254740993' }),
      trade(7, { id: '' }),
      trade(8, { id: 'réglé→1', symbol: 'ÉTH/USDT', instanceId: 'a\u0000b' }),
    ];
    const log = new TradeLog();
    for (const t of odd) log.push(t);
    const back = log.all();
    expect(back).toEqual(odd);
    expect(Object.is(back[0]!.pnl, -0)).toBe(true);
    expect(back.map((t) => t.id)).toEqual(odd.map((t) => t.id));
  });

  it('a trade is the same object on every read, and the array grows in place', () => {
    const log = new TradeLog();
    log.push(trade(1));
    const first = log.all();
    const t1 = first[0];
    log.push(trade(2));
    const second = log.all();
    expect(second).toBe(first);
    expect(second[0]).toBe(t1);
    expect(second).toHaveLength(2);
  });

  it('truncate forgets the trades of a rolled-back step, and later trades take their place', () => {
    const log = new TradeLog();
    for (let k = 0; k < 5; k++) log.push(trade(k));
    expect(log.all()).toHaveLength(5);
    log.truncate(3);
    expect(log.length).toBe(3);
    expect(log.all().map((t) => t.id)).toEqual(['o0', 'o1', 'o2']);
    log.push(trade(9));
    expect(log.all().map((t) => t.id)).toEqual(['o0', 'o1', 'o2', 'o9']);
    log.truncate(10);
    expect(log.length).toBe(4);
  });
});
