// A multi-symbol backtest is one account: on real BTC and ETH candles with entries larger than the total
// exposure limit allows, exposure stays within the limit at every candle, and every entry the risk layer let
// through either filled or ended with a reason the run reports.
import { describe, expect, it } from 'vitest';
import { measurePortfolio } from '../../../src/backtest/portfolio-record.js';
import { parseConfig } from '../../../src/config/load.js';
import { lowerBound, seriesSlice } from '../../../src/core/candle.js';
import { EventBus } from '../../../src/engine/bus.js';
import { builtinStrategies, getStrategy } from '../../../src/strategy/registry.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { loadCsvSeries } from '../../support/candles.js';

const H = 3_600_000;

function market(file: string, symbol: string) {
  const all = loadCsvSeries(file);
  const from = lowerBound(all, Date.parse('2025-01-01T00:00:00Z'));
  const to = lowerBound(all, Date.parse('2025-07-01T00:00:00Z'));
  return { key: { exchange: 'binance', symbol, timeframe: '1h' as const }, candles: seriesSlice(all, from - 100, to), tradeFrom: 100 };
}

describe('shared-account backtest over two real markets', () => {
  const strategy = getStrategy('rsi-macd', builtinStrategies());
  const markets = [market('binance_BTCUSDT_1h.csv', 'BTC/USDT'), market('binance_ETHUSDT_1h.csv', 'ETH/USDT')];

  it('keeps total exposure within 50% at every candle; every accepted entry fills or reports why not', () => {
    const risk = parseConfig({ risk: { sizing: { pct: 40 }, limits: { maxPositionPct: 40, maxSymbolPct: 40, maxTotalExposurePct: 50 } } }).risk;
    const bus = new EventBus();
    let accepted = 0;
    bus.on('risk', (e) => {
      if (e.verdict !== 'rejected') accepted++;
    });
    const run = measurePortfolio({ strategy, params: resolveParams(strategy, {}), markets, account: { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false }, risk, bus });
    const r = run.result;
    expect(r.trades.length).toBeGreaterThan(50);
    expect(new Set(r.trades.map((t) => t.symbol))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    // Exposure is checked against the limit at every candle. Between entries a position's value moves with
    // its price, which no limit controls: since the last entry was decided (at the close before τ, its fill
    // candle, with the ratio ≤ 0.5 there), exposure can only have grown by the price ratio r = max p(t)/p(τ−1)
    // of the open positions, to at most r/(1+r) for a book at the limit. A market stepped after the deciding
    // one at the same time was still marked at the candle before (τ−2). The 0.2% slack covers fees and slippage.
    const closeAt = new Map(markets.map((m) => [m.key.symbol, new Map(Array.from(m.candles.time, (t, i) => [t, m.candles.close[i]!]))]));
    let worst = 0;
    for (let i = 0; i < r.equity.length; i++) {
      const t = r.equityTimes[i]!;
      const open = r.trades.filter((x) => x.entryTime <= t && x.exitTime > t);
      const tau = Math.max(...open.map((x) => x.entryTime));
      let growth = 1;
      for (const x of open) growth = Math.max(growth, closeAt.get(x.symbol)!.get(t)! / Math.min(closeAt.get(x.symbol)!.get(tau - H)!, closeAt.get(x.symbol)!.get(tau - 2 * H)!));
      const bound = open.length === 0 ? 0 : Math.max(0.5, growth / (1 + growth)) + 0.002;
      const ratio = r.exposure[i]! / r.equity[i]!;
      expect(ratio, `exposure at ${new Date(t).toISOString()}`).toBeLessThanOrEqual(bound);
      worst = Math.max(worst, ratio);
    }
    // The limit binds (both markets in at once), so it was tested, not just never approached.
    expect(worst).toBeGreaterThan(0.45);
    expect(r.riskDecisions.resized).toBeGreaterThan(0);
    // Every entry the risk layer let through became an order, and each order filled or says why not.
    expect(run.entryOrders).toBe(accepted);
    const filledEntries = r.trades.length + 0; // every filled entry closed (the run ends by closing positions)
    expect(filledEntries + run.unfilledEntries.length).toBe(run.entryOrders);
    for (const u of run.unfilledEntries) expect(u.reason).not.toBe('');
    // Exposure samples equal to one account: equity starts at the one balance, not one per market.
    expect(r.equity[0]).toBeGreaterThan(9_000);
    expect(r.equity[0]).toBeLessThan(11_000);
  });

  it('all-in entries on two markets: one balance, never below zero, and every entry accounted for', () => {
    // All-in entries on both markets with no exposure limit: the second market's entry finds no cash.
    const risk = parseConfig({ risk: { sizing: { pct: 100 }, limits: { maxPositionPct: 100, maxSymbolPct: 100, maxTotalExposurePct: 1000, maxOpenPositions: 10 } } }).risk;
    const bus = new EventBus();
    let accepted = 0;
    bus.on('risk', (e) => {
      if (e.verdict !== 'rejected') accepted++;
    });
    const run = measurePortfolio({ strategy, params: resolveParams(strategy, {}), markets, account: { balance: 10_000, fee: 0.001, slippage: 0, allowShort: false }, risk, bus });
    expect(run.entryOrders).toBe(accepted);
    // The two markets compete for the one balance: the risk layer cuts or refuses the second entry.
    expect(run.result.riskDecisions.resized + run.result.riskDecisions.rejected).toBeGreaterThan(0);
    expect(run.result.trades.length + run.unfilledEntries.length).toBe(run.entryOrders);
    for (const u of run.unfilledEntries) expect(u.reason).toMatch(/cash|waiting/);
    // Cash is never negative: the account is one.
    for (const c of run.result.cash) expect(c).toBeGreaterThanOrEqual(-1e-6);
  });
});
