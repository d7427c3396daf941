// Backtest throughput: the engine (kernel, risk layer, simulated broker, portfolio — the same code as paper
// trading) against a hand-written minimal loop over the same precomputed arrays, plus the end-to-end
// one-year 1m rsi-macd run (cache load, indicators, loop, metrics, store) the product promises under 1 s.
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CandleSeries, MarketKey } from '../src/core/candle.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { runBacktest } from '../src/backtest/run.js';
import { computeMetrics } from '../src/backtest/metrics.js';
import { getRun, saveRun } from '../src/backtest/runs.js';
import { writeRunsJson } from '../src/backtest/report.js';
import { parseConfig } from '../src/config/load.js';
import { ta } from '../src/strategy/indicators.js';
import { builtinStrategies, getStrategy } from '../src/strategy/registry.js';
import { resolveParams } from '../src/strategy/params.js';

const FEE = 0.001;
const account = { balance: 10_000, fee: FEE, slippage: 0, allowShort: false };
// No exchange minimum: fees at 100% stake grind a year of 1m trades down to dust, and the minimal loop
// keeps trading dust too; with the same rules both must make the same trades.
const risk = parseConfig({ risk: { limits: { minNotional: 0 } } }).risk;

/** Signal rule per candle over precomputed arrays: +1 enter, -1 exit, 0 nothing. */
type Rule = (i: number, long: boolean) => number;

/** The reference: all-in long at the next open on +1, out at the next open on -1, fee on both fills. */
function minimalLoop(s: CandleSeries, rule: Rule): { trades: number; equity: number } {
  let cash = account.balance;
  let qty = 0;
  let pending = 0;
  let trades = 0;
  const open = s.open;
  for (let i = 0; i < s.length; i++) {
    if (pending === 1) {
      qty = cash / (open[i]! * (1 + FEE));
      cash = 0;
    } else if (pending === -1) {
      cash = qty * open[i]! * (1 - FEE);
      qty = 0;
      trades++;
    }
    pending = rule(i, qty > 0);
    if ((pending === 1 && qty > 0) || (pending === -1 && qty === 0)) pending = 0;
  }
  // Like the engine: a position still open at the end closes at the last close.
  if (qty > 0) trades++;
  return { trades, equity: cash + qty * s.close[s.length - 1]! * (1 - FEE) };
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
}

export interface BacktestBench {
  candles: number;
  rows: Array<{ name: string; seconds: number; candlesPerSecond: number; trades: number; ratioToMinimal: number | null }>;
  endToEnd: { seconds: number; load: number; backtest: number; metrics: number; store: number; ratioToMinimal: number };
  /** The stored run's --json document, written as `tradetui backtest --json` writes it (here into a byte counter). */
  json: { seconds: number; cpuSeconds: number; bytes: number; pageFaults: number };
}

export function benchBacktest(series: CandleSeries): BacktestBench {
  const strategies = builtinStrategies();
  const key: MarketKey = { exchange: 'bench', symbol: 'BTC/USDT', timeframe: '1m' };
  const rows: BacktestBench['rows'] = [];
  const runEngine = (name: string) => {
    const strategy = getStrategy(name, strategies);
    return runBacktest({ strategy, params: resolveParams(strategy, {}), key, candles: series, tradeFrom: 0, account, stakePct: 100, risk });
  };

  // ma-cross (sma 10/30): the engine vs the minimal loop, indicators included in both.
  runEngine('ma-cross'); // warm the JIT once
  const [maEngine, maEngineS] = time(() => runEngine('ma-cross'));
  const [maMin, maMinS] = time(() => {
    const fast = ta.sma(series.close, 10);
    const slow = ta.sma(series.close, 30);
    return minimalLoop(series, (i, long) => {
      if (i < 1) return 0;
      if (!long && fast[i - 1]! < slow[i - 1]! && fast[i]! > slow[i]!) return 1;
      if (long && fast[i - 1]! > slow[i - 1]! && fast[i]! < slow[i]!) return -1;
      return 0;
    });
  });
  rows.push({ name: 'minimal loop, ma-cross rule', seconds: maMinS, candlesPerSecond: series.length / maMinS, trades: maMin.trades, ratioToMinimal: 1 });
  rows.push({ name: 'engine, ma-cross', seconds: maEngineS, candlesPerSecond: series.length / maEngineS, trades: maEngine.trades.length, ratioToMinimal: maEngineS / maMinS });

  // rsi-macd (defaults): same comparison.
  runEngine('rsi-macd');
  const [rmEngine, rmEngineS] = time(() => runEngine('rsi-macd'));
  const [rmMin, rmMinS] = time(() => {
    const rsi = ta.rsi(series.close, 14);
    const { histogram: h } = ta.macd(series.close, 12, 26, 9);
    return minimalLoop(series, (i, long) => {
      if (i < 1) return 0;
      if (long) return rsi[i]! >= 75 || (h[i - 1]! >= 0 && h[i]! < 0) ? -1 : 0;
      return h[i - 1]! <= 0 && h[i]! > 0 && rsi[i]! < 65 ? 1 : 0;
    });
  });
  rows.push({ name: 'minimal loop, rsi-macd rule', seconds: rmMinS, candlesPerSecond: series.length / rmMinS, trades: rmMin.trades, ratioToMinimal: 1 });
  rows.push({ name: 'engine, rsi-macd', seconds: rmEngineS, candlesPerSecond: series.length / rmEngineS, trades: rmEngine.trades.length, ratioToMinimal: rmEngineS / rmMinS });

  // End to end: cache load → backtest (indicators + loop) → metrics → store, on a fresh SQLite database.
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-'));
  try {
    const db = openDb(join(dir, 'tradetui.db'));
    const store = new SqliteCandleStore(db);
    store.write(key, series);
    const strategy = getStrategy('rsi-macd', strategies);
    const params = resolveParams(strategy, {});
    const t0 = performance.now();
    const candles = store.read(key);
    const t1 = performance.now();
    const result = runBacktest({ strategy, params, key, candles, tradeFrom: 0, account, stakePct: 100, risk });
    const t2 = performance.now();
    const metrics = computeMetrics({
      trades: result.trades,
      equityTimes: result.equityTimes,
      equity: result.equity,
      initialBalance: account.balance,
      timeframe: '1m',
      exposureCandles: result.exposureCandles,
      feesPaid: result.feesPaid,
      firstPrice: candles.open[0]!,
      lastPrice: candles.close[candles.length - 1]!,
    });
    const t3 = performance.now();
    const id = saveRun(db, {
      strategy: strategy.name,
      exchange: key.exchange,
      symbol: key.symbol,
      timeframe: key.timeframe,
      from: candles.time[0]!,
      to: candles.time[candles.length - 1]! + 60_000,
      params,
      settings: { initialBalance: account.balance, fee: FEE, slippage: 0, allowShort: false, stakePct: 100, risk: risk as unknown as Record<string, unknown>, warmupCandles: 0 },
      result,
      metrics,
    });
    const t4 = performance.now();
    const stored = getRun(db, id)!;
    const faults = process.resourceUsage().minorPageFault;
    const cpu = process.cpuUsage();
    const t5 = performance.now();
    let bytes = 0;
    writeRunsJson([stored], {}, (chunk) => (bytes += chunk.length), () => true);
    const { user, system } = process.cpuUsage(cpu);
    const json = { seconds: (performance.now() - t5) / 1000, cpuSeconds: (user + system) / 1e6, bytes, pageFaults: process.resourceUsage().minorPageFault - faults };
    db.close();
    const seconds = (t4 - t0) / 1000;
    return {
      candles: series.length,
      rows,
      endToEnd: { seconds, load: (t1 - t0) / 1000, backtest: (t2 - t1) / 1000, metrics: (t3 - t2) / 1000, store: (t4 - t3) / 1000, ratioToMinimal: seconds / rmMinS },
      json,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
