// A multi-symbol backtest as ONE account (the default of `tradetui backtest --symbol A,B`): the markets share
// cash, exposure limits, max open positions and protections, as paper trading does. It runs the portfolio
// kernel (portfolio.ts), measures the whole account, and stores it as one run whose trades keep their own
// symbols, with a per-symbol breakdown (trades, P&L, fees, buy-and-hold of each market) and an account of
// every accepted entry: it filled, or it ended with a reason (or was still waiting when the data ended).
import type { Db } from '../adapters/store/sqlite/db.js';
import type { Order } from '../core/trading.js';
import { timeframeMs } from '../core/time.js';
import { EventBus } from '../engine/bus.js';
import { accountSettingsOf } from './runs.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { runPortfolioBacktest, type PortfolioResult, type PortfolioSpec } from './portfolio.js';
import { saveRun, type LookaheadSummary, type MarketSettings, type UnfilledEntry } from './runs.js';

export interface PortfolioRun {
  result: PortfolioResult;
  metrics: Metrics;
  markets: MarketSettings[];
  /** Entry orders that did not fill, each with its reason. */
  unfilledEntries: UnfilledEntry[];
  /** Entry orders the risk layer let through (accepted or resized). */
  entryOrders: number;
}

/**
 * Runs the shared account and measures it over the span (the earliest market's first traded candle to the
 * latest candle). Buy & hold is the equal-weighted average of each market's own buy & hold over its span.
 */
export function measurePortfolio(spec: PortfolioSpec): PortfolioRun {
  const bus = spec.bus ?? new EventBus();
  const entries = new Map<string, Order>();
  const stopListening = bus.on('order', (e) => {
    if (e.order.purpose === 'entry') entries.set(e.order.id, e.order);
  });
  let result: PortfolioResult;
  try {
    result = runPortfolioBacktest({ ...spec, bus });
  } finally {
    stopListening();
  }
  const unfilledEntries: UnfilledEntry[] = [];
  for (const o of entries.values()) {
    if (o.status === 'filled') continue;
    const terminal = o.status === 'rejected' || o.status === 'cancelled' || o.status === 'expired';
    unfilledEntries.push({
      time: o.updatedAt,
      symbol: o.symbol,
      status: o.status,
      reason: terminal ? (o.statusReason ?? `${o.status} without a reason from the broker`) : 'still waiting for the next candle when the data ended',
    });
  }
  const markets: MarketSettings[] = spec.markets.map((m) => {
    const c = m.candles;
    const first = c.length > m.tradeFrom ? c.open[m.tradeFrom]! : NaN;
    const last = c.length > 0 ? c.close[c.length - 1]! : NaN;
    return {
      symbol: m.key.symbol,
      warmupCandles: m.tradeFrom,
      from: c.length > m.tradeFrom ? c.time[m.tradeFrom]! : null,
      firstPrice: first,
      lastPrice: last,
      buyHoldReturnPct: first > 0 ? (last / first - 1) * 100 : null,
    };
  });
  const holds = markets.filter((m) => m.buyHoldReturnPct !== null);
  const meanGrowth = holds.length > 0 ? holds.reduce((a, m) => a + m.lastPrice / m.firstPrice, 0) / holds.length : NaN;
  const metrics = computeMetrics({
    trades: result.trades,
    equityTimes: result.equityTimes,
    equity: result.equity,
    initialBalance: spec.account.balance,
    timeframe: spec.markets[0]!.key.timeframe,
    exposureCandles: result.exposureCandles,
    feesPaid: result.feesPaid,
    // Equal-weight buy & hold of the markets, as one price path from 1 to the mean growth.
    firstPrice: holds.length > 0 ? 1 : 0,
    lastPrice: meanGrowth,
  });
  return { result, metrics, markets, unfilledEntries, entryOrders: entries.size };
}

/** Runs the shared account, measures it and stores it as one run ("BTC/USDT,ETH/USDT"); returns the run id. */
export function portfolioBacktestAndStore(db: Db, spec: PortfolioSpec, opts: { lookahead?: LookaheadSummary | null } = {}): { id: number } & PortfolioRun {
  const run = measurePortfolio(spec);
  const tf = spec.markets[0]!.key.timeframe;
  const times = run.result.equityTimes;
  const from = times.length > 0 ? times[0]! : Math.min(...spec.markets.map((m) => m.candles.time[m.tradeFrom] ?? Infinity));
  const to = (times.length > 0 ? times[times.length - 1]! : from) + timeframeMs(tf);
  const { account } = spec;
  const id = saveRun(db, {
    strategy: spec.strategy.name,
    exchange: spec.markets[0]!.key.exchange,
    symbol: spec.markets.map((m) => m.key.symbol).join(','),
    timeframe: tf,
    from,
    to,
    params: spec.params,
    settings: {
      ...accountSettingsOf(account, spec.stakePct, spec.risk),
      warmupCandles: Math.max(...spec.markets.map((m) => m.tradeFrom)),
      markets: run.markets,
      unfilledEntries: run.unfilledEntries,
      entryOrders: run.entryOrders,
    },
    result: run.result,
    metrics: run.metrics,
    lookahead: opts.lookahead ?? null,
  });
  return { id, ...run };
}
