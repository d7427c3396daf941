// Live broker figures against the local Binance through real ccxt: decision → order request latency
// (submit() until the exchange receives the signed POST, p50/p95) and start-up reconciliation time when
// 1,000 trades happened since the last one tradetui knows.
import { performance } from 'node:perf_hooks';
import { Reconciler } from '../src/live/reconcile.js';
import { engineOrder, liveHarness } from '../tests/support/live.js';

export interface LiveBench {
  orders: number;
  p50Ms: number;
  p95Ms: number;
  reconcileTrades: number;
  reconcileMs: number;
}

export async function benchLive(orders = 100): Promise<LiveBench> {
  const h = await liveHarness();
  try {
    h.fake.setBalance('USDT', 1e9);
    await h.broker.loadMarkets();
    const latencies: number[] = [];
    let t0 = 0;
    h.fake.onOrderRequest = () => latencies.push(performance.now() - t0);
    for (let i = 0; i < orders; i++) {
      const o = engineOrder({ qty: 0.001 });
      t0 = performance.now();
      h.broker.submit(o, { lastPrice: 50_000 });
      await h.broker.idle();
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    const r = new Reconciler(h.broker, { symbols: ['BTC/USDT'] });
    await r.run({ positions: [] });
    for (let i = 0; i < 1000; i++) h.fake.externalTrade('BTCUSDT', i % 2 ? 'SELL' : 'BUY', 0.001);
    const start = performance.now();
    const report = await r.run({ positions: [] });
    return { orders, p50Ms: q(0.5), p95Ms: q(0.95), reconcileTrades: report.tradesScanned, reconcileMs: performance.now() - start };
  } finally {
    await h.close();
  }
}
