// Dynamic slippage: the square-root impact model (rate = base + k × σ × √(qty ÷ volume), capped), checked
// against values computed by hand, in the simulated broker and through a whole backtest.
import { describe, expect, it } from 'vitest';
import { SimulatedBroker } from '../../../src/adapters/broker/simulated.js';
import { runBacktest, scaledCosts, slippageSettings } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { seriesFromCandles, type Candle } from '../../../src/core/candle.js';
import { marketConditions, slippageRate, type SlippageSettings } from '../../../src/core/slippage.js';
import type { Fill, OrderRequest } from '../../../src/core/trading.js';
import { EventBus } from '../../../src/engine/bus.js';
import { newOrder, transition } from '../../../src/engine/execution.js';
import { scripted } from '../../support/scripted-strategy.js';

const impact: SlippageSettings = { model: 'sqrt-impact', rate: 0.0005, k: 1, maxRate: 0.05 };

describe('market conditions', () => {
  it('σ is the population standard deviation of the last 20 log returns; volume is the last candle’s', () => {
    // Closes alternating 100 and 110: every log return is ±ln(1.1), mean ≈ 0 over an even count.
    const close = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 100 : 110));
    const volume = Array.from({ length: 30 }, (_, i) => i + 1);
    const m = marketConditions(close, volume, 29)!;
    // 20 returns ending at 29: 10 of +ln 1.1 and 10 of −ln 1.1 → mean 0, σ = ln 1.1.
    expect(m.sigma).toBeCloseTo(Math.log(1.1), 12);
    expect(m.volume).toBe(30);
    // Three closes 100, 101, 99: returns ln(1.01), ln(99/101); σ = |r1 − r2| / 2.
    const m3 = marketConditions([100, 101, 99], [5, 6, 7], 2)!;
    expect(m3.sigma).toBeCloseTo(Math.abs(Math.log(1.01) - Math.log(99 / 101)) / 2, 12);
    expect(marketConditions([100], [1], 0)).toBeUndefined();
  });

  it('rate = base + k × σ × √(qty ÷ volume), at most maxRate; the fixed model ignores the market', () => {
    // qty 4 of volume 100 at σ 2%: 0.0005 + 1 × 0.02 × √0.04 = 0.0005 + 0.004 = 0.0045.
    expect(slippageRate(impact, 4, { volume: 100, sigma: 0.02 })).toBeCloseTo(0.0045, 15);
    // k = 3, qty 25 of 100, σ 1%: 0.0005 + 3 × 0.01 × 0.5 = 0.0155.
    expect(slippageRate({ ...impact, k: 3 }, 25, { volume: 100, sigma: 0.01 })).toBeCloseTo(0.0155, 15);
    // Four times the size: twice the impact (square root), not four times.
    const small = slippageRate(impact, 1, { volume: 100, sigma: 0.02 }) - 0.0005;
    const big = slippageRate(impact, 4, { volume: 100, sigma: 0.02 }) - 0.0005;
    expect(big / small).toBeCloseTo(2, 12);
    // Capped, and a zero-volume candle costs the cap.
    expect(slippageRate(impact, 1e6, { volume: 100, sigma: 0.02 })).toBe(0.05);
    expect(slippageRate(impact, 1, { volume: 0, sigma: 0.02 })).toBe(0.05);
    // Without market data (fewer than two closes) the fixed part only; the fixed model never looks.
    expect(slippageRate(impact, 4, undefined)).toBe(0.0005);
    expect(slippageRate({ ...impact, model: 'fixed' }, 4, { volume: 100, sigma: 0.02 })).toBe(0.0005);
  });
});

describe('simulated broker with sqrt-impact', () => {
  it('fills a quantity order at open × (1 ± rate) from the conditions the order carries', () => {
    let seq = 0;
    const broker = new SimulatedBroker({ fee: 0.001, slippage: 0.0005, slippageModel: impact, cash: () => 1e9, nextId: (p) => `${p}${++seq}` });
    const fills: Fill[] = [];
    broker.connect({ update: () => {}, fill: (f) => fills.push(f) });
    const req: OrderRequest = { id: 'o1', clientId: 'c1', instanceId: 'i', symbol: 'BTC/USDT', side: 'sell', type: 'market', purpose: 'exit', qty: 4, reason: 'r', createdAt: 1, market: { volume: 100, sigma: 0.02 } };
    const o = newOrder(req);
    transition(o, 'submitted', 1);
    broker.submit(o, {});
    broker.marketOpened('BTC/USDT', 2, 200);
    // sell: 200 × (1 − 0.0045) = 199.1
    expect(fills[0]!.price).toBeCloseTo(199.1, 10);
    expect(fills[0]!.fee).toBeCloseTo(4 * 199.1 * 0.001, 10);
  });

  it('sizes a quote entry’s impact by what the quote buys at the open, then buys with the slipped price', () => {
    let seq = 0;
    const broker = new SimulatedBroker({ fee: 0, slippage: 0, slippageModel: { ...impact, rate: 0 }, cash: () => 1e9, nextId: (p) => `${p}${++seq}` });
    const fills: Fill[] = [];
    broker.connect({ update: () => {}, fill: (f) => fills.push(f) });
    // 900 quote at open 100 buys 9 base of a 100 volume: rate = 0.02 × √0.09 = 0.006; price 100.6; qty 900/100.6.
    const o = newOrder({ id: 'o1', clientId: 'c1', instanceId: 'i', symbol: 'X', side: 'buy', type: 'market', purpose: 'entry', quote: 900, reason: 'r', createdAt: 1, market: { volume: 100, sigma: 0.02 } });
    transition(o, 'submitted', 1);
    broker.submit(o, {});
    broker.marketOpened('X', 2, 100);
    expect(fills[0]!.price).toBeCloseTo(100.6, 10);
    expect(fills[0]!.qty).toBeCloseTo(900 / 100.6, 10);
  });
});

describe('a backtest with sqrt-impact', () => {
  it('prices the entry by the volume and volatility of the candles closed when it was decided', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const rows: Candle[] = [];
    // 25 candles: closes alternate 100/110 (σ = ln 1.1 over any 20 returns ending on an even index), volume
    // 1000 on the deciding candle 24; candle 25 opens at 105.
    for (let i = 0; i < 26; i++) {
      const close = i % 2 === 0 ? 100 : 110;
      rows.push({ time: t0 + i * 3_600_000, open: i === 25 ? 105 : close, high: 111, low: 99, close, volume: i === 24 ? 1000 : 50 });
    }
    const candles = seriesFromCandles(rows);
    const risk = parseConfig({}).risk;
    const bus = new EventBus();
    const orders: Array<{ market?: unknown }> = [];
    bus.on('order', (e) => orders.push(e.order));
    const r = runBacktest({
      strategy: scripted({ 24: 'enter-long' }),
      params: {},
      key: { exchange: 't', symbol: 'X', timeframe: '1h' },
      candles,
      tradeFrom: 1,
      account: { balance: 10_000, fee: 0, slippage: 0.001, allowShort: false, slippageModel: 'sqrt-impact', impactK: 2, maxSlippage: 0.05 },
      stakePct: 50,
      risk,
      bus,
    });
    // Decided at candle 24's close: equity 10,000, stake 50% = 5,000 quote; at the open 105 that is 5000/105 base.
    const sigma = Math.log(1.1);
    const rate = 0.001 + 2 * sigma * Math.sqrt(5000 / 105 / 1000);
    const t = r.trades[0]!;
    expect(t.entryPrice).toBeCloseTo(105 * (1 + rate), 9);
    expect(t.qty).toBeCloseTo(5000 / (105 * (1 + rate)), 9);
    expect(orders[0]!.market).toEqual({ volume: 1000, sigma: expect.closeTo(sigma, 12) });
  });
});

describe('doubled costs (the optimiser’s robustness re-run)', () => {
  it('doubling costs doubles the whole sqrt-impact rate, not only its fixed part', () => {
    const base = { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false, slippageModel: 'sqrt-impact' as const, impactK: 1.5, maxSlippage: 0.05 };
    const doubled = scaledCosts(base, 2);
    expect(doubled.fee).toBeCloseTo(0.002, 12);
    const market = { volume: 1000, sigma: 0.01 };
    const once = slippageRate(slippageSettings(base), 50, market);
    // 0.0005 + 1.5 × 0.01 × √0.05 ≈ 0.00385: uncapped, so twice the costs is exactly twice the rate
    expect(once).toBeCloseTo(0.0005 + 1.5 * 0.01 * Math.sqrt(0.05), 12);
    expect(slippageRate(slippageSettings(doubled), 50, market)).toBeCloseTo(2 * once, 12);
    // the cap doubles with it: an order far above the volume pays twice the capped rate
    expect(slippageRate(slippageSettings(doubled), 1e9, market)).toBeCloseTo(2 * slippageRate(slippageSettings(base), 1e9, market), 12);
    // defaults (k 1, cap 5%) are doubled too when the account leaves them unset
    expect(slippageSettings(scaledCosts({ balance: 1, fee: 0, slippage: 0.001, allowShort: false }, 2))).toEqual({ model: 'fixed', rate: 0.002, k: 2, maxRate: 0.1 });
  });
});
