// `tradetui optimize`: searches a strategy's parameters on the worker pool, records every trial, and prints
// the best trials with the overfitting report (PBO, DSR, neighbours, doubled costs, one verdict line) and a
// heatmap. `optimize list | show RUN [--top N] | export RUN --csv FILE | apply RUN [--rank K]` read the record.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { parseDocument, stringify } from 'yaml';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyRiskOverrides } from '../config/risk-overrides.js';
import { defaultConfigFile } from '../config/paths.js';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import { lowerBound } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { iso, parseDate, parseTimeframe, type Timeframe } from '../core/time.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { ensureSeeded } from '../data/seed.js';
import type { Params, Strategy } from '../strategy/contract.js';
import { getStrategy } from '../strategy/registry.js';
import { loadStrategies, resolveStrategiesDir } from '../adapters/strategy-files.js';
import { detectCapabilities } from '../tui/theme/theme.js';
import { createContext, output, type CliContext, type GlobalArgs } from './context.js';
import { listFlag, noCandles, numberFlag, resolveSymbol } from './backtest.js';
import { SAMPLERS, type SamplerName } from '../optimize/samplers.js';
import { OBJECTIVES, type ObjectiveName } from '../optimize/trial.js';
import { enumerateGrid, fullParams, gridValues, parseSpace, type SearchSpace } from '../optimize/space.js';
import { OptimizeStore, type OptimizeRun } from '../optimize/store.js';
import type { OverfitReport, Progress } from '../optimize/optimize.js';
import { heatmap } from '../optimize/heatmap.js';
import { overfitText, paramsText, ranked, runHeader, runListTable, topTable, trialsCsv, walkForwardText } from '../optimize/report.js';
import type { WalkForwardReport } from '../optimize/walk-forward.js';
import { createRequire } from 'node:module';
import { downsample } from '../backtest/report.js';

interface RunArgs extends GlobalArgs {
  strategy?: string;
  symbol?: string;
  timeframe?: string;
  exchange?: string;
  from?: string;
  to?: string;
  space?: string | string[];
  sampler: string;
  trials?: number;
  objective: string;
  minTrades: number;
  jobs?: number;
  seed: number;
  balance?: number;
  fee?: number;
  slippage?: number;
  stakePct?: number;
  risk?: string | string[];
  resume?: number;
  pboBlocks: number;
  top: number;
  heatmap?: string;
  ascii?: boolean;
  progress: boolean;
  walkForward?: string;
}

function columns(): number {
  return process.stdout.columns || 100;
}

function parseRunId(raw: unknown): number {
  const s = String(raw).trim().replace(/^#/, '');
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UserError(`"${String(raw)}" is not an optimisation run id (a positive number from "tradetui optimize list")`, 'RUN');
  return Number(s);
}

function getRunOr(store: OptimizeStore, id: number | undefined): OptimizeRun {
  const run = id === undefined ? store.latestRun() : store.getRun(id);
  if (!run) {
    throw id === undefined
      ? new UserError('no optimisation runs yet; start one with "tradetui optimize --strategy ma-cross --symbol BTC/USDT --timeframe 1h"', 'optimize')
      : new UserError(`no optimisation run #${id}; "tradetui optimize list" shows them`, 'RUN');
  }
  return run;
}

function useUnicode(args: { ascii?: boolean }, ctx: CliContext): boolean {
  const caps = detectCapabilities(process.env, { ascii: Boolean(args.ascii) || ctx.config.tui.ascii });
  // NO_COLOR asks for plain output: plain shades too, as the rest of the CLI does.
  return caps.unicode && caps.color;
}

/** The two parameters a heatmap shows: --heatmap a,b, or the first two searched numeric parameters. */
function heatmapAxes(flag: string | undefined, run: OptimizeRun, trials: ReturnType<OptimizeStore['trials']>): [string, string] | null {
  const names = trials[0] ? Object.keys(trials[0].params) : [];
  if (flag !== undefined) {
    const axes = flag.split(',').map((s) => s.trim());
    if (axes.length !== 2 || axes.some((a) => !names.includes(a))) throw new UserError(`give two parameters as x,y from: ${names.join(', ')}`, '--heatmap');
    return [axes[0]!, axes[1]!];
  }
  const varied = names.filter((n) => new Set(trials.map((t) => JSON.stringify(t.params[n]))).size > 1);
  const numeric = varied.filter((n) => trials.every((t) => typeof t.params[n] === 'number'));
  const pick = numeric.length >= 2 ? numeric : varied;
  void run;
  return pick.length >= 2 ? [pick[0]!, pick[1]!] : null;
}

// asciichart ships no type declarations; this is the part of its API used here.
const asciichart = createRequire(import.meta.url)('asciichart') as { plot(series: number[], opts?: { height?: number; format?: (x: number) => string }): string };

function equityPlot(values: number[], width: number): string {
  return asciichart.plot(downsample(values, width), { height: 10, format: (x) => x.toFixed(0).padStart(10) });
}

function runText(store: OptimizeStore, run: OptimizeRun, opts: { top: number; heatmap?: string; unicode: boolean }): string {
  if (run.kind === 'walk-forward') {
    const r = run.report as WalkForwardReport | null;
    return [runHeader(run), '', r ? walkForwardText(r, { columns: columns(), chart: equityPlot }) : `run ${run.status}: a walk-forward run cannot be resumed; start it again`].join('\n');
  }
  const trials = store.trials(run.id);
  const search = trials.filter((t) => t.role === 'search');
  const parts = [runHeader(run), '', topTable(search, opts.top)];
  const report = run.report as OverfitReport | null;
  const axes = search.length > 1 ? heatmapAxes(opts.heatmap, run, search) : null;
  if (axes) parts.push('', heatmap(search, axes[0], axes[1], { unicode: opts.unicode, winner: report?.winner?.params ?? ranked(search)[0]?.params, maxColumns: Math.max(20, columns() - 12) }));
  if (report) parts.push('', overfitText(report));
  else if (run.status !== 'done') parts.push('', `run ${run.status}: resume it with "tradetui optimize --resume ${run.id}"`);
  return parts.join('\n');
}

function runJson(store: OptimizeStore, run: OptimizeRun, top: number): unknown {
  const search = ranked(store.trials(run.id, ['search']));
  return { run: { ...run, report: undefined }, top: search.slice(0, top).map((t, k) => ({ rank: k + 1, ...t })), report: run.report };
}

// ---------------------------------------------------------------------------------------------------
// optimize (run)

/** Largest warm-up over a space: over the grid when it is small enough, else over the corners of each range. */
function maxWarmup(strategy: Strategy, space: SearchSpace): number {
  let points: Params[] = [];
  const size = space.dims.reduce((n, d) => n * (gridValues(d)?.length ?? Infinity), 1);
  if (size <= 50_000) points = enumerateGrid(strategy, space);
  if (points.length === 0) {
    const lists = space.dims.map((d) => (d.kind === 'choice' ? [...d.values] : [d.min, d.max]));
    points = [{}];
    lists.forEach((l, k) => (points = points.flatMap((p) => l.map((v) => ({ ...p, [space.dims[k]!.name]: v })))));
    points = points.map((p) => fullParams(strategy, space, p));
  }
  let max = 0;
  for (const p of points) max = Math.max(max, Math.ceil(strategy.warmup(p as never)));
  return max;
}

async function runCommand(args: RunArgs): Promise<void> {
  const ctx = createContext(args);
  try {
    const db = ctx.db();
    const ostore = new OptimizeStore(db);
    const resumed = args.resume !== undefined ? getRunOr(ostore, parseRunId(args.resume)) : null;
    if (resumed && resumed.status === 'done') throw new UserError(`run #${resumed.id} is complete; nothing to resume`, '--resume');

    // A resumed run takes its setup from the record; flags that would change it are refused.
    const strategyName = resumed?.strategy ?? args.strategy;
    if (!strategyName) throw new UserError('give a strategy, e.g. --strategy ma-cross', '--strategy');
    if (!resumed && args.symbol === undefined) throw new UserError('give a symbol, e.g. --symbol BTC/USDT', '--symbol');
    if (!resumed && args.timeframe === undefined) throw new UserError('give a timeframe, e.g. --timeframe 1h', '--timeframe');
    const sampler = (resumed?.sampler ?? args.sampler) as SamplerName;
    if (!SAMPLERS.includes(sampler)) throw new UserError(`sampler must be one of ${SAMPLERS.join(', ')}, got "${args.sampler}"`, '--sampler');
    const objective = (resumed?.objective ?? args.objective) as ObjectiveName;
    if (!OBJECTIVES.includes(objective)) throw new UserError(`objective must be one of ${OBJECTIVES.join(', ')}, got "${args.objective}"`, '--objective');
    const minTrades = resumed?.minTrades ?? numberFlag(args.minTrades, '--min-trades', (x) => Number.isInteger(x) && x >= 0, 'min trades is a whole number >= 0');
    const seed = resumed?.seed ?? numberFlag(args.seed, '--seed', (x) => Number.isInteger(x), 'seed is a whole number');
    const jobs = numberFlag(args.jobs ?? 2, '--jobs', (x) => Number.isInteger(x) && x >= 1 && x <= 64, 'jobs is a whole number from 1 to 64');
    const pboBlocks = numberFlag((resumed?.settings.pboBlocks as number | undefined) ?? args.pboBlocks, '--pbo-blocks', (x) => Number.isInteger(x) && x >= 2 && x <= 24 && x % 2 === 0, 'PBO blocks S is an even whole number from 2 to 24');
    const top = numberFlag(args.top, '--top', (x) => Number.isInteger(x) && x > 0, 'top is a positive whole number');
    const trialsFlag = resumed ? ((resumed.settings.trials as number | null) ?? undefined) : args.trials;
    if (trialsFlag !== undefined) numberFlag(trialsFlag, '--trials', (x) => Number.isInteger(x) && x > 0, 'trials is a positive whole number');
    if (!resumed && sampler !== 'grid' && trialsFlag === undefined) process.stderr.write(`tradetui: --trials not given; running 100 ${sampler} trials\n`);

    const dir = ctx.config.strategiesDir;
    const strategiesDir = dir ? resolveStrategiesDir(dir, ctx.source) : null;
    const strategy = getStrategy(strategyName, await loadStrategies({ strategiesDir }), '--strategy');
    const spaceFlags = resumed?.space ?? listSpace(args.space);
    const space = parseSpace(strategy, spaceFlags);

    const acct = ctx.config.account;
    const saved = resumed?.settings as { account?: { balance: number; fee: number; slippage: number; allowShort: boolean }; stakePct?: number | null; risk?: unknown } | undefined;
    const account = saved?.account ?? {
      balance: numberFlag(args.balance ?? acct.balance, '--balance', (x) => x > 0, 'balance must be a positive number'),
      fee: numberFlag(args.fee ?? acct.fee, '--fee', (x) => x >= 0 && x <= 0.1, 'fee is a rate between 0 and 0.1 (0.001 = 0.1%)'),
      slippage: numberFlag(args.slippage ?? acct.slippage, '--slippage', (x) => x >= 0 && x <= 0.1, 'slippage is a rate between 0 and 0.1'),
      allowShort: acct.allowShort,
    };
    const stakePct = saved ? (saved.stakePct ?? undefined) : args.stakePct === undefined ? undefined : numberFlag(args.stakePct, '--stake-pct', (x) => x > 0 && x <= 100, 'stake is a percent of equity above 0 and at most 100');
    const risk = (saved?.risk as typeof ctx.config.risk | undefined) ?? applyRiskOverrides(ctx.config.risk, listFlag(args.risk));

    const cstore = new SqliteCandleStore(db);
    await ensureSeeded(cstore, { onFile: (file) => process.stderr.write(`tradetui: importing shipped candles ${file.name}\n`) });
    let key: MarketKey;
    let from: number | undefined;
    let to: number | undefined;
    if (resumed) {
      key = { exchange: resumed.exchange, symbol: resumed.symbol, timeframe: resumed.timeframe };
      from = resumed.spanFrom;
      to = resumed.spanTo;
    } else {
      const timeframe: Timeframe = parseTimeframe(args.timeframe!, '--timeframe');
      const exchange = (args.exchange ?? ctx.config.exchange.name).trim().toLowerCase();
      const cached = [...new Set(cstore.list().filter((m) => m.exchange === exchange).map((m) => m.symbol))].sort();
      key = { exchange, symbol: resolveSymbol(args.symbol!, cached), timeframe };
      from = args.from !== undefined ? parseDate(args.from, '--from') : undefined;
      to = args.to !== undefined ? parseDate(args.to, '--to') : undefined;
      if (from !== undefined && to !== undefined && from >= to) throw new UserError(`--from (${iso(from)}) must be before --to (${iso(to)})`, '--from');
    }
    if (cstore.first(key) === null) throw noCandles(key, cstore);
    // Every cached candle up to the end: each trial takes its own warm-up before the span, as `tradetui backtest --from` does.
    const candles: CandleSeries = cstore.read(key, undefined, to === undefined ? undefined : to - 1);
    const warmup = maxWarmup(strategy, space);
    const spanFrom = from !== undefined ? lowerBound(candles, from) : Math.min(warmup, candles.length);
    if (spanFrom >= candles.length) throw new UserError(`no candles to optimise on: cached ${key.symbol} ${key.timeframe} candles run from ${iso(candles.time[0]!)} to ${iso(candles.time[candles.length - 1]!)}`, from !== undefined ? '--from' : '--strategy');
    if (resumed && candles.time[spanFrom] !== resumed.spanFrom) throw new UserError(`the cached candles no longer start run #${resumed.id}'s span at ${iso(resumed.spanFrom)}`, '--resume');

    const plan = args.walkForward !== undefined ? (await import('../optimize/walk-forward.js')).parseWalkForward(args.walkForward) : null;
    if (plan && resumed) throw new UserError('a walk-forward run cannot be resumed; start it again', '--resume');
    const { optimize } = await import('../optimize/optimize.js');
    let stopRequested = false;
    const onSigint = (): void => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      process.stderr.write('\ntradetui: stopping after the trials in flight (Ctrl-C again to quit now)\n');
    };
    process.on('SIGINT', onSigint);
    const bar = !ctx.json && args.progress && process.stderr.isTTY ? await progressBar() : null;
    try {
      const optimizeSpec = {
          strategy,
          strategiesDir,
          key,
          candles,
          span: { from: spanFrom, to: candles.length },
          account,
          risk,
          stakePct,
          space,
          spaceFlags,
          sampler,
          trials: trialsFlag,
          objective,
          minTrades,
          seed,
          jobs,
          pboBlocks,
      };
      const progress = { onProgress: (p: Progress) => bar?.update(p), stop: () => stopRequested };
      const handle = plan
        ? await (await import('../optimize/walk-forward.js')).walkForward(db, optimizeSpec, plan, progress)
        : await optimize(db, optimizeSpec, { resumeRunId: resumed?.id, ...progress });
      bar?.stop();
      const run = ostore.getRun(handle.runId)!;
      output(ctx, runJson(ostore, run, top), () => runText(ostore, run, { top, heatmap: args.heatmap, unicode: useUnicode(args, ctx) }));
      if (handle.status === 'interrupted') {
        const next = plan ? 'a walk-forward run starts again from its first window' : `resume with "tradetui optimize --resume ${run.id}"`;
        process.stderr.write(`tradetui: run #${run.id} interrupted after ${run.trials} of ${run.trialsPlanned} trials (kept); ${next}\n`);
        process.exitCode = 130;
      }
    } finally {
      bar?.stop();
      process.off('SIGINT', onSigint);
    }
  } finally {
    ctx.close();
  }
}

function listSpace(v: string | string[] | undefined): string[] {
  // Not listFlag: a space value itself holds commas (type=sma,ema).
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String).filter((s) => s.trim() !== '');
}

/** cli-progress on stderr: trials, trials/s, ETA and the best so far. */
async function progressBar(): Promise<{ update(p: Progress): void; stop(): void }> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {value}/{total} trials | {rate} trials/s | ETA {eta_formatted} | best {best}', hideCursor: true, clearOnComplete: false, etaBuffer: 200 },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let started = false;
  let stopped = false;
  let startDone = 0;
  return {
    update(p) {
      const secs = (Date.now() - t0) / 1000;
      const payload = {
        rate: secs > 0 ? ((p.done - startDone) / secs).toFixed(1) : '—',
        best: p.phase === 'report' ? 'computing the overfitting report…' : p.best ? `${p.best.score.toFixed(3)} (${paramsText(p.best.params)})` : '—',
      };
      if (!started) {
        startDone = p.done;
        bar.start(Math.max(1, p.planned), p.done, payload);
        started = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// list / show / export / apply

interface ShowArgs extends GlobalArgs {
  run?: string;
  top: number;
  heatmap?: string;
  ascii?: boolean;
}

async function showCommand(args: ShowArgs): Promise<void> {
  const top = numberFlag(args.top, '--top', (x) => Number.isInteger(x) && x > 0, 'top is a positive whole number');
  const ctx = createContext(args);
  try {
    const store = new OptimizeStore(ctx.db());
    const run = getRunOr(store, args.run === undefined ? undefined : parseRunId(args.run));
    output(ctx, runJson(store, run, top), () => runText(store, run, { top, heatmap: args.heatmap, unicode: useUnicode(args, ctx) }));
  } finally {
    ctx.close();
  }
}

async function listCommand(args: GlobalArgs & { limit: number }): Promise<void> {
  const limit = numberFlag(args.limit, '--limit', (x) => Number.isInteger(x) && x > 0, 'limit is a positive whole number');
  const ctx = createContext(args);
  try {
    const runs = new OptimizeStore(ctx.db()).listRuns(limit);
    output(ctx, { runs: runs.map((r) => ({ ...r, report: undefined, verdict: (r.report as { verdict?: unknown } | null)?.verdict ?? null })) }, () => runListTable(runs));
  } finally {
    ctx.close();
  }
}

async function exportCommand(args: GlobalArgs & { run: string; csv?: string }): Promise<void> {
  if (!args.csv) throw new UserError('give the file to write, e.g. --csv trials.csv', '--csv');
  const ctx = createContext(args);
  try {
    const store = new OptimizeStore(ctx.db());
    const run = getRunOr(store, parseRunId(args.run));
    const trials = store.trials(run.id);
    try {
      writeFileSync(args.csv, trialsCsv(trials));
    } catch (err) {
      throw new UserError(`cannot write: ${(err as Error).message}`, args.csv);
    }
    output(ctx, { run: run.id, file: args.csv, trials: trials.length }, () => `${trials.length} trials of run #${run.id} written to ${args.csv}`);
  } finally {
    ctx.close();
  }
}

interface ApplyArgs extends GlobalArgs {
  run: string;
  rank: number;
  add?: boolean;
  yes?: boolean;
}

async function applyCommand(args: ApplyArgs): Promise<void> {
  const rank = numberFlag(args.rank, '--rank', (x) => Number.isInteger(x) && x > 0, 'rank is a positive whole number');
  const ctx = createContext(args);
  try {
    const store = new OptimizeStore(ctx.db());
    const run = getRunOr(store, parseRunId(args.run));
    const list = ranked(store.trials(run.id, ['search']));
    const pick = list[rank - 1];
    if (!pick) throw new UserError(`run #${run.id} has ${list.length} trials; rank ${rank} does not exist`, '--rank');
    if (pick.score === null) throw new UserError(`rank ${rank} of run #${run.id} did not reach the objective (too few trades); pick a lower rank`, '--rank');
    const instance = { strategy: run.strategy, symbol: run.symbol, timeframe: run.timeframe, params: pick.params, autostart: false };
    const yamlText = stringify({ paper: { instances: [instance] } });
    if (!args.add) {
      output(ctx, { run: run.id, rank, instance }, () => `# rank ${rank} of optimisation #${run.id} (score ${pick.score!.toFixed(3)}); add it to config.yaml under paper.instances,\n# or run "tradetui optimize apply ${run.id} --rank ${rank} --add"\n${yamlText}`);
      return;
    }
    const file = ctx.source !== 'defaults' ? ctx.source : defaultConfigFile();
    if (!args.yes) {
      if (!process.stdin.isTTY) throw new UserError('adding to the paper account needs a confirmation: run in a terminal, or pass --yes', '--add');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = (await rl.question(`Add ${run.strategy} ${run.symbol} ${run.timeframe} (${paramsText(pick.params)}) as a paper instance to ${file}? Type "yes": `)).trim().toLowerCase();
      rl.close();
      if (answer !== 'yes') {
        process.stderr.write('tradetui: nothing changed\n');
        return;
      }
    }
    addInstance(file, instance);
    output(ctx, { run: run.id, rank, instance, file }, () => `Added to ${file} (paper.instances, autostart off): start it from the TUI.`);
  } finally {
    ctx.close();
  }
}

/** Appends an instance to the config file's paper.instances, keeping the file's comments and layout. */
function addInstance(file: string, instance: Record<string, unknown>): void {
  const doc = parseDocument(existsSync(file) ? readFileSync(file, 'utf8') : '');
  if (doc.errors.length > 0) throw new UserError(`cannot update: ${doc.errors[0]!.message}`, file);
  if (!doc.hasIn(['paper', 'instances'])) doc.setIn(['paper', 'instances'], doc.createNode([]));
  const list = doc.getIn(['paper', 'instances']) as { add?(v: unknown): void; flow?: boolean } | undefined;
  if (!list || typeof list.add !== 'function') throw new UserError('paper.instances is not a list', file);
  list.add(doc.createNode(instance));
  // An empty `instances: []` would keep the new entry on one line.
  list.flow = false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, doc.toString());
}

// ---------------------------------------------------------------------------------------------------
// yargs wiring

const EXAMPLES = `Examples:
  # the full ma-cross grid on 5 years of 1h candles, on both cores
  tradetui optimize --strategy ma-cross --symbol BTC/USDT --timeframe 1h --from 2020-01-01 --to 2025-01-01 \\
    --space fast=5:50:1 --space slow=20:200:5 --space type=sma,ema,wma --jobs 2

  # 300 TPE trials over the strategy's own ranges, Sortino, at least 20 trades
  tradetui optimize --strategy rsi-macd --symbol ETH/USDT --timeframe 1h --sampler tpe --trials 300 --objective sortino --min-trades 20

  # walk-forward: a year in-sample, a quarter out-of-sample, stepping a quarter
  tradetui optimize --strategy ma-cross --symbol BTC/USDT --timeframe 1h --from 2021-01-01 \\
    --space fast=5:50:5 --space slow=20:200:20 --walk-forward is=365d,oos=90d

  # continue an interrupted run; then read the record
  tradetui optimize --resume 3
  tradetui optimize show 3 --top 20 --heatmap fast,slow
  tradetui optimize export 3 --csv trials.csv
  tradetui optimize apply 3 --rank 1`;

const runModule: CommandModule<GlobalArgs, RunArgs> = {
  command: '$0',
  describe: false,
  builder: (y) =>
    y
      .option('strategy', { type: 'string', describe: 'strategy to optimise', requiresArg: true })
      .option('symbol', { type: 'string', describe: 'symbol like BTC/USDT', requiresArg: true })
      .option('timeframe', { type: 'string', describe: 'candle timeframe', requiresArg: true })
      .option('exchange', { type: 'string', describe: 'exchange of the cached candles (default: config exchange.name)', requiresArg: true })
      .option('from', { type: 'string', describe: 'span start, inclusive (default: cache start + the largest warm-up)', requiresArg: true })
      .option('to', { type: 'string', describe: 'span end, exclusive (default: last cached candle)', requiresArg: true })
      .option('space', { type: 'string', describe: "a parameter's range name=min:max[:step] or values name=a,b,c (repeat); default: the strategy's own ranges", requiresArg: true })
      .option('sampler', { type: 'string', default: 'grid', describe: 'grid | random | tpe', requiresArg: true })
      .option('trials', { type: 'number', describe: 'trials for random and tpe (default 100); caps a grid', requiresArg: true })
      .option('objective', { type: 'string', default: 'sharpe', describe: OBJECTIVES.join(' | '), requiresArg: true })
      .option('min-trades', { type: 'number', default: 1, describe: 'a trial with fewer trades scores worst', requiresArg: true })
      .option('jobs', { type: 'number', describe: 'worker threads (default 2)', requiresArg: true })
      .option('seed', { type: 'number', default: 1, describe: 'seed of random and tpe', requiresArg: true })
      .option('balance', { type: 'number', describe: 'starting balance (default: config account.balance)', requiresArg: true })
      .option('fee', { type: 'number', describe: 'fee rate per fill (default: config account.fee)', requiresArg: true })
      .option('slippage', { type: 'number', describe: 'slippage rate per fill (default: config account.slippage)', requiresArg: true })
      .option('stake-pct', { type: 'number', describe: 'percent of equity per entry', requiresArg: true })
      .option('risk', { type: 'string', describe: 'override a risk setting, key=value (repeat)', requiresArg: true })
      .option('resume', { type: 'number', describe: 'continue interrupted run RUN with its recorded setup', requiresArg: true })
      .option('pbo-blocks', { type: 'number', default: 16, describe: 'blocks S of the PBO cross-validation (even)', requiresArg: true })
      .option('top', { type: 'number', default: 10, describe: 'best trials to list', requiresArg: true })
      .option('heatmap', { type: 'string', describe: 'two parameters x,y for the heatmap (default: the first two searched)', requiresArg: true })
      .option('ascii', { type: 'boolean', describe: 'draw with ASCII only' })
      .option('progress', { type: 'boolean', default: true, describe: 'show the progress bar (--no-progress to hide)' })
      .option('walk-forward', { type: 'string', describe: 'is=365d,oos=90d[,step=90d][,anchored]: optimise in-sample, test the winner out-of-sample, step on', requiresArg: true })
      .epilogue(EXAMPLES) as unknown as Argv<RunArgs>,
  handler: runCommand,
};

const showModule: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show [run]',
  describe: 'print a recorded optimisation (the latest when no RUN is given)',
  builder: (y) =>
    y
      .positional('run', { type: 'string', describe: 'run id from "tradetui optimize list"' })
      .option('top', { type: 'number', default: 10, describe: 'best trials to list' })
      .option('heatmap', { type: 'string', describe: 'two parameters x,y for the heatmap' })
      .option('ascii', { type: 'boolean', describe: 'draw with ASCII only' }) as Argv<ShowArgs>,
  handler: showCommand,
};

const listModule: CommandModule<GlobalArgs, GlobalArgs & { limit: number }> = {
  command: 'list',
  describe: 'list optimisation runs, newest first',
  builder: (y) => y.option('limit', { type: 'number', default: 20, describe: 'how many runs' }) as Argv<GlobalArgs & { limit: number }>,
  handler: listCommand,
};

const exportModule: CommandModule<GlobalArgs, GlobalArgs & { run: string; csv?: string }> = {
  command: 'export <run>',
  describe: 'write every trial of a run to a CSV file',
  builder: (y) => y.positional('run', { type: 'string', demandOption: true }).option('csv', { type: 'string', describe: 'file to write', requiresArg: true }) as Argv<GlobalArgs & { run: string; csv?: string }>,
  handler: exportCommand,
};

const applyModule: CommandModule<GlobalArgs, ApplyArgs> = {
  command: 'apply <run>',
  describe: "print a trial's paper instance configuration, or add it to the config (--add, after confirmation)",
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true })
      .option('rank', { type: 'number', default: 1, describe: 'which trial, by rank (1 = best)' })
      .option('add', { type: 'boolean', describe: "add it to the config file's paper.instances" })
      .option('yes', { type: 'boolean', describe: 'do not ask for confirmation' }) as Argv<ApplyArgs>,
  handler: applyCommand,
};

export const optimizeCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'optimize',
  describe: 'search strategy parameters in parallel, keep every trial, and say how likely the winner is overfit',
  builder: (y) => y.command(listModule).command(showModule).command(exportModule).command(applyModule).command(runModule),
  handler: () => undefined,
};
