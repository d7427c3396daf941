// `tradetui backtest`: runs strategies over cached candles (every strategy × symbol), stores each run,
// prints a summary (one run) or a comparison (several) with charts, or one JSON document with --json.
// `backtest show [RUN_ID]` prints a stored run again; `backtest list` lists stored runs.
import { applyRiskOverrides } from '../config/risk-overrides.js';
import type { Argv, CommandModule } from 'yargs';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { lowerBound, seriesSlice } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { SLIPPAGE_MODELS, type SlippageModel } from '../core/slippage.js';
import { iso, parseDate, parseTimeframe, timeframeMs, type Timeframe } from '../core/time.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { ensureSeeded } from '../data/seed.js';
import { prepareStrategy, type Params, type Strategy } from '../strategy/contract.js';
import { prepareEnv } from '../ml/env.js';
import { inSampleWarning } from '../ml/strategy.js';
import { parseParamFlags, resolveParams, type ParamOverrides } from '../strategy/params.js';
import { getStrategy } from '../strategy/registry.js';
import { freshLoader, loadStrategies, resolveStrategiesDir } from '../adapters/strategy-files.js';
import { combineLookahead, getRun, latestRun, listRuns, type LookaheadSummary, type StoredRun } from '../backtest/runs.js';
import { comparisonReport, lookaheadText, printRunsJson, runListTable, runReport, runSummaryJson } from '../backtest/report.js';
import { writeTradesCsv } from '../backtest/trades-csv.js';
import { writeHtmlReport } from '../report/html.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';

interface RunArgs extends GlobalArgs {
  strategy?: string | string[];
  symbol?: string | string[];
  timeframe?: string;
  exchange?: string;
  from?: string;
  to?: string;
  balance?: number;
  fee?: number;
  slippage?: number;
  slippageModel?: string;
  impactK?: number;
  stakePct?: number;
  risk?: string | string[];
  param?: string | string[];
  trades?: boolean;
  tradesCsv?: string;
  html?: string;
  lookaheadCheck?: boolean;
  charts?: boolean;
  walkForward?: string;
  separate?: boolean;
}

interface ShowArgs extends GlobalArgs {
  id?: string;
  trades?: boolean;
  tradesCsv?: string;
  html?: string;
  charts?: boolean;
}

interface ListArgs extends GlobalArgs {
  limit: number;
}

/** "a,b" and repeated flags alike → ["a", "b"]; empty entries dropped. */
export function listFlag(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function numberFlag(v: unknown, name: string, ok: (x: number) => boolean, expect: string): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(x) || !ok(x)) throw new UserError(`${expect}, got ${String(v)}`, name);
  return x;
}

function columns(): number {
  return process.stdout.columns || 100;
}

// ---------------------------------------------------------------------------------------------------
// Candles

/** The user's symbol as cached: "btcusdt" and "BTC/USDT" both find BTC/USDT. */
export function resolveSymbol(input: string, cached: readonly string[]): string {
  const up = input.trim().toUpperCase();
  if (cached.includes(up)) return up;
  const bare = up.replace(/[/_-]/g, '');
  const match = cached.find((s) => s.replace('/', '') === bare);
  if (match) return match;
  if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(up)) {
    throw new UserError(
      `unknown symbol "${input}"; use BASE/QUOTE like BTC/USDT${cached.length > 0 ? ` (cached: ${cached.join(', ')})` : ''}`,
      '--symbol',
    );
  }
  return up;
}

export function noCandles(key: MarketKey, store: SqliteCandleStore): UserError {
  const markets = store.list();
  const same = markets.filter((m) => m.exchange === key.exchange && m.symbol === key.symbol).map((m) => m.timeframe);
  const known = markets.some((m) => m.symbol === key.symbol);
  const have = same.length > 0 ? ` (cached timeframes for ${key.symbol}: ${same.join(', ')})` : '';
  const lead = known || same.length > 0 ? `no cached ${key.timeframe} candles for ${key.exchange} ${key.symbol}${have}` : `unknown symbol ${key.symbol}: no cached candles on ${key.exchange}`;
  const list = markets.length > 0 ? `; cached markets: ${[...new Set(markets.map((m) => `${m.exchange} ${m.symbol} ${m.timeframe}`))].join(', ')}` : '';
  return new UserError(
    `${lead}${list}. Import a CSV with "tradetui data import FILE --exchange ${key.exchange} --symbol ${key.symbol} --timeframe ${key.timeframe}" ` +
      `or download with "tradetui data download --exchange ${key.exchange} --symbol ${key.symbol} --timeframe ${key.timeframe} --from DATE"`,
    '--symbol',
  );
}

interface Window {
  candles: CandleSeries;
  tradeFrom: number;
  warmupAvailable: number;
}

/**
 * Candles for one run: `warmup` candles before the span (fewer if the cache starts later) plus the span
 * [from, to). Without --from the span starts right after the first `warmup` cached candles.
 */
function loadWindow(store: SqliteCandleStore, key: MarketKey, warmup: number, from: number | undefined, to: number | undefined): Window {
  const first = store.first(key);
  if (first === null) throw noCandles(key, store);
  const last = store.last(key)!;
  const toIncl = to === undefined ? undefined : to - 1;
  const range = `cached ${key.symbol} ${key.timeframe} candles run from ${iso(first)} to ${iso(last)}`;
  let all: CandleSeries;
  if (from === undefined) {
    all = store.read(key, undefined, toIncl);
    const tradeFrom = Math.min(warmup, all.length);
    if (tradeFrom >= all.length) {
      throw new UserError(`not enough candles: the strategy needs ${warmup} warm-up candles and the span is empty; ${range}`, to === undefined ? '--strategy' : '--to');
    }
    return { candles: all, tradeFrom, warmupAvailable: tradeFrom };
  }
  // Read a little more than the warm-up before --from (gaps), and everything if that was not enough.
  const tf = timeframeMs(key.timeframe);
  all = store.read(key, from - (2 * warmup + 10) * tf, toIncl);
  let start = lowerBound(all, from);
  if (start < warmup && all.length > 0 && all.time[0]! > first) {
    all = store.read(key, undefined, toIncl);
    start = lowerBound(all, from);
  }
  if (start >= all.length) throw new UserError(`no candles from ${iso(from)}${to !== undefined ? ` to ${iso(to)}` : ''}; ${range}`, '--from');
  const begin = Math.max(0, start - warmup);
  return { candles: seriesSlice(all, begin, all.length), tradeFrom: start - begin, warmupAvailable: start - begin };
}

// ---------------------------------------------------------------------------------------------------
// backtest (run)

async function runCommand(args: RunArgs): Promise<void> {
  const strategyNames = listFlag(args.strategy);
  const symbolInputs = listFlag(args.symbol);
  if (strategyNames.length === 0) throw new UserError('give at least one strategy, e.g. --strategy ma-cross', '--strategy');
  if (symbolInputs.length === 0) throw new UserError('give at least one symbol, e.g. --symbol BTC/USDT', '--symbol');
  if (args.timeframe === undefined) throw new UserError('give a timeframe, e.g. --timeframe 1h', '--timeframe');
  const timeframe: Timeframe = parseTimeframe(args.timeframe, '--timeframe');
  const from = args.from !== undefined ? parseDate(args.from, '--from') : undefined;
  const to = args.to !== undefined ? parseDate(args.to, '--to') : undefined;
  if (from !== undefined && to !== undefined && from >= to) throw new UserError(`--from (${iso(from)}) must be before --to (${iso(to)})`, '--from');
  const overrides = parseParamFlags(args.param, '--param');

  const ctx = createContext(args);
  try {
    const acct = ctx.config.account;
    const balance = numberFlag(args.balance ?? acct.balance, '--balance', (x) => x > 0, 'balance must be a positive number');
    const fee = numberFlag(args.fee ?? acct.fee, '--fee', (x) => x >= 0 && x <= 0.1, 'fee is a rate between 0 and 0.1 (0.001 = 0.1%)');
    const slippage = numberFlag(args.slippage ?? acct.slippage, '--slippage', (x) => x >= 0 && x <= 0.1, 'slippage is a rate between 0 and 0.1');
    const stakePct = args.stakePct === undefined ? undefined : numberFlag(args.stakePct, '--stake-pct', (x) => x > 0 && x <= 100, 'stake is a percent of equity above 0 and at most 100');
    const exchange = (args.exchange ?? ctx.config.exchange.name).trim().toLowerCase();
    const risk = applyRiskOverrides(ctx.config.risk, (args.risk === undefined ? [] : Array.isArray(args.risk) ? args.risk : [args.risk]).map(String));

    const dir = ctx.config.strategiesDir;
    const available = await loadStrategies({ strategiesDir: dir ? resolveStrategiesDir(dir, ctx.source) : null });
    const strategies = strategyNames.map((name) => getStrategy(name, available, '--strategy'));
    const paramsByStrategy = strategies.map((s) => resolveParams(s, overridesFor(s, strategies, overrides), '--param') as Params);

    const db = ctx.db();
    const store = new SqliteCandleStore(db);
    // First use imports the shipped candles (a few seconds); say so, on stderr so --json stays clean.
    await ensureSeeded(store, { onFile: (f) => process.stderr.write(`tradetui: importing shipped candles ${f.name}\n`) });
    // markets() reads the primary key only; list() would walk every chunk's row (the gap summary sits past the blob).
    const cachedSymbols = [...new Set(store.markets().filter((m) => m.exchange === exchange).map((m) => m.symbol))].sort();
    const symbols = symbolInputs.map((s) => resolveSymbol(s, cachedSymbols));
    // Check every market before running anything, so a typo in the last symbol costs nothing.
    for (const symbol of symbols) {
      const key = { exchange, symbol, timeframe };
      if (store.first(key) === null) throw noCandles(key, store);
    }

    // The engine is loaded by the command that runs it, so `show`, `list` and other commands start faster.
    const { backtestAndStore } = await import('../backtest/record.js');
    // Loaded only when asked for: the check is a separate module most runs never need.
    const lookahead = args.lookaheadCheck ? await import('../strategy/lookahead.js') : null;
    const runs: StoredRun[] = [];
    const mlBaselines: { run: number; strategy: string; symbol: string; totalReturnPct: number; buyHoldReturnPct: number | null; randomSignals: import('../ml/baselines.js').RandomBaseline | null }[] = [];
    let lookaheadFailures = 0;
    // Strategies with a preparation step (ML models) load it once here; notes go to stderr.
    const env = prepareEnv(db, ctx.dataDir, timeframe, (m) => !ctx.json && process.stderr.write(`tradetui: ${m}\n`));
    const prepared = await Promise.all(strategies.map((s, k) => prepareStrategy(s, paramsByStrategy[k]!, env)));
    // Walk-forward (ML strategies): a model retrained before each test block on past candles only.
    const wf = args.walkForward === undefined ? null : await import('../ml/walk-forward.js');
    const wfSpec = wf ? wf.parseWalkForward(String(args.walkForward)) : null;
    if (wfSpec) {
      const plain = strategies.filter((s) => !s.prepare || !s.params.some((p) => p.name === 'model'));
      if (plain.length > 0) throw new UserError(`--walk-forward retrains a model: ${plain.map((s) => s.name).join(', ')} has none (use ml-classifier or ml-forecast)`, '--walk-forward');
    }
    // Several symbols are one account (shared cash, limits, positions, protections) unless --separate.
    const shared = symbols.length > 1 && !args.separate;
    if (shared && wfSpec) throw new UserError('--walk-forward retrains a model for each market: add --separate to run each symbol as its own account', '--walk-forward');
    const slippageModel = (args.slippageModel ?? acct.slippageModel) as SlippageModel;
    if (!SLIPPAGE_MODELS.includes(slippageModel)) throw new UserError(`unknown slippage model "${slippageModel}"; use ${SLIPPAGE_MODELS.join(' or ')}`, '--slippage-model');
    const impactK = numberFlag(args.impactK ?? acct.impactK, '--impact-k', (x) => x >= 0 && x <= 100, 'impact coefficient k is a number from 0 to 100');
    const account = { balance, fee, slippage, slippageModel, impactK, maxSlippage: acct.maxSlippage, allowShort: acct.allowShort };
    for (let si = 0; si < strategies.length; si++) {
      let strategy = prepared[si]!;
      const params = paramsByStrategy[si]!;
      const warmup = wfSpec ? wf!.walkForwardWarmup(wfSpec, timeframe, Math.ceil(strategy.warmup(params))) : Math.max(0, Math.ceil(strategy.warmup(params)));
      if (shared) {
        const markets = symbols.map((symbol) => ({ key: { exchange, symbol, timeframe }, ...loadWindow(store, { exchange, symbol, timeframe }, warmup, from, to) }));
        for (const m of markets) if (m.warmupAvailable < warmup && !ctx.json) process.stderr.write(`tradetui: warning: only ${m.warmupAvailable} of ${strategy.name}'s ${warmup} warm-up candles are cached for ${m.key.symbol}\n`);
        const checks = lookahead ? await Promise.all(markets.map((m) => lookahead.lookaheadCheck(strategy, params, m.candles, { load: freshLoader(strategy) }))) : null;
        const check = checks ? combineLookahead(checks) : null;
        if (check && check.differences.length > 0) lookaheadFailures++;
        const { portfolioBacktestAndStore } = await import('../backtest/portfolio-record.js');
        runs.push(getRun(db, portfolioBacktestAndStore(db, { strategy, params, markets, account, stakePct, risk }, { lookahead: check }).id)!);
        continue;
      }
      for (const symbol of symbols) {
        const key: MarketKey = { exchange, symbol, timeframe };
        const w = loadWindow(store, key, warmup, from, to);
        if (wfSpec) {
          strategy = await wf!.prepareWalkForward(strategies[si] as Strategy<Params & { model: string }>, params as Params & { model: string }, env, wfSpec, w.candles, w.tradeFrom, (p) => {
            if (!ctx.json) process.stderr.write(`tradetui: walk-forward block ${p.block}/${p.blocks} (${iso(p.from).slice(0, 10)} → ${iso(p.to).slice(0, 10)}) trained in ${p.seconds.toFixed(1)} s\n`);
          });
        }
        if (w.warmupAvailable < warmup && !ctx.json) {
          process.stderr.write(`tradetui: warning: only ${w.warmupAvailable} of ${strategy.name}'s ${warmup} warm-up candles are cached before ${iso(w.candles.time[w.tradeFrom]!)} for ${symbol}\n`);
        }
        const inSample = wfSpec ? null : inSampleWarning(params, w.candles.time[w.tradeFrom]!, w.candles.time[w.candles.length - 1]!);
        if (inSample) process.stderr.write(`${process.stderr.isTTY && !process.env.NO_COLOR ? `\x1b[1mtradetui: ${inSample}\x1b[22m` : `tradetui: ${inSample}`}\n`);
        let check: LookaheadSummary | null = null;
        if (lookahead) {
          const result = await lookahead.lookaheadCheck(strategy, params, w.candles, { load: freshLoader(strategy) });
          check = { ...result, checkedCuts: result.checkedCuts.length };
          if (result.differences.length > 0) lookaheadFailures++;
        }
        const spec = { strategy, params, key, candles: w.candles, tradeFrom: w.tradeFrom, account, stakePct, risk };
        const { id, run, result, metrics } = backtestAndStore(db, spec, { lookahead: check });
        runs.push(run);
        // ML strategies are shown beside buy-and-hold and random signals at their own trade rate.
        if (strategy.params.some((p) => p.name === 'model') && strategies[si]!.prepare) {
          const { randomSignalBaseline } = await import('../ml/baselines.js');
          const rb = randomSignalBaseline(spec, result, metrics.totalReturnPct);
          mlBaselines.push({ run: id, strategy: strategy.name, symbol, totalReturnPct: metrics.totalReturnPct, buyHoldReturnPct: metrics.buyHoldReturnPct, randomSignals: rb });
        }
      }
    }

    if (args.tradesCsv) writeTradesCsv(args.tradesCsv, runs.map((r) => ({ runId: r.id, trades: r.trades })));
    if (args.html) writeHtml(args.html, runs, store);
    await outputRuns(ctx, runs, mlBaselines.length > 0 ? { mlBaselines } : {}, () => {
      const opts = { trades: args.trades, charts: args.charts, columns: columns() };
      const text = runs.length === 1 ? runReport(runs[0]!, opts) : comparisonReport(runs, opts);
      const base = mlBaselines.map((b) => {
        const r = b.randomSignals;
        const rnd = r
          ? `random signals at the same trade rate (${r.seeds} seeds) median ${r.medianReturnPct.toFixed(2)}%, mean ${r.meanReturnPct.toFixed(2)}% — the model beat ${Math.round(r.beatenShare * 100)}% of them`
          : 'random signals: no trades to match';
        return `\nBaselines for #${b.run} ${b.strategy} ${b.symbol}, net of fees: strategy ${b.totalReturnPct.toFixed(2)}%, buy-and-hold ${b.buyHoldReturnPct === null ? '—' : `${b.buyHoldReturnPct.toFixed(2)}%`}, ${rnd}`;
      });
      const all = base.length > 0 ? `${text}\n${base.join('\n')}` : text;
      return `${all}${written(args)}`;
    });
    if (lookaheadFailures > 0) {
      const failed = runs.filter((r) => r.lookahead && r.lookahead.differences.length > 0);
      if (ctx.json) process.stderr.write(`${lookaheadText(failed)}\n`);
      process.stderr.write(`tradetui: lookahead check failed: ${failed.map((r) => `${r.strategy} on ${r.symbol}`).join(', ')} decide differently on cut data (the strategy reads future candles)\n`);
      process.exitCode = 1;
    }
  } finally {
    ctx.close();
  }
}

/** Prints runs: `{ runs: [...], ...extra }` with --json (streamed: equity curves can be 100 MB), else the text. */
async function outputRuns(ctx: CliContext, runs: readonly StoredRun[], extra: Record<string, unknown>, human: () => string): Promise<void> {
  if (!ctx.json) return output(ctx, null, human);
  await printRunsJson(process.stdout, runs, extra);
}

/**
 * The --param overrides that apply to one strategy: each key goes to every selected strategy that declares
 * it; a key no selected strategy declares is an error (resolveParams names the valid ones).
 */
function overridesFor(s: Strategy, all: readonly Strategy[], overrides: ParamOverrides): ParamOverrides {
  if (all.length === 1) return overrides;
  const out: ParamOverrides = {};
  for (const [k, v] of Object.entries(overrides)) {
    if (s.params.some((p) => p.name === k)) out[k] = v;
    else if (!all.some((o) => o.params.some((p) => p.name === k))) {
      throw new UserError(`unknown parameter "${k}": none of ${all.map((o) => o.name).join(', ')} has it`, '--param');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// backtest show / list

function parseRunId(raw: string): number {
  const s = raw.trim().replace(/^#/, '');
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UserError(`"${raw}" is not a run id (a positive number from "tradetui backtest list")`, 'RUN_ID');
  return Number(s);
}

async function showCommand(args: ShowArgs): Promise<void> {
  const id = args.id !== undefined ? parseRunId(String(args.id)) : undefined;
  const ctx = createContext(args);
  try {
    const db = ctx.db();
    const run = id !== undefined ? getRun(db, id) : latestRun(db);
    if (!run) {
      throw id !== undefined
        ? new UserError(`no stored run #${id}; "tradetui backtest list" shows the stored runs`, 'RUN_ID')
        : new UserError('no stored backtests yet; run one with "tradetui backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h"', 'backtest show');
    }
    if (args.tradesCsv) writeTradesCsv(args.tradesCsv, [{ runId: run.id, trades: run.trades }]);
    if (args.html) writeHtml(args.html, [run], new SqliteCandleStore(db));
    await outputRuns(ctx, [run], {}, () => `${runReport(run, { trades: args.trades, charts: args.charts, columns: columns() })}${written(args)}`);
  } finally {
    ctx.close();
  }
}

/** The HTML report of stored runs, with each run's candles read back from the cache over its span. */
function writeHtml(file: string, runs: readonly StoredRun[], store: SqliteCandleStore): void {
  const withCandles = runs.map((run) => ({
    run,
    // a shared-account run names its markets "A,B"
    prices: run.symbol.split(',').map((symbol) => {
      const candles = store.read({ exchange: run.exchange, symbol, timeframe: run.timeframe }, run.from, run.to - 1);
      return { symbol, candles: candles.length > 0 ? candles : null };
    }),
  }));
  writeHtmlReport(file, withCandles, Date.now());
}

/** The human report's last lines: the files written beside it. */
function written(args: { tradesCsv?: string; html?: string }): string {
  return `${args.tradesCsv ? `\n\nTrades written to ${args.tradesCsv}` : ''}${args.html ? `${args.tradesCsv ? '\n' : '\n\n'}HTML report written to ${args.html}` : ''}`;
}

async function listCommand(args: ListArgs): Promise<void> {
  const limit = numberFlag(args.limit, '--limit', (x) => Number.isInteger(x) && x > 0, 'limit is a positive whole number');
  const ctx: CliContext = createContext(args);
  try {
    const runs = listRuns(ctx.db(), limit);
    output(ctx, { runs: runs.map(runSummaryJson) }, () => runListTable(runs));
  } finally {
    ctx.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// yargs wiring

function reportOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('trades', { type: 'boolean', describe: 'also list every trade' })
    .option('trades-csv', { type: 'string', describe: 'write the trades to this CSV file', requiresArg: true })
    .option('html', { type: 'string', describe: 'write a self-contained HTML report (price chart with trades, equity, drawdown, metrics) to this file', requiresArg: true })
    .option('charts', { type: 'boolean', default: true, describe: 'draw the equity and drawdown charts (--no-charts to skip)' }) as Argv<T>;
}

const showModule: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show [id]',
  describe: 'print a stored backtest again (the latest when no id is given)',
  builder: (y) =>
    reportOptions(y.positional('id', { type: 'string', describe: 'run id from "tradetui backtest list"' }))
      .example('$0 backtest show', 'the latest run')
      .example('$0 backtest show 12 --trades', 'run #12 with its trades')
      .example('$0 backtest show 12 --json', 'run #12 as JSON')
      .example('$0 backtest show 12 --html run12.html', 'run #12 as an HTML report to open in a browser')
      .example('$0 backtest show 12 --trades-csv run12.csv', 'run #12\'s trades as CSV') as Argv<ShowArgs>,
  handler: showCommand,
};

const listModule: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'list stored backtests, newest first',
  builder: (y) =>
    y
      .option('limit', { type: 'number', default: 20, describe: 'how many runs to list' })
      .example('$0 backtest list', 'the 20 newest runs')
      .example('$0 backtest list --limit 100 --json', 'as JSON') as Argv<ListArgs>,
  handler: listCommand,
};

// Printed as copyable comment + command blocks (see cli/help-format.ts), whole at any terminal width.
const RUN_EXAMPLES: Array<[string, string]> = [
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h --from 2024-01-01', 'one run: summary, equity and drawdown charts'],
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT,ETH/USDT --timeframe 1h', 'one account over two markets (shared cash and limits), with a per-symbol breakdown'],
  ['$0 backtest --strategy ma-cross,rsi-macd --symbol BTC/USDT,ETH/USDT --timeframe 1h --separate', 'four runs (2 strategies x 2 symbols, each symbol its own account) compared in one table'],
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1d --param fast=5 --param slow=20 --trades --trades-csv trades.csv', 'custom parameters; list every trade and write them to a CSV file'],
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h --html report.html', 'an HTML report to open in a browser: price chart with the trades, equity, drawdown, metrics'],
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h --json', 'one JSON document on stdout'],
  ['$0 backtest --strategy ma-cross --symbol BTC/USDT --timeframe 1h --lookahead-check', 'prove the strategy never reads future candles (exit code 1 if it does)'],
];
const RUN_EPILOGUE = `Stored runs: tradetui backtest list; tradetui backtest show [RUN_ID].
Every metric is defined in the README (Backtest metrics).`;

const runModule: CommandModule<GlobalArgs, RunArgs> = {
  command: '$0',
  describe: false,
  builder: (y) =>
    reportOptions(
      y
        .option('strategy', { type: 'string', describe: 'strategy name(s), comma-separated or repeated', requiresArg: true })
        .option('symbol', { type: 'string', describe: 'symbol(s) like BTC/USDT, comma-separated or repeated', requiresArg: true })
        .option('timeframe', { type: 'string', describe: 'candle timeframe: 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w', requiresArg: true })
        .option('exchange', { type: 'string', describe: 'exchange of the cached candles (default: config exchange.name)', requiresArg: true })
        .option('from', { type: 'string', describe: 'span start, inclusive: ISO date or epoch ms (default: cache start + warm-up)', requiresArg: true })
        .option('to', { type: 'string', describe: 'span end, exclusive (default: last cached candle)', requiresArg: true })
        .option('balance', { type: 'number', describe: 'starting balance (default: config account.balance)', requiresArg: true })
        .option('fee', { type: 'number', describe: 'fee rate per fill, 0.001 = 0.1% (default: config account.fee)', requiresArg: true })
        .option('slippage', { type: 'number', describe: 'adverse slippage rate per fill (default: config account.slippage)', requiresArg: true })
        .option('slippage-model', { type: 'string', describe: 'fixed (the rate above) or sqrt-impact (+ k × σ × √(qty ÷ candle volume)); default: config account.slippageModel', requiresArg: true })
        .option('impact-k', { type: 'number', describe: 'sqrt-impact coefficient k (default: config account.impactK)', requiresArg: true })
        .option('stake-pct', { type: 'number', describe: 'percent of equity per entry, fees included (100 = all-in); default: the risk config sizing', requiresArg: true })
        .option('risk', { type: 'string', describe: 'override a risk setting for this run, key=value (repeat): sizing.mode=atr, protections.maxDrawdown.pct=15', requiresArg: true })
        .option('param', { type: 'string', describe: 'strategy parameter key=value (repeat, or comma-separate)', requiresArg: true })
        .option('lookahead-check', { type: 'boolean', describe: 'report decisions that change on cut data (exit 1 if any)' })
        .option('separate', { type: 'boolean', describe: 'several symbols: one account per symbol (default: one shared account over all of them)' })
        .option('walk-forward', { type: 'string', describe: 'ML strategies: retrain before each test block on past candles only, e.g. train=180d,test=30d[,epochs=5]' }),
    )
      .example(RUN_EXAMPLES)
      .epilogue(RUN_EPILOGUE) as Argv<RunArgs>,
  handler: runCommand,
};

export const backtestCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'backtest',
  describe: 'run strategies over cached candles, compare them, and show stored runs',
  builder: (y) => y.command(showModule).command(listModule).command(runModule),
  handler: () => undefined,
};
