// Optimisation figures: ma-cross trials per second over 5 years of BTC/USDT 1h on 1 and 2 jobs (their ratio is
// the parallel efficiency), a single `tradetui backtest` of the same span as a whole command, and the issue's
// full grid (fast 5–50, slow 20–200 step 5, three MA types) with the overfitting report as a whole command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { optimize, workerSetup, type OptimizeSpec } from '../src/optimize/optimize.js';
import { TrialPool } from '../src/optimize/pool.js';
import { parseSpace } from '../src/optimize/space.js';

const FROM = '2020-01-01';
const TO = '2025-01-01';
const CLI = resolve(import.meta.dirname, '../tradetui.mjs');

export interface OptimizeBench {
  candles: number;
  trials: number;
  trialsPerSecond1: number;
  trialsPerSecond2: number;
  ratio: number;
  /** CPU time (all threads of this process) per trial on 1 job: what a shared, loaded machine cannot distort. */
  cpuMsPerTrial: number;
  backtestSeconds: number;
  gridTrials: number;
  gridSeconds: number;
  verdict: string;
}

function timed(args: string[], env: NodeJS.ProcessEnv): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tradetui ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds: (performance.now() - t0) / 1000, stdout: r.stdout };
}

export async function benchOptimize(): Promise<OptimizeBench> {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-opt-'));
  try {
    // In-process throughput on a warmed pool: 48 trials (fast 5..52 over slow 100, SMA), 1 job then 2.
    const db = openDb(join(dir, 'tp.db'));
    const store = new SqliteCandleStore(db);
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const };
    await importCsv(store, join(shippedDataDir(), 'binance_BTCUSDT_1h.csv.gz'), key);
    const candles = store.read(key, undefined, parseDate(TO) - 1);
    const from = lowerBound(candles, parseDate(FROM));
    const flags = ['fast=5:52:1', 'slow=100:100', 'type=sma'];
    const spec: OptimizeSpec = {
      strategy: maCross,
      strategiesDir: null,
      key,
      candles,
      span: { from, to: candles.length },
      account: { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false },
      risk: parseConfig({}).risk,
      space: parseSpace(maCross, flags),
      spaceFlags: flags,
      sampler: 'grid',
      objective: 'sharpe',
      minTrades: 1,
      seed: 1,
      jobs: 1,
    };
    const rate: number[] = [];
    let cpuMsPerTrial = 0;
    let trials = 0;
    for (const jobs of [1, 2]) {
      const pool = new TrialPool(workerSetup(spec), jobs);
      // Warm-up: workers start, load the strategy and compile the hot path before the clock runs.
      await Promise.all(Array.from({ length: jobs * 2 }, () => pool.run({ params: { fast: 10, slow: 30, type: 'ema', short: false }, span: spec.span })));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const out = openDb(':memory:');
      await optimize(out, { ...spec, jobs }, { pool, stop: undefined });
      const seconds = (performance.now() - t0) / 1000;
      trials = 48;
      const cpu = process.cpuUsage(c0);
      if (jobs === 1) cpuMsPerTrial = (cpu.user + cpu.system) / 1000 / trials;
      rate.push(trials / seconds);
      out.close();
      await pool.close();
    }
    db.close();

    // Whole commands through the bundled CLI on a fresh data dir (seeded by an untimed first command).
    const env = { ...process.env, TRADETUI_DATA_DIR: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'cfg'), NO_COLOR: '1' };
    const span = ['--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', FROM, '--to', TO];
    timed(['backtest', '--strategy', 'ma-cross', ...span, '--json'], env);
    const bt = timed(['backtest', '--strategy', 'ma-cross', ...span, '--json'], env);
    const grid = timed(['optimize', '--strategy', 'ma-cross', ...span, '--space', 'fast=5:50:1', '--space', 'slow=20:200:5', '--space', 'type=sma,ema,wma', '--jobs', '2', '--json'], env);
    const res = JSON.parse(grid.stdout) as { run: { trials: number }; report: { verdict: { line: string } } };
    return {
      candles: candles.length - from,
      trials,
      trialsPerSecond1: rate[0]!,
      trialsPerSecond2: rate[1]!,
      ratio: rate[1]! / rate[0]!,
      cpuMsPerTrial,
      backtestSeconds: bt.seconds,
      gridTrials: res.run.trials,
      gridSeconds: grid.seconds,
      verdict: res.report.verdict.line,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
