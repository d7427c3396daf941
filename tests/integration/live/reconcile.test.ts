// Start-up and periodic reconciliation against the local Binance: an order placed by hand, a trade made by
// hand, a fill tradetui missed while down, and a balance that does not match its positions; live entries
// stay blocked until each difference is resolved (adopt, ignore, cancel, flatten).
import { afterEach, describe, expect, it } from 'vitest';
import { Reconciler } from '../../../src/live/reconcile.js';
import { engineOrder, liveHarness, type Harness } from '../../support/live.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Reconciler', () => {
  it('first start on an account that holds nothing tradetui does not know: no differences, not blocking', async () => {
    h = await liveHarness();
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'] });
    const report = await r.run({ positions: [] });
    expect(report.found).toEqual([]);
    expect(r.blocking()).toBe(false);
  });

  it('detects an external trade and an unknown open order (the balance they leave is not a third difference); blocks until each is resolved', async () => {
    h = await liveHarness();
    const adopted: Array<{ symbol: string; qty: number }> = [];
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'], onAdopt: (a) => void adopted.push({ symbol: a.symbol, qty: a.qty }) });
    await r.run({ positions: [] });
    h.fake.externalTrade('BTCUSDT', 'BUY', 0.01);
    await h.exchange.loadMarkets();
    await h.exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 40_000, { newClientOrderId: 'web_manual1' });
    const report = await r.run({ positions: [] });
    expect(report.found.map((d) => d.kind).sort()).toEqual(['external-trade', 'unknown-order']);
    expect(r.blocking()).toBe(true);
    // A second run does not report the same differences again.
    expect((await r.run({ positions: [] })).found).toEqual([]);
    const byKind = Object.fromEntries(report.found.map((d) => [d.kind, d]));
    await expect(r.resolve(byKind['external-trade']!.id, 'cancel')).rejects.toThrow(/adopt, ignore/);
    expect(await r.resolve(byKind['unknown-order']!.id, 'cancel')).toMatch(/cancelled order/);
    expect([...h.fake.orders.values()].find((o) => o.clientOrderId === 'web_manual1')!.status).toBe('CANCELED');
    expect(await r.resolve(byKind['external-trade']!.id, 'adopt')).toMatch(/adopted buy 0.01/);
    expect(adopted).toEqual([{ symbol: 'BTC/USDT', qty: 0.01 }]);
    expect(r.blocking()).toBe(false);
    // Adopted: the engine now holds it, so the balance matches.
    expect((await r.run({ positions: [{ symbol: 'BTC/USDT', qty: 0.01 - 0.00001 }] })).found).toEqual([]);
  });

  it('an ignored trade by hand is kept outside tradetui: later checks expect it in the balance', async () => {
    h = await liveHarness();
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'] });
    await r.run({ positions: [] });
    h.fake.externalTrade('BTCUSDT', 'BUY', 0.02);
    const [trade] = (await r.run({ positions: [] })).found;
    expect(trade!.kind).toBe('external-trade');
    await r.resolve(trade!.id, 'ignore');
    expect(r.baseline('BTC')).toBeCloseTo(0.02 - 0.00002, 10);
    expect((await r.run({ positions: [] })).found).toEqual([]);
    // Then a balance that moves without a trade (a withdrawal) is a difference again; flatten sells only tradetui's excess.
    h.fake.setBalance('BTC', 0.05);
    const [bal] = (await r.run({ positions: [] })).found;
    expect(bal!.kind).toBe('balance');
    expect(bal!.summary).toMatch(/kept outside tradetui/);
    await r.resolve(bal!.id, 'flatten');
    expect(h.fake.balance('BTC').free).toBeCloseTo(0.02 - 0.00002, 5);
    expect(r.blocking()).toBe(false);
  });

  it('books a fill it missed while it was down (its own order), with no difference', async () => {
    h = await liveHarness();
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'] });
    await r.run({ positions: [] });
    const order = engineOrder({ qty: 0.01 });
    h.fake.loseReply('POST', '/api/v3/order', 'drop');
    // The broker "crashed" right after sending: the journal says sending, the exchange filled it.
    h.journal.begin({ clientId: order.clientId, orderId: order.id, kind: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.01, price: null, stopPrice: null, positionId: null, sentAt: Date.now() });
    await h.exchange.loadMarkets();
    await h.exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: order.clientId }).catch(() => {});
    const report = await r.run({ positions: [{ symbol: 'BTC/USDT', qty: 0.01 - 0.00001 }] });
    expect(report.found).toEqual([]);
    expect(report.missedFills).toBe(1);
    expect(h.journal.get(order.clientId)!.state).toBe('done');
  });

  it('a balance tradetui believes it holds but the exchange does not: adopt the exchange\'s figure', async () => {
    h = await liveHarness();
    const adopted: number[] = [];
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'], onAdopt: (a) => void adopted.push(a.qty) });
    const report = await r.run({ positions: [{ symbol: 'BTC/USDT', qty: 0.5 }] });
    expect(report.found).toHaveLength(1);
    expect(report.found[0]!.summary).toMatch(/BTC on binance: 0; tradetui's positions: 0.5/);
    await expect(r.resolve(report.found[0]!.id, 'flatten')).rejects.toThrow(/nothing to flatten/);
    await r.resolve(report.found[0]!.id, 'adopt');
    expect(adopted).toEqual([-0.5]);
    expect(r.blocking()).toBe(false);
  });
});
