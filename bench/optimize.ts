// Optimisation figures over 5 years of BTC/USDT 1h:
// - throughput of ma-cross trials on 1 and on 2 jobs (their ratio is the parallel efficiency): the same few
//   hundred trials (a spread of the grid) on a warmed pool, each recorded in SQLite as the command does,
//   1 job then 2 jobs back to back, repeated, so a machine shared with other work shows as a spread of ratios;
//   pool start-up (workers, shared candles, strategy load) is timed apart;
// - CPU per trial (all threads of this process, 1 job): the figure a loaded machine distorts least;
// - a single `tradetui backtest` of the same span as a whole command (the per-trial overhead);
// - (`--only=optimize-full`) the full grid (fast 5–50, slow 20–200 step 5, three MA types) with the
//   overfitting report as a whole command on 2 jobs: wall time, its CPU time, and the verdict line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { importCsv } from '../src/data/import.js';
import { shippedDataDir } from '../src/data/seed.js';
import { lowerBound } from '../src/core/candle.js';
import { parseDate } from '../src/core/time.js';
import { parseConfig } from '../src/config/load.js';
import maCross from '../strategies/ma-cross.js';
import { runHeader, workerSetup, type OptimizeSpec } from '../src/optimize/optimize.js';
import { TrialPool } from '../src/optimize/pool.js';
import { enumerateGrid, paramsKey, parseSpace } from '../src/optimize/space.js';
import { OptimizeStore } from '../src/optimize/store.js';

const FROM = '2020-01-01';
const TO = '2025-01-01';
const CLI = resolve(import.meta.dirname, '../tradetui.mjs');
/** A spread of the full grid: every MA type, fast 5–50 step 5, slow 20–200 step 20 (fast < slow). */
const SAMPLE = ['fast=5:50:5', 'slow=20:200:20', 'type=sma,ema,wma'];
const FULL_GRID = ['--space', 'fast=5:50:1', '--space', 'slow=20:200:5', '--space', 'type=sma,ema,wma'];

export interface ThroughputRound {
  trialsPerSecond1: number;
  trialsPerSecond2: number;
  ratio: number;
}

export interface OptimizeBench {
  candles: number;
  trials: number;
  rounds: ThroughputRound[];
  /** Pool start-up to the first trial's answer (workers, shared candles, strategy load, first compile), 1 and 2 jobs. */
  startMs1: number;
  startMs2: number;
  /** CPU time (all threads of this process) per trial on 1 job, median over the rounds. */
  cpuMsPerTrial: number;
  backtestSeconds: number;
}

export interface OptimizeFullBench {
  trials: number;
  seconds: number;
  /** CPU seconds of the command (user + system, all threads), when /usr/bin/time is there to measure it. */
  cpuSeconds: number | null;
  verdict: string;
}

function timed(args: string[], env: NodeJS.ProcessEnv): { seconds: number; stdout: string; cpuSeconds: number | null } {
  // /usr/bin/time reports the child's CPU time (Node cannot read a child's rusage); without it, wall time only.
  const withTime = existsSync('/usr/bin/time');
  const cmd = withTime ? '/usr/bin/time' : process.execPath;
  const argv = withTime ? ['-f', 'cpu %U %S', process.execPath, CLI, ...args] : [CLI, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tradetui ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { seconds, stdout: r.stdout, cpuSeconds: m ? Number(m[1]) + Number(m[2]) : null };
}

function loadSpec(candles: ReturnType<SqliteCandleStore['read']>): OptimizeSpec {
  const from = lowerBound(candles, parseDate(FROM));
  return {
    strategy: maCross,
    strategiesDir: null,
    key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' },
    candles,
    span: { from, to: candles.length },
    account: { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false },
    risk: parseConfig({}).risk,
    space: parseSpace(maCross, SAMPLE),
    spaceFlags: SAMPLE,
    sampler: 'grid',
    objective: 'sharpe',
    minTrades: 1,
    seed: 1,
    jobs: 1,
  };
}

/** Runs `params` on a fresh pool of `jobs` workers, recording each trial as `tradetui optimize` does. */
async function throughput(spec: OptimizeSpec, params: ReturnType<typeof enumerateGrid>, jobs: number): Promise<{ startMs: number; seconds: number; cpuMs: number }> {
  const out = openDb(':memory:');
  const store = new OptimizeStore(out);
  const run = store.getRun(store.createRun(runHeader(spec, 'search', {})))!;
  const t0 = performance.now();
  const pool = new TrialPool(workerSetup(spec), jobs);
  // Start-up: every worker answers one trial (outside the sample) before the clock runs.
  await Promise.all(Array.from({ length: jobs }, () => pool.run({ params: { fast: 3, slow: 7, type: 'sma', short: false }, span: spec.span })));
  const startMs = performance.now() - t0;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  let seq = 0;
  await Promise.all(
    params.map(async (p) => {
      const r = await pool.run({ params: p, span: spec.span });
      store.addTrial(run, { role: 'search', params: p, paramsKey: paramsKey(p), score: r.score, metrics: r.metrics, daily: r.daily, seq: ++seq });
    }),
  );
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(c1);
  await pool.close();
  out.close();
  return { startMs, seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function benchOptimize(rounds = 3): Promise<OptimizeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-opt-'));
  try {
    const db = openDb(join(dir, 'tp.db'));
    const store = new SqliteCandleStore(db);
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    await importCsv(store, join(shippedDataDir(), 'binance_BTCUSDT_1h.csv.gz'), key);
    const candles = store.read(key, undefined, parseDate(TO) - 1);
    const spec = loadSpec(candles);
    const params = enumerateGrid(maCross, spec.space);
    const result: ThroughputRound[] = [];
    const starts: number[][] = [[], []];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const one = await throughput(spec, params, 1);
      const two = await throughput(spec, params, 2);
      starts[0]!.push(one.startMs);
      starts[1]!.push(two.startMs);
      cpu.push(one.cpuMs / params.length);
      const a = params.length / one.seconds;
      const b = params.length / two.seconds;
      result.push({ trialsPerSecond1: a, trialsPerSecond2: b, ratio: b / a });
    }
    db.close();

    const env = { ...process.env, TRADETUI_DATA_DIR: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1' };
    const span = ['--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', FROM, '--to', TO];
    timed(['backtest', '--strategy', 'ma-cross', ...span, '--json'], env);
    const bt = timed(['backtest', '--strategy', 'ma-cross', ...span, '--json'], env);
    const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    return {
      candles: candles.length - spec.span.from,
      trials: params.length,
      rounds: result,
      startMs1: med(starts[0]!),
      startMs2: med(starts[1]!),
      cpuMsPerTrial: med(cpu),
      backtestSeconds: bt.seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The full grid with the overfitting report, `tradetui optimize … --jobs 2 --json` as one whole command. */
export function benchOptimizeFull(): OptimizeFullBench {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-optfull-'));
  try {
    const env = { ...process.env, TRADETUI_DATA_DIR: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1' };
    const span = ['--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', FROM, '--to', TO];
    // Seeds the data dir (first start) outside the measurement.
    timed(['backtest', '--strategy', 'ma-cross', ...span, '--json'], env);
    const grid = timed(['optimize', '--strategy', 'ma-cross', ...span, ...FULL_GRID, '--jobs', '2', '--json'], env);
    const res = JSON.parse(grid.stdout) as { run: { trials: number }; report: { verdict: { line: string } } };
    return { trials: res.run.trials, seconds: grid.seconds, cpuSeconds: grid.cpuSeconds, verdict: res.report.verdict.line };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
