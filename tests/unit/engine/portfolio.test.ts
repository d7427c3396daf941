import { describe, expect, it } from 'vitest';
import type { Fill } from '../../../src/core/trading.js';
import { Portfolio } from '../../../src/engine/portfolio.js';

function fill(over: Partial<Fill>): Fill {
  return { id: 'f', orderId: 'o1', instanceId: 'i', symbol: 'BTC/USDT', side: 'buy', purpose: 'entry', qty: 1, price: 100, fee: 0, time: 1, reason: 'r', positionId: 'o1', ...over };
}

describe('portfolio books each fill', () => {
  it('accumulates partial entry fills at the average price and records the trade when the last exit fill flattens it', () => {
    const p = new Portfolio(10_000);
    expect(p.apply(fill({ id: 'f1', qty: 1, price: 100, fee: 0.1 }), 's').change).toBe('opened');
    expect(p.apply(fill({ id: 'f2', qty: 3, price: 104, fee: 0.3 }), 's').change).toBe('increased');
    const pos = p.positions.get('o1')!;
    expect(pos.qty).toBe(4);
    expect(pos.entryPrice).toBeCloseTo(103, 12);
    expect(pos.entryFee).toBeCloseTo(0.4, 12);
    expect(p.cash).toBeCloseTo(10_000 - 100 - 0.1 - 312 - 0.3, 9);

    const exit = { purpose: 'exit' as const, side: 'sell' as const, exitReason: 'signal' as const };
    const first = p.apply(fill({ ...exit, id: 'f3', qty: 1, price: 110, fee: 0.11, time: 5 }), 's');
    expect(first.change).toBe('reduced');
    expect(first.trade).toBeUndefined();
    expect(p.positions.get('o1')!.qty).toBe(3);
    const last = p.apply(fill({ ...exit, id: 'f4', qty: 3, price: 114, fee: 0.342, time: 6 }), 's');
    expect(last.change).toBe('closed');
    const t = last.trade!;
    expect(t.qty).toBe(4);
    expect(t.exitPrice).toBeCloseTo(113, 12);
    expect(t.fees).toBeCloseTo(0.4 + 0.11 + 0.342, 12);
    expect(t.pnl).toBeCloseTo((113 - 103) * 4 - 0.852, 9);
    expect(p.cash).toBeCloseTo(10_000 + t.pnl, 9);
    expect(p.positions.size).toBe(0);
  });

  it('a fee taken in the base currency reduces what can be sold; cash pays only the notional', () => {
    const p = new Portfolio(1_000);
    p.apply(fill({ qty: 1, price: 100, fee: 0.1, feeCurrency: 'BTC', feeAmount: 0.001 }), 's');
    const pos = p.positions.get('o1')!;
    expect(pos.qty).toBeCloseTo(0.999, 12);
    expect(p.cash).toBeCloseTo(900, 12);
    // Selling what is held flattens it; the P&L counts the base fee once (as its quote value).
    const out = p.apply(fill({ id: 'f2', purpose: 'exit', side: 'sell', qty: 0.999, price: 100, fee: 0, time: 2 }), 's');
    expect(out.change).toBe('closed');
    expect(out.trade!.pnl).toBeCloseTo(-0.1, 9);
    expect(p.cash).toBeCloseTo(999.9, 9);
  });

  it('a fee in a third currency (BNB) moves neither cash nor quantity, and is counted in P&L', () => {
    const p = new Portfolio(1_000);
    p.apply(fill({ qty: 1, price: 100, fee: 0.075, feeCurrency: 'BNB', feeAmount: 0.0002 }), 's');
    expect(p.cash).toBe(900);
    expect(p.positions.get('o1')!.qty).toBe(1);
    expect(p.otherFees).toEqual({ BNB: 0.0002 });
    expect(p.feesPaid).toBeCloseTo(0.075, 12);
  });
});
