// A reconciliation that runs while an order is in flight (sent, its reply not in yet: no exchange id in the
// journal) finds that order's trade on the exchange: it is tradetui's own, booked once, never an "external
// trade" that would halt entries. The whole-CLI SIGKILL rehearsal caught this race (periodic check + entry).
import { afterEach, describe, expect, it } from 'vitest';
import { Reconciler } from '../../../src/live/reconcile.js';
import { engineOrder, liveHarness, type Harness } from '../../support/live.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('reconciliation with an order in flight', { timeout: 60_000 }, () => {
  it("the trade of an order whose reply is not in yet is tradetui's, booked once, no difference", async () => {
    h = await liveHarness();
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'] });
    await r.run({ positions: [] });
    await h.exchange.loadMarkets();
    const order = engineOrder({ qty: 0.01 });
    // The broker sends the order just after the check has looked at the journal (its step 2).
    const harness = h;
    h.fake.onRequest = (method, path) => {
      if (method !== 'GET' || path !== '/api/v3/openOrders') return;
      harness.fake.onRequest = null;
      harness.fake.loseReply('POST', '/api/v3/order', 'hang');
      harness.broker.submit(order, { lastPrice: 50_000 });
    };
    const report = await r.run({ positions: [] }, { balances: false });
    expect(report.found).toEqual([]);
    expect(h.journal.get(order.clientId)).toMatchObject({ state: 'done', exchangeId: expect.any(String) });
    expect(h.fills.map((f) => f.orderId)).toEqual([order.id]);
    expect(h.fake.orders.size).toBe(1);
  });
});
