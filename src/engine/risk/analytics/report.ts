// The risk report of a run (`tradetui risk`): tail risk of per-candle and daily returns, a Monte Carlo of
// its trades, and the correlation of the traded symbols with a concentration warning. Pure: the CLI feeds
// it a stored run or a fresh backtest.
import { monteCarlo, tradeReturns, type MonteCarloResult } from './montecarlo.js';
import { correlation, dailyReturns, historicalTail, parametricTail, simpleReturns, type TailRisk } from './stats.js';

export interface RiskReportInput {
  equityTimes: ArrayLike<number>;
  equity: ArrayLike<number>;
  trades: ReadonlyArray<{ pnl: number; exitTime: number; symbol: string }>;
  startEquity: number;
  /** Close prices of each traded symbol on common candle times, for correlation (two or more symbols). */
  closes?: Record<string, ArrayLike<number>>;
}

export interface RiskReportOptions {
  paths: number;
  seed: number;
  guardPct: number | null;
  /** |ρ| at or above which two symbols are flagged as one concentrated bet. */
  correlationWarn: number;
  /** Monte Carlo paths done so far (long runs show progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface TailPair {
  p95: number | null;
  p99: number | null;
}

export interface RiskReport {
  /** Historical VaR/ES of per-candle returns (the headline figures, losses as positive fractions). */
  var: TailPair;
  es: TailPair;
  perCandle: { n: number; historical: { var: TailPair; es: TailPair }; parametric: { var: TailPair; es: TailPair } };
  daily: { n: number; historical: { var: TailPair; es: TailPair }; parametric: { var: TailPair; es: TailPair } };
  monteCarlo: MonteCarloResult;
  correlation: { symbols: string[]; matrix: Array<Array<number | null>> } | null;
  warnings: string[];
}

function pair(f: (conf: number) => TailRisk | null): { var: TailPair; es: TailPair } {
  const a = f(0.95);
  const b = f(0.99);
  return { var: { p95: a?.var ?? null, p99: b?.var ?? null }, es: { p95: a?.es ?? null, p99: b?.es ?? null } };
}

function tails(r: Float64Array) {
  return { n: r.length, historical: pair((c) => historicalTail(r, c)), parametric: pair((c) => parametricTail(r, c)) };
}

export function riskReport(input: RiskReportInput, o: RiskReportOptions): RiskReport {
  const perCandle = tails(simpleReturns(input.equity));
  const daily = tails(dailyReturns(input.equityTimes, input.equity));
  const mc = monteCarlo(tradeReturns(input.trades, input.startEquity), { paths: o.paths, seed: o.seed, startEquity: input.startEquity, guardPct: o.guardPct, onProgress: o.onProgress });
  const warnings: string[] = [];
  if (input.trades.length < 30) warnings.push(`only ${input.trades.length} trades: the Monte Carlo percentiles are rough`);
  if (daily.n < 100) warnings.push(`only ${daily.n} daily returns: daily VaR at 99% rests on ${Math.max(1, Math.ceil(daily.n * 0.01))} observation(s)`);
  if (o.guardPct !== null && mc.probDrawdownGuard !== null && mc.probDrawdownGuard >= 0.05) {
    warnings.push(`${(mc.probDrawdownGuard * 100).toFixed(1)}% of resampled paths reach the ${o.guardPct}% drawdown guard`);
  }

  let corr: RiskReport['correlation'] = null;
  const symbols = Object.keys(input.closes ?? {}).sort();
  if (symbols.length >= 2) {
    const rets = symbols.map((s) => simpleReturns(input.closes![s]!));
    const matrix = symbols.map((_, i) => symbols.map((__, j) => (i === j ? 1 : correlation(rets[i]!, rets[j]!))));
    corr = { symbols, matrix };
    for (let i = 0; i < symbols.length; i++) {
      for (let j = i + 1; j < symbols.length; j++) {
        const r = matrix[i]![j];
        if (r !== null && r !== undefined && Math.abs(r) >= o.correlationWarn) {
          warnings.push(`concentration: ${symbols[i]} and ${symbols[j]} returns correlate at ${r.toFixed(2)}; positions on both are largely one bet`);
        }
      }
    }
  }
  // Concentration of P&L: one symbol making (or losing) most of the result.
  if (symbols.length >= 2 || new Set(input.trades.map((t) => t.symbol)).size >= 2) {
    const bySym = new Map<string, number>();
    let gross = 0;
    for (const t of input.trades) {
      bySym.set(t.symbol, (bySym.get(t.symbol) ?? 0) + Math.abs(t.pnl));
      gross += Math.abs(t.pnl);
    }
    for (const [s, v] of bySym) if (gross > 0 && v / gross >= 0.75) warnings.push(`concentration: ${s} accounts for ${((v / gross) * 100).toFixed(0)}% of gross P&L`);
  }
  return { var: perCandle.historical.var, es: perCandle.historical.es, perCandle, daily, monteCarlo: mc, correlation: corr, warnings };
}
