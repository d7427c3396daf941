// Backtest performance metrics: one pure function from a run's trades and equity curve to every number
// the reports, the JSON output and the run store show. Definitions (and their edge cases) are written
// out in README.md (Backtest metrics); keep the two in step.
//
// Conventions: percentages are in percent (12.5 = 12.5 %); money is in the account's quote currency;
// times are UTC ms; a value that is undefined or infinite for the run (a ratio over zero) is null, so it
// survives JSON unchanged and never shows up as NaN or Infinity.
import type { ClosedTrade } from '../core/trading.js';
import { DAY_MS, YEAR_MS, timeframeMs, type Timeframe } from '../core/time.js';

export interface MetricsInput {
  /** Closed trades of the run, in any order. */
  trades: readonly ClosedTrade[];
  /** Candle open times of the span, ascending. */
  equityTimes: Float64Array;
  /** Equity at each candle's close, aligned with equityTimes. */
  equity: Float64Array;
  initialBalance: number;
  timeframe: Timeframe;
  /** Candles of the span with at least one open position at the close. */
  exposureCandles: number;
  feesPaid: number;
  /** Open of the span's first candle and close of its last, for buy-and-hold. */
  firstPrice: number;
  lastPrice: number;
}

export interface Breakdown {
  trades: number;
  pnl: number;
  winRatePct: number;
}

export interface Metrics {
  initialBalance: number;
  finalEquity: number;
  totalReturnPct: number;
  cagrPct: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownPct: number;
  /** Equity time of the peak before the deepest trough, and of that trough; null without a drawdown. */
  maxDrawdownStart: number | null;
  maxDrawdownEnd: number | null;
  maxDrawdownDurationMs: number;
  trades: number;
  wins: number;
  losses: number;
  winRatePct: number | null;
  grossProfit: number;
  grossLoss: number;
  profitFactor: number | null;
  expectancy: number | null;
  avgWin: number | null;
  avgLoss: number | null;
  bestTrade: number | null;
  worstTrade: number | null;
  bestDay: number | null;
  worstDay: number | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  avgWinnerDurationMs: number | null;
  avgLoserDurationMs: number | null;
  exposurePct: number;
  feesPaid: number;
  buyHoldReturnPct: number | null;
  /** Calendar length of the span: last equity time − first equity time + one candle. */
  spanMs: number;
  perSymbol: Record<string, Breakdown>;
  perExitReason: Record<string, Breakdown>;
}

/** Keeps JSON honest: NaN and ±Infinity become null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function computeMetrics(input: MetricsInput): Metrics {
  const { equity, equityTimes, initialBalance } = input;
  const n = equity.length;
  if (equityTimes.length !== n) throw new Error(`equity (${n}) and equityTimes (${equityTimes.length}) differ in length`);
  const tf = timeframeMs(input.timeframe);
  const finalEquity = n > 0 ? equity[n - 1]! : initialBalance;
  const totalReturnPct = (finalEquity / initialBalance - 1) * 100;
  const spanMs = n > 0 ? equityTimes[n - 1]! - equityTimes[0]! + tf : 0;

  let cagrPct: number | null = null;
  if (spanMs > 0) {
    // A wiped-out (or negative, with shorts) account has lost everything: -100 %, not NaN from pow().
    cagrPct = finalEquity <= 0 ? -100 : finite((Math.pow(finalEquity / initialBalance, YEAR_MS / spanMs) - 1) * 100);
  }

  const ratios = returnRatios(equity, initialBalance, YEAR_MS / tf);
  const dd = maxDrawdown(equity, equityTimes, initialBalance);
  const calmar = cagrPct !== null && dd.pct > 0 ? finite(cagrPct / dd.pct) : null;
  const days = dailyExtremes(equity, equityTimes, initialBalance, tf);
  const t = tradeStats(input.trades);

  return {
    initialBalance,
    finalEquity,
    totalReturnPct,
    cagrPct,
    sharpe: ratios.sharpe,
    sortino: ratios.sortino,
    calmar,
    maxDrawdownPct: dd.pct,
    maxDrawdownStart: dd.start,
    maxDrawdownEnd: dd.end,
    maxDrawdownDurationMs: dd.start !== null && dd.end !== null ? dd.end - dd.start : 0,
    ...t,
    bestDay: days.best,
    worstDay: days.worst,
    exposurePct: n > 0 ? (input.exposureCandles / n) * 100 : 0,
    feesPaid: input.feesPaid,
    buyHoldReturnPct: input.firstPrice > 0 ? finite((input.lastPrice / input.firstPrice - 1) * 100) : null,
    spanMs,
  };
}

/**
 * Sharpe and Sortino from per-candle simple returns of [initialBalance, equity[0], …, equity[n-1]]
 * (n returns), risk-free 0, annualised by sqrt(periods per 365-day year).
 */
function returnRatios(equity: Float64Array, initial: number, periodsPerYear: number): { sharpe: number | null; sortino: number | null } {
  const n = equity.length;
  if (n === 0) return { sharpe: null, sortino: null };
  let prev = initial;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    sum += e / prev - 1;
    prev = e;
  }
  const mean = sum / n;
  let sq = 0;
  let down = 0;
  prev = initial;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    const r = e / prev - 1;
    prev = e;
    sq += (r - mean) * (r - mean);
    if (r < 0) down += r * r;
  }
  const annual = Math.sqrt(periodsPerYear);
  // Sample standard deviation (n − 1), as pandas and freqtrade use; undefined below two returns.
  const std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
  const downside = Math.sqrt(down / n);
  return {
    sharpe: std > 0 ? finite((mean / std) * annual) : null,
    sortino: downside > 0 ? finite((mean / downside) * annual) : null,
  };
}

interface Drawdown {
  pct: number;
  start: number | null;
  end: number | null;
}

/** Deepest fall from a running peak, in % of that peak; the starting balance is the first peak. */
export function maxDrawdown(equity: Float64Array, times: Float64Array, initial: number): Drawdown {
  const n = equity.length;
  let peak = initial;
  let peakTime = n > 0 ? times[0]! : 0;
  // Scalars, not an object per new depth: a falling year of 1m deepens the drawdown on thousands of candles.
  let bestPct = 0;
  let start = NaN;
  let end = NaN;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) {
      peak = e;
      peakTime = times[i]!;
      continue;
    }
    if (peak <= 0) continue;
    const pct = ((peak - e) / peak) * 100;
    if (pct > bestPct) {
      bestPct = pct;
      start = peakTime;
      end = times[i]!;
    }
  }
  return Number.isNaN(start) ? { pct: 0, start: null, end: null } : { pct: bestPct, start, end };
}

/**
 * Best and worst UTC-day return in %. A candle belongs to the UTC day in which it closes; a day's
 * equity is the equity at its last candle's close, compared with the previous day's (the starting
 * balance before the first day).
 */
function dailyExtremes(equity: Float64Array, times: Float64Array, initial: number, tf: number): { best: number | null; worst: number | null } {
  const n = equity.length;
  if (n === 0) return { best: null, worst: null };
  let best = -Infinity;
  let worst = Infinity;
  let prevDayEnd = initial;
  for (let i = 0; i < n; i++) {
    const day = Math.floor((times[i]! + tf - 1) / DAY_MS);
    const lastOfDay = i === n - 1 || Math.floor((times[i + 1]! + tf - 1) / DAY_MS) !== day;
    if (!lastOfDay) continue;
    const r = (equity[i]! / prevDayEnd - 1) * 100;
    if (r > best) best = r;
    if (r < worst) worst = r;
    prevDayEnd = equity[i]!;
  }
  return { best: finite(best), worst: finite(worst) };
}

type TradeStats = Pick<
  Metrics,
  | 'trades'
  | 'wins'
  | 'losses'
  | 'winRatePct'
  | 'grossProfit'
  | 'grossLoss'
  | 'profitFactor'
  | 'expectancy'
  | 'avgWin'
  | 'avgLoss'
  | 'bestTrade'
  | 'worstTrade'
  | 'maxConsecutiveWins'
  | 'maxConsecutiveLosses'
  | 'avgWinnerDurationMs'
  | 'avgLoserDurationMs'
  | 'perSymbol'
  | 'perExitReason'
>;

/** A win is pnl > 0, a loss pnl < 0; a trade at exactly 0 is neither and breaks both streaks. */
function tradeStats(trades: readonly ClosedTrade[]): TradeStats {
  // Streaks follow the order trades closed in (entry time breaks ties), whatever order they came in.
  const sorted = [...trades].sort((a, b) => a.exitTime - b.exitTime || a.entryTime - b.entryTime);
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let winDur = 0;
  let lossDur = 0;
  let total = 0;
  let bestTrade = -Infinity;
  let worstTrade = Infinity;
  let runW = 0;
  let runL = 0;
  let maxW = 0;
  let maxL = 0;
  for (const t of sorted) {
    total += t.pnl;
    if (t.pnlPct > bestTrade) bestTrade = t.pnlPct;
    if (t.pnlPct < worstTrade) worstTrade = t.pnlPct;
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
      winDur += t.exitTime - t.entryTime;
      runW++;
      runL = 0;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss += -t.pnl;
      lossDur += t.exitTime - t.entryTime;
      runL++;
      runW = 0;
    } else {
      runW = 0;
      runL = 0;
    }
    if (runW > maxW) maxW = runW;
    if (runL > maxL) maxL = runL;
  }
  const count = sorted.length;
  return {
    trades: count,
    wins,
    losses,
    winRatePct: count > 0 ? (wins / count) * 100 : null,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: count > 0 ? total / count : null,
    avgWin: wins > 0 ? grossProfit / wins : null,
    avgLoss: losses > 0 ? -grossLoss / losses : null,
    bestTrade: count > 0 ? bestTrade : null,
    worstTrade: count > 0 ? worstTrade : null,
    maxConsecutiveWins: maxW,
    maxConsecutiveLosses: maxL,
    avgWinnerDurationMs: wins > 0 ? winDur / wins : null,
    avgLoserDurationMs: losses > 0 ? lossDur / losses : null,
    perSymbol: breakdown(sorted, (t) => t.symbol),
    perExitReason: breakdown(sorted, (t) => t.exitReason),
  };
}

function breakdown(trades: readonly ClosedTrade[], key: (t: ClosedTrade) => string): Record<string, Breakdown> {
  const acc = new Map<string, { trades: number; pnl: number; wins: number }>();
  for (const t of trades) {
    const k = key(t);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { trades: 0, pnl: 0, wins: 0 }));
    a.trades++;
    a.pnl += t.pnl;
    if (t.pnl > 0) a.wins++;
  }
  const out: Record<string, Breakdown> = {};
  for (const k of [...acc.keys()].sort()) {
    const a = acc.get(k)!;
    out[k] = { trades: a.trades, pnl: a.pnl, winRatePct: (a.wins / a.trades) * 100 };
  }
  return out;
}
