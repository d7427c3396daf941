// One strategy over several markets in ONE account (one kernel, one risk layer): the portfolio the risk
// report measures, where exposure limits, per-symbol concentration and protections act across symbols.
// One market is exactly runBacktest. Markets are stepped in candle-time order; at each time every market
// with a candle then is processed, and equity is sampled once all have been.
import type { CandleSeries, MarketKey } from '../core/candle.js';
import type { EventBus } from '../engine/bus.js';
import { instanceId } from '../engine/kernel.js';
import { createSimulatedKernel, runBacktest, type AccountSettings, type BacktestResult } from './run.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { Params, Strategy } from '../strategy/contract.js';

export interface MarketWindow {
  key: MarketKey;
  /** Includes warm-up candles before tradeFrom. */
  candles: CandleSeries;
  tradeFrom: number;
}

export interface PortfolioSpec {
  strategy: Strategy;
  params: Params;
  markets: readonly MarketWindow[];
  account: AccountSettings;
  stakePct?: number;
  risk: RiskConfig;
  bus?: EventBus;
}

export interface PortfolioResult extends BacktestResult {
  /** Close of each symbol at the times all markets share within the span (for correlation). */
  closes: Record<string, Float64Array>;
}

export function runPortfolioBacktest(spec: PortfolioSpec): PortfolioResult {
  if (spec.markets.length === 0) throw new Error('runPortfolioBacktest: no markets');
  if (spec.markets.length === 1) {
    const m = spec.markets[0]!;
    const r = runBacktest({ strategy: spec.strategy, params: spec.params, key: m.key, candles: m.candles, tradeFrom: m.tradeFrom, account: spec.account, stakePct: spec.stakePct, risk: spec.risk, bus: spec.bus });
    return { ...r, closes: {} };
  }
  const kernel = createSimulatedKernel({ account: spec.account, risk: spec.risk, stakePct: spec.stakePct, bus: spec.bus, now: () => 0 });
  let spanStart = Infinity;
  for (const m of spec.markets) {
    const from = m.candles.length > m.tradeFrom ? m.candles.time[m.tradeFrom]! : Infinity;
    spanStart = Math.min(spanStart, from);
    kernel.addInstance({ id: instanceId(spec.strategy.name, m.key), strategy: spec.strategy, params: spec.params, key: m.key, running: true, tradeFrom: from }).preload(m.candles);
  }
  const cursor = spec.markets.map(() => 0);
  const times: number[] = [];
  const equity: number[] = [];
  const cash: number[] = [];
  const exposure: number[] = [];
  let exposureCandles = 0;
  const c = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const portfolio = kernel.portfolio;
  for (;;) {
    let t = Infinity;
    spec.markets.forEach((m, k) => {
      if (cursor[k]! < m.candles.length) t = Math.min(t, m.candles.time[cursor[k]!]!);
    });
    if (t === Infinity) break;
    let last = true;
    spec.markets.forEach((m, k) => {
      const i = cursor[k]!;
      if (i >= m.candles.length || m.candles.time[i] !== t) return;
      const s = m.candles;
      c.time = t;
      c.open = s.open[i]!;
      c.high = s.high[i]!;
      c.low = s.low[i]!;
      c.close = s.close[i]!;
      c.volume = s.volume[i]!;
      kernel.onCandle(m.key, c);
      cursor[k] = i + 1;
    });
    spec.markets.forEach((m, k) => {
      if (cursor[k]! < m.candles.length) last = false;
    });
    if (t >= spanStart) {
      if (last) kernel.finish();
      times.push(t);
      equity.push(portfolio.equity());
      cash.push(portfolio.cash);
      exposure.push(portfolio.exposure());
      if (portfolio.positions.size > 0) exposureCandles++;
    }
  }
  return {
    trades: kernel.closedTrades,
    equityTimes: Float64Array.from(times),
    equity: Float64Array.from(equity),
    cash: Float64Array.from(cash),
    exposure: Float64Array.from(exposure),
    exposureCandles,
    feesPaid: portfolio.feesPaid,
    riskDecisions: { ...kernel.riskCounts },
    protections: [...kernel.risk.history()],
    decisions: kernel.decisions,
    closes: commonCloses(spec.markets, spanStart),
  };
}

/** Closes at the times every market has a candle, from `from` on. */
export function commonCloses(markets: readonly MarketWindow[], from: number): Record<string, Float64Array> {
  const maps = markets.map((m) => {
    const map = new Map<number, number>();
    for (let i = 0; i < m.candles.length; i++) if (m.candles.time[i]! >= from) map.set(m.candles.time[i]!, m.candles.close[i]!);
    return map;
  });
  const shared = [...maps[0]!.keys()].filter((t) => maps.every((mp) => mp.has(t))).sort((a, b) => a - b);
  const out: Record<string, Float64Array> = {};
  markets.forEach((m, k) => {
    out[m.key.symbol] = Float64Array.from(shared, (t) => maps[k]!.get(t)!);
  });
  return out;
}
