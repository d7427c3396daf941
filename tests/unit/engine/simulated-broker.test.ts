import { describe, expect, it } from 'vitest';
import { SimulatedBroker } from '../../../src/adapters/broker/simulated.js';
import type { Fill, OrderRequest } from '../../../src/core/trading.js';
import { newOrder, transition } from '../../../src/engine/execution.js';
import type { OrderUpdate } from '../../../src/engine/ports.js';

function setup(cash: number) {
  let seq = 0;
  const broker = new SimulatedBroker({ fee: 0.001, slippage: 0, cash: () => cash, nextId: (p) => `${p}${++seq}` });
  const log: Array<OrderUpdate | Fill> = [];
  broker.connect({ update: (u) => log.push(u), fill: (f) => log.push(f) });
  return { broker, log };
}

const req: OrderRequest = { id: 'o1', clientId: 'c1', instanceId: 'i', symbol: 'BTC/USDT', side: 'buy', type: 'market', purpose: 'entry', quote: 500, reason: 'r', createdAt: 10 };

function submitted(over: Partial<OrderRequest> = {}) {
  const o = newOrder({ ...req, ...over });
  transition(o, 'submitted', o.createdAt);
  return o;
}

describe('simulated broker on the Broker port', () => {
  it('acknowledges a market order, then reports its fill and the end at the next open', () => {
    const { broker, log } = setup(1000);
    broker.submit(submitted(), {});
    expect(log).toEqual([{ orderId: 'o1', status: 'open', time: 10 }]);
    broker.marketOpened('ETH/USDT', 20, 50);
    expect(log).toHaveLength(1);
    broker.marketOpened('BTC/USDT', 20, 100);
    expect(log[1]).toMatchObject({ orderId: 'o1', qty: 500 / (100 * 1.001), price: 100, time: 20 });
    expect(log[2]).toEqual({ orderId: 'o1', status: 'filled', time: 20, reason: undefined });
  });

  it('ends an entry it cannot fill with a rejection and the reason, never silently', () => {
    const { broker, log } = setup(0);
    broker.submit(submitted(), {});
    broker.marketOpened('BTC/USDT', 20, 100);
    expect(log[1]).toMatchObject({ orderId: 'o1', status: 'rejected', time: 20 });
    expect((log[1] as OrderUpdate).reason).toMatch(/no cash left to buy at 100 \(cash 0 < quote 500\)/);
  });

  it('says when an entry was reduced to the cash left', () => {
    const { broker, log } = setup(200);
    broker.submit(submitted(), { lastPrice: 100 });
    broker.marketOpened('BTC/USDT', 20, 100);
    expect(log[2]).toMatchObject({ status: 'filled', reason: 'filled with the cash left (cash 200 < quote 500)' });
  });

  it('cancels a queued order with the reason; resume() queues restored orders again without duplicates', () => {
    const { broker, log } = setup(1000);
    const o = submitted();
    broker.submit(o, {});
    broker.cancel(o, 'kill switch');
    expect(log[1]).toMatchObject({ orderId: 'o1', status: 'cancelled', reason: 'kill switch' });
    broker.marketOpened('BTC/USDT', 20, 100);
    expect(log).toHaveLength(2);
    const restored = submitted({ id: 'o2' });
    broker.resume([restored]);
    broker.resume([restored]);
    broker.marketOpened('BTC/USDT', 30, 100);
    expect(log.filter((e) => 'qty' in e)).toHaveLength(1);
  });

  it('fills stop and urgent orders at once', () => {
    const { broker, log } = setup(1000);
    broker.submit(submitted({ id: 's', type: 'stop', price: 95, purpose: 'exit', side: 'sell', quote: undefined, qty: 2, positionId: 'p' }), {});
    broker.submit(submitted({ id: 'u', urgent: true, purpose: 'exit', side: 'sell', quote: undefined, qty: 1, positionId: 'p' }), { lastPrice: 99 });
    expect(log.map((e) => ('status' in e ? `${e.orderId} ${e.status}` : `${e.orderId} fill ${e.price}`))).toEqual(['s fill 95', 's filled', 'u fill 99', 'u filled']);
  });
});
