// The backtest baselines an ML strategy is shown beside, on the same candles and net of the same fees:
// buy-and-hold (already in every run's metrics) and the same strategy with random signals at the same trade
// rate — entries with the model run's entry probability per flat candle, exits with its mean holding time —
// over several seeds. A model that does not beat random signals at its own trade rate has learned nothing.
import type { BacktestSpec, BacktestResult } from '../backtest/run.js';
import { runBacktest } from '../backtest/run.js';
import { computeMetrics } from '../backtest/metrics.js';
import { mulberry32 } from '../core/random.js';
import type { Strategy } from '../strategy/contract.js';

export interface RandomBaseline {
  seeds: number;
  entryProbability: number;
  meanHoldCandles: number;
  medianReturnPct: number;
  meanReturnPct: number;
  /** Share of random runs the strategy's return beat. */
  beatenShare: number;
}

export function randomSignalBaseline(spec: BacktestSpec, result: BacktestResult, strategyReturnPct: number, seeds = 20): RandomBaseline | null {
  const trades = result.trades.length;
  if (trades === 0) return null;
  const span = result.equityTimes.length;
  const tfMs = span > 1 ? result.equityTimes[1]! - result.equityTimes[0]! : 1;
  const held = result.trades.reduce((s, t) => s + Math.max(1, Math.round((t.exitTime - t.entryTime) / tfMs)), 0);
  const meanHold = held / trades;
  const flat = Math.max(1, span - held);
  const pEnter = Math.min(1, trades / flat);
  const pExit = Math.min(1, 1 / meanHold);
  const returns: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = mulberry32(seed);
    const random: Strategy = {
      ...spec.strategy,
      name: `${spec.strategy.name}-random`,
      compute: () => ({}),
      update: undefined,
      decide: (_i, _input, position) => {
        const x = rng();
        if (position === null) return x < pEnter ? { action: 'enter-long', reason: 'random signal' } : null;
        return x < pExit ? { action: 'exit', reason: 'random signal' } : null;
      },
    };
    const r = runBacktest({ ...spec, strategy: random });
    const c = spec.candles;
    const m = computeMetrics({
      trades: r.trades,
      equityTimes: r.equityTimes,
      equity: r.equity,
      initialBalance: spec.account.balance,
      timeframe: spec.key.timeframe,
      exposureCandles: r.exposureCandles,
      feesPaid: r.feesPaid,
      firstPrice: c.open[spec.tradeFrom]!,
      lastPrice: c.close[c.length - 1]!,
    });
    returns.push(m.totalReturnPct);
  }
  const sorted = [...returns].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    seeds,
    entryProbability: pEnter,
    meanHoldCandles: meanHold,
    medianReturnPct: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    meanReturnPct: returns.reduce((a, b) => a + b, 0) / returns.length,
    beatenShare: returns.filter((r) => strategyReturnPct > r).length / returns.length,
  };
}
