// The local Binance's signed endpoints, through the real ccxt client: what the live broker's tests rely
// on must behave as Binance does (signatures, keys, clock, errors, matching, reused client ids, lost replies).
import { afterEach, describe, expect, it } from 'vitest';
import ccxt, { type Exchange } from 'ccxt';
import { FakeBinance } from '../../support/fake-binance.js';

let fake: FakeBinance | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const OPTIONS = { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false, warnOnFetchOpenOrdersWithoutSymbol: false };

async function client(extra: Record<string, unknown> = {}): Promise<Exchange> {
  fake ??= await FakeBinance.start({ balances: { USDT: 10_000 } });
  fake.setPrice('BTCUSDT', 50_000);
  const Binance = (ccxt as unknown as { binance: new (c: Record<string, unknown>) => Exchange }).binance;
  const ex = new Binance({ ...fake.ccxtPrivateOptions(), options: OPTIONS, timeout: 1500, ...extra });
  await ex.loadMarkets();
  return ex;
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('fake binance private API through ccxt', () => {
  it('a market buy fills at the set price, charges commission in the base, and shows in balance and trades', async () => {
    const ex = await client();
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: 'tt-1' });
    expect(o).toMatchObject({ clientOrderId: 'tt-1', status: 'closed', filled: 0.01, average: 50_000 });
    const bal = await ex.fetchBalance();
    expect((bal.total as unknown as Record<string, number>)['USDT']).toBeCloseTo(9_500, 8);
    expect((bal.total as unknown as Record<string, number>)['BTC']).toBeCloseTo(0.01 - 0.00001, 10);
    const trades = await ex.fetchMyTrades('BTC/USDT');
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: o.id, price: 50_000, amount: 0.01, fee: { currency: 'BTC', cost: 0.00001 } });
    // Every private request carried the key and a valid signature.
    expect(fake!.orderRequests().every((r) => r.apiKey === fake!.apiKey && r.query.signature)).toBe(true);
  });

  it('refuses a bad key, a bad signature and a skewed clock with Binance codes, mapped by ccxt', async () => {
    const ex = await client();
    const bad = await client({ apiKey: 'someoneElse', secret: fake!.secret });
    expect((await errorOf(bad.fetchBalance())).constructor.name).toBe('AuthenticationError');
    const wrongSecret = await client({ secret: 'not-the-secret' });
    expect((await errorOf(wrongSecret.fetchBalance())).message).toContain('-1022');
    fake!.clockSkewMs = -10_000;
    const skew = await errorOf(ex.fetchBalance());
    expect(skew.constructor.name).toBe('InvalidNonce');
    await ex.loadTimeDifference();
    await expect(ex.fetchBalance()).resolves.toBeTruthy();
  });

  it('applies balance and filter checks: insufficient funds, min notional, lot size', async () => {
    const ex = await client();
    expect((await errorOf(ex.createOrder('BTC/USDT', 'market', 'buy', 1))).constructor.name).toBe('InsufficientFunds');
    expect((await errorOf(ex.createOrder('BTC/USDT', 'market', 'buy', 0.00005))).message).toContain('Filter failure: NOTIONAL');
    // ccxt rounds amounts to the step itself: send an off-step quantity through its raw endpoint.
    const raw = ex as unknown as { privatePostOrder(p: Record<string, string>): Promise<unknown> };
    expect((await errorOf(raw.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.000015' }))).message).toContain('LOT_SIZE');
    expect(fake!.orders.size).toBe(0);
  });

  it('refuses a client id only while its order is open; a filled market order\'s id fills again', async () => {
    const ex = await client();
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40_000, { newClientOrderId: 'tt-dup' });
    expect((await errorOf(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40_000, { newClientOrderId: 'tt-dup' }))).message).toContain('Duplicate order sent.');
    await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: 'tt-m' });
    await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { newClientOrderId: 'tt-m' });
    expect(fake!.ordersByClientId('tt-m')).toHaveLength(2);
  });

  it('fills a resting limit order partly, then cancels the rest; unknown orders are -2011/-2013', async () => {
    const ex = await client();
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.02, 49_000, { newClientOrderId: 'tt-p' });
    expect(fake!.balance('USDT')).toEqual({ free: 10_000 - 980, locked: 980 });
    fake!.fillOrder(Number(o.id), 0.005);
    const mid = await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'tt-p' });
    expect(mid).toMatchObject({ status: 'open', filled: 0.005, remaining: 0.015 });
    const cancelled = await ex.cancelOrder(o.id!, 'BTC/USDT');
    expect(cancelled.status).toBe('canceled');
    expect(fake!.balance('USDT').locked).toBeCloseTo(0, 8);
    expect((await errorOf(ex.cancelOrder(o.id!, 'BTC/USDT'))).constructor.name).toBe('OrderNotFound');
    expect((await errorOf(ex.fetchOrder('999999', 'BTC/USDT'))).constructor.name).toBe('OrderNotFound');
  });

  it('holds a STOP_LOSS_LIMIT until the price reaches the stop, then fills it; refuses one that would trigger at once', async () => {
    const ex = await client();
    await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    const stop = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.009, 47_000, { triggerPrice: 48_000, newClientOrderId: 'tt-stop' });
    expect(fake!.orders.get(Number(stop.id))).toMatchObject({ type: 'STOP_LOSS_LIMIT', status: 'NEW' });
    fake!.setPrice('BTCUSDT', 48_500);
    expect(fake!.orders.get(Number(stop.id))!.status).toBe('NEW');
    fake!.setPrice('BTCUSDT', 47_900);
    expect(fake!.orders.get(Number(stop.id))!.status).toBe('FILLED');
    expect((await errorOf(ex.createOrder('BTC/USDT', 'limit', 'sell', 0.0005, 50_000, { triggerPrice: 49_000 }))).message).toContain('Stop price would trigger immediately.');
  });

  it('loses the reply to an accepted order (dropped, gateway timeout, no answer): the order exists all the same', async () => {
    const ex = await client();
    for (const [how, cls] of [['drop', 'NetworkError'], [504, 'RequestTimeout'], ['hang', 'RequestTimeout']] as const) {
      fake!.loseReply('POST', '/api/v3/order', how);
      const err = await errorOf(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, { newClientOrderId: `tt-lost-${how}` }));
      expect(err).toBeInstanceOf((ccxt as unknown as Record<string, new () => Error>)[cls]!);
      expect(fake!.ordersByClientId(`tt-lost-${how}`)).toHaveLength(1);
    }
  });

  it('answers 429 with Retry-After and an external trade shows in the account\'s trades', async () => {
    const ex = await client();
    fake!.failNext(1, 429, 3);
    const err = await errorOf(ex.fetchBalance());
    expect(err.constructor.name).toBe('DDoSProtection');
    expect((ex.last_response_headers as Record<string, string>)['Retry-After']).toBe('3');
    const by = fake!.externalTrade('BTCUSDT', 'BUY', 0.002);
    const trades = await ex.fetchMyTrades('BTC/USDT');
    expect(trades.map((t) => t.order)).toEqual([String(by.orderId)]);
  });
});
