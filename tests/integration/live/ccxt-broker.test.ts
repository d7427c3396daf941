// The exchange broker through real ccxt against the local Binance: journal before send, lost replies
// resolved by lookup into exactly one order, fills booked once, exchange rules before sending, and the
// error policy (funds, filters, rate limit, clock skew, bad key, 5xx, unknown order on cancel).
import { afterEach, describe, expect, it } from 'vitest';
import { engineOrder, liveHarness, type Harness } from '../../support/live.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const statuses = (hh: Harness, orderId: string) => hh.updates.filter((u) => u.orderId === orderId).map((u) => u.status);

describe('CcxtBroker', () => {
  it('happy path: journals before sending, sends a base quantity on the step, reports open, fills and filled', async () => {
    h = await liveHarness();
    const order = engineOrder({ quote: 1000 });
    let journaledAtRequest: string | undefined;
    h.fake.onOrderRequest = (q) => (journaledAtRequest = h!.journal.get(q.newClientOrderId!)?.state);
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(journaledAtRequest).toBe('sending');
    const placed = h.fake.ordersByClientId(order.clientId);
    expect(placed).toHaveLength(1);
    // 1000 / (50000 × 1.001) = 0.019980… → 0.01998 on the 0.00001 step
    expect(placed[0]!.origQty).toBe(0.01998);
    expect(statuses(h, order.id)).toEqual(['open', 'filled']);
    expect(h.fills).toHaveLength(1);
    expect(h.fills[0]).toMatchObject({ orderId: order.id, qty: 0.01998, price: 50_000, feeCurrency: 'BTC', tradeId: String(h.fake.trades[0]!.id) });
    expect(h.fills[0]!.fee).toBeCloseTo(0.01998 * 0.001 * 50_000, 8);
    expect(h.journal.get(order.clientId)).toMatchObject({ state: 'done', exchangeStatus: 'closed', filled: 0.01998 });
  });

  for (const how of ['drop', 504, 'hang'] as const) {
    it(`lost acknowledgement (${how}): resolved by lookup into exactly one order, filled once`, async () => {
      h = await liveHarness();
      const order = engineOrder({ qty: 0.01 });
      h.fake.loseReply('POST', '/api/v3/order', how);
      h.broker.submit(order, { lastPrice: 50_000 });
      await h.broker.idle();
      expect(h.fake.ordersByClientId(order.clientId)).toHaveLength(1);
      expect(h.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order')).toHaveLength(1);
      expect(statuses(h, order.id)).toEqual(['open', 'filled']);
      expect(h.fills.map((f) => f.qty)).toEqual([0.01]);
    });
  }

  it('a request refused before processing (502) and not found after its time window is reported never placed, not resent', async () => {
    h = await liveHarness();
    await h.broker.loadMarkets();
    const order = engineOrder({ qty: 0.01 });
    h.fake.failNext(1, 502);
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.fake.orders.size).toBe(0);
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(statuses(h, order.id)).toEqual(['rejected']);
    expect(h.updates[0]!.reason).toMatch(/never reached binance/);
    expect(h.journal.get(order.clientId)!.exchangeStatus).toBe('not-placed');
  });

  it('the same intent submitted twice sends one request', async () => {
    h = await liveHarness();
    const order = engineOrder({ qty: 0.01 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(h.fills).toHaveLength(1);
  });

  it('a market order the book cannot fill fully: the partial fill is booked, then expired', async () => {
    h = await liveHarness();
    h.fake.marketLiquidity = 0.004;
    const order = engineOrder({ qty: 0.01 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.fills.map((f) => f.qty)).toEqual([0.004]);
    expect(statuses(h, order.id)).toEqual(['open', 'expired']);
  });

  it('insufficient funds: rejected, alert, balances to reconcile, no retry', async () => {
    h = await liveHarness();
    const order = engineOrder({ qty: 1 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(statuses(h, order.id)).toEqual(['rejected']);
    expect(h.updates[0]!.reason).toMatch(/insufficient funds/);
    expect(h.reconciles).toHaveLength(1);
    expect(h.alerts.some((a) => a.severity === 'critical' && /insufficient funds/.test(a.message))).toBe(true);
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('below the minimum notional (with reserve): refused locally with the reason, nothing sent', async () => {
    h = await liveHarness();
    const order = engineOrder({ quote: 5.1 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(statuses(h, order.id)).toEqual(['rejected']);
    expect(h.updates[0]!.reason).toMatch(/below the exchange's minimum 5 \(\+5% reserve/);
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('rate limit: every request pauses for Retry-After, then the order goes once', async () => {
    const slept: number[] = [];
    h = await liveHarness({ broker: { sleep: async (ms) => void slept.push(ms) } });
    await h.broker.loadMarkets();
    const order = engineOrder({ qty: 0.01 });
    h.fake.failNext(1, 429, 2);
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(slept.some((ms) => ms >= 1900)).toBe(true);
    expect(h.fake.ordersByClientId(order.clientId)).toHaveLength(1);
    expect(statuses(h, order.id)).toEqual(['open', 'filled']);
    expect(h.alerts.some((a) => /rate limit/.test(a.message))).toBe(true);
  });

  it('clock skew (-1021): resyncs the time difference and retries once', async () => {
    h = await liveHarness();
    await h.broker.loadMarkets();
    h.fake.clockSkewMs = -20_000;
    const order = engineOrder({ qty: 0.01 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.fake.requests.filter((r) => r.path === '/api/v3/time')).toHaveLength(1);
    expect(statuses(h, order.id)).toEqual(['open', 'filled']);
  });

  it('a refused key halts live trading: the order is rejected, later ones are never sent', async () => {
    h = await liveHarness({ exchange: {} });
    h.exchange.apiKey = 'revokedKey';
    const first = engineOrder({ qty: 0.01 });
    h.broker.submit(first, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.halts).toHaveLength(1);
    expect(h.broker.halted).toMatch(/refused the API key/);
    const posts = h.fake.requests.filter((r) => r.method === 'POST').length;
    const second = engineOrder({ qty: 0.01 });
    h.broker.submit(second, { lastPrice: 50_000 });
    await h.broker.idle();
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(posts);
    expect(statuses(h, second.id)).toEqual(['rejected']);
  });

  it('fills are booked once per trade id, however often the order is looked up', async () => {
    h = await liveHarness();
    const order = engineOrder({ qty: 0.01 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    const row = h.journal.get(order.clientId)!;
    await h.broker.resolve(row);
    await h.broker.resolve(row);
    expect(h.fills).toHaveLength(1);
    expect(h.journal.fills()).toHaveLength(1);
  });

  it('resume after a crash: a journaled order is looked up (found: its fills; not found: never placed), nothing resent', async () => {
    h = await liveHarness();
    const sent = engineOrder({ qty: 0.01 });
    const unsent = engineOrder({ qty: 0.01 });
    // State left by a crash: both journaled as sending; only the first reached the exchange.
    const now = Date.now();
    h.journal.begin({ clientId: sent.clientId, orderId: sent.id, kind: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.01, price: null, stopPrice: null, positionId: null, sentAt: now });
    h.journal.begin({ clientId: unsent.clientId, orderId: unsent.id, kind: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.01, price: null, stopPrice: null, positionId: null, sentAt: now });
    await h.exchange.loadMarkets();
    await h.exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: sent.clientId });
    const posts = h.fake.requests.filter((r) => r.method === 'POST').length;
    h.broker.resume([sent, unsent]);
    await h.broker.idle();
    expect(h.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(posts);
    expect(statuses(h, sent.id)).toEqual(['open', 'filled']);
    expect(h.fills.map((f) => f.orderId)).toEqual([sent.id]);
    expect(statuses(h, unsent.id)).toEqual(['rejected']);
  });

  it('resting stop: an engine stop order rests as STOP_LOSS_LIMIT; cancelled by hand, the engine hears it is cancelled', async () => {
    h = await liveHarness();
    await h.exchange.loadMarkets();
    expect(h.broker.restingStops('BTC/USDT')).toBe(true);
    await h.exchange.createOrder('BTC/USDT', 'market', 'buy', 0.02);
    const stop = engineOrder({ side: 'sell', type: 'stop', purpose: 'exit', qty: 0.0199, price: 48_000, positionId: 'p1', exitReason: 'stop_loss', resting: true });
    h.broker.submit(stop, {});
    await h.broker.idle();
    const resting = h.fake.ordersByClientId(stop.clientId)[0]!;
    expect(resting).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: 48_000, price: 47_760, status: 'NEW' });
    expect(h.journal.get(stop.clientId)).toMatchObject({ kind: 'stop', orderId: stop.id, state: 'working', stopPrice: 48_000 });
    expect(statuses(h, stop.id)).toEqual(['open']);
    // Cancelled by hand on the website: the next look-up tells the engine (which places it again).
    await h.exchange.cancelOrder(String(resting.orderId), 'BTC/USDT');
    await h.broker.resolve(h.journal.get(stop.clientId)!);
    expect(statuses(h, stop.id)).toEqual(['open', 'cancelled']);
  });

  it('a triggered resting stop reports its fill and then filled to the engine, once', async () => {
    h = await liveHarness();
    await h.exchange.loadMarkets();
    await h.exchange.createOrder('BTC/USDT', 'market', 'buy', 0.02);
    const stop = engineOrder({ side: 'sell', type: 'stop', purpose: 'exit', qty: 0.0199, price: 48_000, positionId: 'p2', exitReason: 'stop_loss', resting: true });
    h.broker.submit(stop, {});
    await h.broker.idle();
    // Below the trigger, above the limit (47,760): the stop fills.
    h.fake.setPrice('BTCUSDT', 47_900);
    await h.broker.resolve(h.journal.get(stop.clientId)!);
    await h.broker.resolve(h.journal.get(stop.clientId)!);
    expect(statuses(h, stop.id)).toEqual(['open', 'filled']);
    expect(h.fills.map((f) => [f.orderId, f.qty, f.exitReason])).toEqual([[stop.id, 0.0199, 'stop_loss']]);
  });

  it('cancelling an order the exchange no longer has: confirmed by fetching it, not assumed', async () => {
    h = await liveHarness();
    const order = engineOrder({ qty: 0.01 });
    h.broker.submit(order, { lastPrice: 50_000 });
    await h.broker.idle();
    const gets = h.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order').length;
    h.broker.cancel({ ...order, status: 'pending_cancel' }, 'user');
    await h.broker.idle();
    expect(h.fake.requests.some((r) => r.method === 'DELETE' && r.status === 400)).toBe(true);
    expect(h.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order').length).toBeGreaterThan(gets);
    // It had filled: no cancelled report.
    expect(statuses(h, order.id)).toEqual(['open', 'filled']);
  });
});
