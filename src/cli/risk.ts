// `tradetui risk [RUN_ID | backtest options]`: the risk report of a stored backtest (the latest by default)
// or of a fresh one over cached candles (one strategy, one or more symbols in one account): VaR and
// expected shortfall, a seeded Monte Carlo of the trades, correlation between the symbols.
import type { Argv, CommandModule } from 'yargs';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { lowerBound, seriesSlice } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate, parseTimeframe } from '../core/time.js';
import { applyRiskOverrides } from '../config/risk-overrides.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import { riskReport, type RiskReport, type TailPair } from '../engine/risk/analytics/report.js';
import { createContext, output, type GlobalArgs } from './context.js';

interface RiskArgs extends GlobalArgs {
  run?: string;
  strategy?: string;
  symbol?: string | string[];
  timeframe?: string;
  exchange?: string;
  from?: string;
  to?: string;
  balance?: number;
  stakePct?: number;
  param?: string | string[];
  risk?: string | string[];
  paths: number;
  seed: number;
  guardPct?: number;
  correlationWarn: number;
}

function listFlag(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function positive(v: unknown, name: string, integer: boolean): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) throw new UserError(`expected a positive ${integer ? 'whole ' : ''}number, got ${String(v)}`, name);
  return x;
}

interface Subject {
  label: string;
  equityTimes: Float64Array;
  equity: Float64Array;
  trades: Array<{ pnl: number; exitTime: number; symbol: string }>;
  startEquity: number;
  closes?: Record<string, Float64Array>;
  risk: RiskConfig | Record<string, unknown>;
  protections: unknown[];
  riskDecisions: unknown;
}

function guardFrom(risk: unknown): number | null {
  const pct = (risk as { protections?: { maxDrawdown?: { pct?: unknown } | null } })?.protections?.maxDrawdown?.pct;
  return typeof pct === 'number' ? pct : null;
}

async function handler(args: RiskArgs): Promise<void> {
  const backtestMode = args.strategy !== undefined || args.symbol !== undefined;
  if (backtestMode && args.run !== undefined) throw new UserError('give either a RUN_ID or backtest options (--strategy …), not both', 'RUN_ID');
  const paths = positive(args.paths, '--paths', true);
  if (paths > 1_000_000) throw new UserError('at most 1,000,000 paths', '--paths');
  const seed = Number(args.seed);
  if (!Number.isInteger(seed)) throw new UserError(`expected a whole number, got ${String(args.seed)}`, '--seed');
  const corrWarn = Number(args.correlationWarn);
  if (!(corrWarn > 0 && corrWarn <= 1)) throw new UserError(`expected a correlation in (0, 1], got ${String(args.correlationWarn)}`, '--correlation-warn');
  const guardFlag = args.guardPct === undefined ? undefined : positive(args.guardPct, '--guard-pct', false);
  if (guardFlag !== undefined && guardFlag > 100) throw new UserError('a drawdown is at most 100%', '--guard-pct');

  const ctx = createContext(args);
  // Progress on stderr for a person watching a terminal; nothing for --json or a pipe.
  const progress = await riskProgress(process.stderr, !ctx.json && Boolean(process.stderr.isTTY));
  try {
    const subject = backtestMode ? await freshRun(args, ctx, progress) : await storedRun(args, ctx);
    // The guard the run had, else the configured one, else 20% (documented), so the probability is always shown.
    const guardPct = guardFlag ?? guardFrom(subject.risk) ?? guardFrom(ctx.config.risk) ?? 20;
    const report = riskReport(subject, { paths, seed, guardPct, correlationWarn: corrWarn, onProgress: (done, total) => progress?.step('Monte Carlo', done, total, 'paths') });
    progress?.stop();
    output(ctx, { run: subject.label, ...report, protections: subject.protections, riskDecisions: subject.riskDecisions }, () => human(subject.label, report));
  } finally {
    progress?.stop();
    ctx.close();
  }
}

export interface RiskProgress {
  /** Shows `phase` at done/total `unit`; a new phase restarts the bar. */
  step(phase: string, done: number, total: number, unit: string): void;
  stop(): void;
}

/**
 * cli-progress on `stream` (as `optimize` shows trials): the phase, its count and the time spent. Null when
 * not `enabled`. The backtest phase has no count of its own (it runs in one go): it shows what it covers.
 */
export async function riskProgress(stream: NodeJS.WritableStream, enabled: boolean): Promise<RiskProgress | null> {
  if (!enabled) return null;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {phase} {bar} {value}/{total} {unit} | {duration_formatted}', hideCursor: true, clearOnComplete: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  let stopped = false;
  return {
    step(name, done, total, unit) {
      if (stopped) return;
      if (name !== phase) {
        if (phase !== null) bar.stop();
        bar.start(Math.max(1, total), done, { phase: name, unit });
        phase = name;
      } else bar.update(done);
    },
    stop() {
      if (phase !== null && !stopped) bar.stop();
      stopped = true;
    },
  };
}

async function storedRun(args: RiskArgs, ctx: ReturnType<typeof createContext>): Promise<Subject> {
  const { getRun, latestRun } = await import('../backtest/runs.js');
  let run;
  if (args.run !== undefined) {
    const s = String(args.run).trim().replace(/^#/, '');
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new UserError(`"${args.run}" is not a run id (a positive number from "tradetui backtest list")`, 'RUN_ID');
    run = getRun(ctx.db(), Number(s));
    if (!run) throw new UserError(`no stored run #${s}; "tradetui backtest list" shows the stored runs`, 'RUN_ID');
  } else {
    run = latestRun(ctx.db());
    if (!run) throw new UserError('no stored backtests yet; give backtest options (--strategy ma-cross --symbol BTC/USDT --timeframe 1h) or run "tradetui backtest" first', 'RUN_ID');
  }
  return {
    label: `run #${run.id}: ${run.strategy} on ${run.symbol} ${run.timeframe}, ${iso(run.from)} → ${iso(run.to)}`,
    equityTimes: run.equityTimes,
    equity: run.equity,
    trades: run.trades,
    startEquity: run.settings.initialBalance,
    risk: run.settings.risk,
    protections: run.protections,
    riskDecisions: run.riskDecisions,
  };
}

async function freshRun(args: RiskArgs, ctx: ReturnType<typeof createContext>, progress: RiskProgress | null): Promise<Subject> {
  if (!args.strategy) throw new UserError('give a strategy, e.g. --strategy ma-cross', '--strategy');
  const symbolsIn = listFlag(args.symbol);
  if (symbolsIn.length === 0) throw new UserError('give one or more symbols, e.g. --symbol BTC/USDT,ETH/USDT', '--symbol');
  if (args.timeframe === undefined) throw new UserError('give a timeframe, e.g. --timeframe 1h', '--timeframe');
  const timeframe = parseTimeframe(args.timeframe, '--timeframe');
  const from = args.from !== undefined ? parseDate(args.from, '--from') : undefined;
  const to = args.to !== undefined ? parseDate(args.to, '--to') : undefined;
  if (from !== undefined && to !== undefined && from >= to) throw new UserError(`--from (${iso(from)}) must be before --to (${iso(to)})`, '--from');
  const risk = applyRiskOverrides(ctx.config.risk, (args.risk === undefined ? [] : Array.isArray(args.risk) ? args.risk : [args.risk]).map(String));
  const acct = ctx.config.account;
  const balance = args.balance === undefined ? acct.balance : positive(args.balance, '--balance', false);
  const stakePct = args.stakePct === undefined ? undefined : positive(args.stakePct, '--stake-pct', false);
  if (stakePct !== undefined && stakePct > 100) throw new UserError('stake is a percent of equity above 0 and at most 100', '--stake-pct');

  const { loadStrategies, getStrategy, resolveStrategiesDir } = await import('../strategy/registry.js');
  const { parseParamFlags, resolveParams } = await import('../strategy/params.js');
  const { SqliteCandleStore } = await import('../adapters/store/sqlite/candle-cache.js');
  const { ensureSeeded } = await import('../data/seed.js');
  const { runPortfolioBacktest } = await import('../backtest/portfolio.js');
  const dir = ctx.config.strategiesDir;
  const strategy = getStrategy(args.strategy, await loadStrategies({ strategiesDir: dir ? resolveStrategiesDir(dir, ctx.source) : null }), '--strategy');
  const params = resolveParams(strategy, parseParamFlags(args.param, '--param'), '--param');
  const warmup = Math.max(0, Math.ceil(strategy.warmup(params)));
  const store = new SqliteCandleStore(ctx.db());
  await ensureSeeded(store);
  const exchange = (args.exchange ?? ctx.config.exchange.name).trim().toLowerCase();
  const cached = [...new Set(store.list().filter((m) => m.exchange === exchange).map((m) => m.symbol))];
  const markets = symbolsIn.map((input, n) => {
    progress?.step('reading candles', n, symbolsIn.length, 'markets');
    const bare = input.toUpperCase().replace(/[/_-]/g, '');
    const symbol = cached.find((s) => s.replace('/', '') === bare);
    if (!symbol) throw new UserError(`no cached candles for "${input}" on ${exchange}${cached.length ? ` (cached: ${cached.sort().join(', ')})` : ''}`, '--symbol');
    const key: MarketKey = { exchange, symbol, timeframe };
    const all = store.read(key, undefined, to === undefined ? undefined : to - 1);
    if (all.length === 0) throw new UserError(`no cached ${timeframe} candles for ${exchange} ${symbol}`, '--symbol');
    const start = from === undefined ? Math.min(warmup, all.length) : lowerBound(all, from);
    if (start >= all.length) throw new UserError(`no ${symbol} candles in the span; cached ${iso(all.time[0]!)} to ${iso(all.time[all.length - 1]!)}`, from === undefined ? '--to' : '--from');
    const begin = Math.max(0, start - warmup);
    const candles: CandleSeries = seriesSlice(all, begin, all.length);
    return { key, candles, tradeFrom: start - begin };
  });
  const candles = markets.reduce((sum, m) => sum + m.candles.length, 0);
  progress?.step(`backtest of ${candles.toLocaleString('en-US')} candles`, 0, markets.length, 'markets');
  const r = runPortfolioBacktest({ strategy, params, markets, account: { balance, fee: acct.fee, slippage: acct.slippage, allowShort: acct.allowShort }, stakePct, risk });
  return {
    label: `${strategy.name} on ${markets.map((m) => m.key.symbol).join(', ')} ${timeframe} (fresh backtest)`,
    equityTimes: r.equityTimes,
    equity: r.equity,
    trades: r.trades,
    startEquity: balance,
    closes: r.closes,
    risk,
    protections: r.protections,
    riskDecisions: r.riskDecisions,
  };
}

const pct = (x: number | null, d = 2): string => (x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(d)}%`);

function human(label: string, r: RiskReport): string {
  const row = (name: string, v: TailPair, e: TailPair) => `  ${name.padEnd(34)}${pct(v.p95).padStart(9)}${pct(v.p99).padStart(9)}${pct(e.p95).padStart(9)}${pct(e.p99).padStart(9)}`;
  const mc = r.monteCarlo;
  const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const lines = [
    `Risk of ${label}`,
    '',
    `  losses as % of equity              VaR 95   VaR 99    ES 95    ES 99`,
    row(`per candle, historical (${r.perCandle.n})`, r.perCandle.historical.var, r.perCandle.historical.es),
    row('per candle, parametric', r.perCandle.parametric.var, r.perCandle.parametric.es),
    row(`daily, historical (${r.daily.n})`, r.daily.historical.var, r.daily.historical.es),
    row('daily, parametric', r.daily.parametric.var, r.daily.parametric.es),
    '',
    `Monte Carlo: ${mc.paths} paths of ${mc.trades} resampled trades (seed ${mc.seed})`,
    `  final equity     p5 ${money(mc.finalEquity.p5)}   p50 ${money(mc.finalEquity.p50)}   p95 ${money(mc.finalEquity.p95)}`,
    `  max drawdown     p50 ${mc.maxDrawdownPct.p50.toFixed(1)}%   p95 ${mc.maxDrawdownPct.p95.toFixed(1)}%   p99 ${mc.maxDrawdownPct.p99.toFixed(1)}%`,
    `  P(drawdown ≥ ${mc.guardPct}% guard)  ${mc.probDrawdownGuard === null ? '—' : pct(mc.probDrawdownGuard, 1)}`,
  ];
  if (r.correlation) {
    const s = r.correlation.symbols;
    lines.push('', 'Correlation of candle returns');
    lines.push(`  ${''.padEnd(12)}${s.map((x) => x.padStart(11)).join('')}`);
    s.forEach((a, i) => lines.push(`  ${a.padEnd(12)}${r.correlation!.matrix[i]!.map((v) => (v === null ? '—' : v.toFixed(2)).padStart(11)).join('')}`));
  }
  if (r.warnings.length > 0) lines.push('', ...r.warnings.map((w) => `! ${w}`));
  return lines.join('\n');
}

export const riskCommand: CommandModule<GlobalArgs, RiskArgs> = {
  command: 'risk [run]',
  describe: 'risk report of a backtest: VaR/ES, Monte Carlo of its trades, correlation between symbols',
  builder: (y) =>
    y
      .positional('run', { type: 'string', describe: 'stored run id (default: the latest), or give backtest options instead' })
      .option('strategy', { type: 'string', describe: 'run a fresh backtest of this strategy' })
      .option('symbol', { type: 'string', array: true, describe: 'symbols traded in one account (comma-separated or repeated)' })
      .option('timeframe', { type: 'string' })
      .option('exchange', { type: 'string', describe: 'cached exchange (default: config exchange.name)' })
      .option('from', { type: 'string', describe: 'span start (ISO date)' })
      .option('to', { type: 'string', describe: 'span end, exclusive (ISO date)' })
      .option('balance', { type: 'number' })
      .option('stake-pct', { type: 'number', describe: 'P% of equity per entry (lifts the max position clip to P)' })
      .option('param', { type: 'string', array: true, describe: 'strategy parameter key=value' })
      .option('risk', { type: 'string', array: true, describe: 'risk setting key=value for this run, e.g. sizing.mode=atr' })
      .option('paths', { type: 'number', default: 1000, describe: 'Monte Carlo paths' })
      .option('seed', { type: 'number', default: 1, describe: 'Monte Carlo seed (same seed, same result)' })
      .option('guard-pct', { type: 'number', describe: 'drawdown guard for the probability (default: the run\'s protections.maxDrawdown.pct, else 20)' })
      .option('correlation-warn', { type: 'number', default: 0.8, describe: 'warn when two symbols correlate at least this much' })
      .example('$0 risk', 'the latest stored backtest')
      .example('$0 risk 12 --json', 'run #12 as JSON')
      .example('$0 risk --strategy ma-cross --symbol BTC/USDT,ETH/USDT --timeframe 1h --from 2024-01-01', 'a fresh two-symbol run') as unknown as Argv<RiskArgs>,
  handler,
};
