import { describe, expect, it } from 'vitest';
import type { Fill, OrderRequest, OrderStatus } from '../../../src/core/trading.js';
import { applyFill, applyUpdate, canTransition, CLIENT_ID_PATTERN, clientOrderId, newOrder, OrderTransitionError, transition } from '../../../src/engine/execution.js';

const req: Omit<OrderRequest, 'id' | 'clientId'> = {
  instanceId: 'ma-cross@binance:BTC/USDT:1h',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'market',
  purpose: 'entry',
  quote: 1000,
  reason: 'fast crossed above slow',
  createdAt: Date.UTC(2026, 10, 29, 21),
};

function fill(over: Partial<Fill> = {}): Fill {
  return { id: 'f1', orderId: 'o1', instanceId: req.instanceId, symbol: 'BTC/USDT', side: 'buy', purpose: 'entry', qty: 0.01, price: 50_000, fee: 0.5, time: req.createdAt + 1, reason: 'r', positionId: 'o1', ...over };
}

describe('order state machine', () => {
  it('allows the documented life: intent → submitted → open → partially filled → filled', () => {
    const o = newOrder({ ...req, id: 'o1', clientId: clientOrderId(req) });
    expect(o).toMatchObject({ status: 'intent', filledQty: 0, avgPrice: 0, fees: 0 });
    transition(o, 'submitted', req.createdAt);
    applyUpdate(o, { orderId: 'o1', status: 'open', time: req.createdAt + 1, exchangeId: '123' });
    expect(o.exchangeId).toBe('123');
    applyFill(o, fill({ qty: 0.01, price: 50_000 }), 'USDT');
    expect(o.status).toBe('partially_filled');
    applyFill(o, fill({ id: 'f2', qty: 0.03, price: 50_400, fee: 0.0001 * 50_400, feeCurrency: 'BNB', feeAmount: 0.002 }), 'USDT');
    expect(o.filledQty).toBeCloseTo(0.04, 12);
    expect(o.avgPrice).toBeCloseTo((0.01 * 50_000 + 0.03 * 50_400) / 0.04, 9);
    expect(o.feesByCurrency).toEqual({ USDT: 0.5, BNB: 0.002 });
    applyUpdate(o, { orderId: 'o1', status: 'filled', time: req.createdAt + 2 });
    expect(o.status).toBe('filled');
  });

  it('never leaves a terminal state, and refuses fills on a terminal order', () => {
    for (const end of ['filled', 'cancelled', 'rejected', 'expired'] as OrderStatus[]) {
      for (const to of ['submitted', 'open', 'partially_filled', 'pending_cancel', 'filled', 'cancelled'] as OrderStatus[]) {
        expect(canTransition(end, to)).toBe(false);
      }
      const o = newOrder({ ...req, id: 'o1', clientId: 'x' });
      transition(o, 'submitted', 0);
      applyUpdate(o, { orderId: 'o1', status: end as 'filled', time: 1 });
      expect(() => applyFill(o, fill(), 'USDT')).toThrow(OrderTransitionError);
      // The same terminal report twice is a no-op, not an error (a live broker may poll it twice).
      expect(applyUpdate(o, { orderId: 'o1', status: end as 'filled', time: 2 })).toBe(false);
    }
  });

  it('keeps an order in flight until evidence: submitted cannot go back to intent, intent cannot be open', () => {
    expect(canTransition('submitted', 'intent')).toBe(false);
    expect(canTransition('intent', 'open')).toBe(false);
    expect(canTransition('intent', 'filled')).toBe(false);
    expect(canTransition('intent', 'rejected')).toBe(true);
  });

  it('lets fills arrive while a cancel is pending, and a refused cancel return the order to work', () => {
    const o = newOrder({ ...req, id: 'o1', clientId: 'x' });
    transition(o, 'submitted', 0);
    applyUpdate(o, { orderId: 'o1', status: 'open', time: 1 });
    applyUpdate(o, { orderId: 'o1', status: 'pending_cancel', time: 2 });
    applyFill(o, fill(), 'USDT');
    expect(o.status).toBe('pending_cancel');
    applyUpdate(o, { orderId: 'o1', status: 'partially_filled', time: 3, reason: 'cancel refused: order still working' });
    expect(o.status).toBe('partially_filled');
    applyUpdate(o, { orderId: 'o1', status: 'cancelled', time: 4, reason: 'cancelled by the kill switch' });
    expect(o).toMatchObject({ status: 'cancelled', statusReason: 'cancelled by the kill switch', filledQty: 0.01 });
  });
});

describe('client order ids', () => {
  it('are deterministic per intent and within Binance rules', () => {
    const a = clientOrderId(req);
    expect(a).toBe(clientOrderId({ ...req, reason: 'another wording', quote: 999 }));
    expect(a).toMatch(CLIENT_ID_PATTERN);
    expect(a.length).toBeLessThanOrEqual(36);
    expect(clientOrderId({ ...req, instanceId: 'ma-cross@binance:ETH/USDT:1h' })).not.toBe(a);
    expect(clientOrderId({ ...req, createdAt: req.createdAt + 3_600_000 })).not.toBe(a);
    expect(clientOrderId({ ...req, purpose: 'exit', side: 'sell', positionId: 'o1', exitReason: 'kill' })).not.toBe(
      clientOrderId({ ...req, purpose: 'exit', side: 'sell', positionId: 'o1', exitReason: 'signal' }),
    );
    expect(clientOrderId(req, 'live1')).toMatch(/^live1-/);
    expect(() => clientOrderId(req, 'bad prefix')).toThrow(/prefix/);
  });
});
