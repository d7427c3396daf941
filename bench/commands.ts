// Whole commands as the trader runs them (a new node process each, the built bundle): the one-year 1m
// rsi-macd backtest against the same command on one day, the very first command on a new data directory,
// and cache questions (`data list`) on a large cache. Best of N runs; ratios within one run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { emptySeries, type CandleSeries, type MarketKey } from '../src/core/candle.js';
import { iso } from '../src/core/time.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite/candle-cache.js';
import { createFromTemplate } from '../src/data/seed.js';
import { dbFile } from '../src/config/paths.js';
import { yearOf1m } from './year-1m.js';

const ROOT = resolve(import.meta.dirname, '../..');
// TRADETUI_BENCH_BIN=/path/to/other/dist/tradetui.mjs measures another build (before/after on one machine).
const BIN = process.env.TRADETUI_BENCH_BIN ?? join(ROOT, 'dist/tradetui.mjs');
/** The `tradetui` command as npm links it (bin/tradetui: node with glibc's huge-page setting, then the bundle). */
const LAUNCHER = join(dirname(BIN), '../bin/tradetui');
const DAY = 86_400_000;

/**
 * How a command is started: `launcher` as the trader's `tradetui` command runs (bin/tradetui), `node` as
 * `node dist/tradetui.mjs` (no GLIBC_TUNABLES), to show what the launcher's allocator setting is worth.
 */
export type StartedBy = 'launcher' | 'node';

/** Milliseconds of the fastest of `repeats` runs of `tradetui args` on `dataDir` (stdout discarded). */
export function timeCommand(args: string[], dataDir: string, repeats = 3): number {
  return timeCommandCpu(args, dataDir, repeats).wallMs;
}

/** GNU time, when installed: the command's own CPU time (user + system), which other work on the machine inflates far less than wall time. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** The fastest of `repeats` runs by wall time, and the least CPU time of them (NaN without /usr/bin/time). */
export function timeCommandCpu(args: string[], dataDir: string, repeats = 3, by: StartedBy = 'launcher'): { wallMs: number; cpuMs: number } {
  let wallMs = Infinity;
  let cpuMs = Infinity;
  const env: NodeJS.ProcessEnv = { ...process.env, TRADETUI_DATA_DIR: dataDir, XDG_CONFIG_HOME: join(dataDir, 'cfg'), NO_COLOR: '1' };
  delete env.GLIBC_TUNABLES;
  // The launcher runs `node` from PATH: the node running the bench, first.
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  const tradetui = by === 'launcher' ? [LAUNCHER] : [process.execPath, BIN];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const command = GNU_TIME ? [GNU_TIME, '-f', 'tradetui-cpu %U %S', ...tradetui, ...args] : [...tradetui, ...args];
    const run = spawnSync(command[0]!, command.slice(1), {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    wallMs = Math.min(wallMs, performance.now() - t0);
    if (run.status !== 0) throw new Error(`tradetui ${args.join(' ')} exited ${run.status}: ${run.stderr.toString().slice(-500)}`);
    const cpu = /tradetui-cpu ([\d.]+) ([\d.]+)/.exec(run.stderr.toString());
    cpuMs = Math.min(cpuMs, cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN);
  }
  return { wallMs, cpuMs };
}

function dataDirWith(key: MarketKey, candles: CandleSeries): string {
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-cmd-'));
  createFromTemplate(dbFile(dir));
  const db = openDb(dbFile(dir));
  new SqliteCandleStore(db).write(key, candles);
  db.close();
  return dir;
}

export interface BacktestCommandFigures {
  yearMs: number;
  dayMs: number;
  yearHumanMs: number;
  dayHumanMs: number;
  /** CPU time (user + system) of the same commands, least of the runs; NaN without /usr/bin/time. */
  cpu: { yearMs: number; dayMs: number; yearHumanMs: number; dayHumanMs: number };
  /** The year --json once on the new cache, before the others: its large read also writes the candle column file. */
  firstYear: { wallMs: number; cpuMs: number };
  /** The same four wall times started as `node dist/tradetui.mjs` (without the launcher's huge pages). */
  byNode: { yearMs: number; dayMs: number; yearHumanMs: number; dayHumanMs: number };
  candles: number;
}

/** `tradetui backtest --strategy rsi-macd` over one year of 1m candles and over its first day, --json and human. */
export function benchBacktestCommand(repeats = 3): BacktestCommandFigures {
  const year = yearOf1m();
  const key: MarketKey = { exchange: 'bench', symbol: 'BTC/USDT', timeframe: '1m' };
  const dir = dataDirWith(key, year);
  try {
    const from = iso(year.time[0]!);
    const args = (to: number, json: boolean) => [
      'backtest', '--strategy', 'rsi-macd', '--exchange', 'bench', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--from', from, '--to', iso(to),
      ...(json ? ['--json'] : []),
    ];
    const lastTime = year.time[year.length - 1]!;
    const dayEnd = year.time[0]! + DAY - 60_000;
    const firstYear = timeCommandCpu(args(lastTime, true), dir, 1);
    // Round robin, the fastest of each: the year and the day alternate, so a slow spell of a shared machine
    // does not land on one side of a marginal.
    const cells = {
      yearJson: { args: args(lastTime, true), by: 'launcher' as StartedBy },
      dayJson: { args: args(dayEnd, true), by: 'launcher' as StartedBy },
      yearHuman: { args: args(lastTime, false), by: 'launcher' as StartedBy },
      dayHuman: { args: args(dayEnd, false), by: 'launcher' as StartedBy },
      nodeYearJson: { args: args(lastTime, true), by: 'node' as StartedBy },
      nodeDayJson: { args: args(dayEnd, true), by: 'node' as StartedBy },
      nodeYearHuman: { args: args(lastTime, false), by: 'node' as StartedBy },
      nodeDayHuman: { args: args(dayEnd, false), by: 'node' as StartedBy },
    };
    type Cell = keyof typeof cells;
    const best = Object.fromEntries(Object.keys(cells).map((k) => [k, { wallMs: Infinity, cpuMs: Infinity }])) as Record<Cell, { wallMs: number; cpuMs: number }>;
    for (let r = 0; r < repeats; r++) {
      for (const k of Object.keys(cells) as Cell[]) {
        const once = timeCommandCpu(cells[k].args, dir, 1, cells[k].by);
        best[k] = { wallMs: Math.min(best[k].wallMs, once.wallMs), cpuMs: Math.min(best[k].cpuMs, once.cpuMs) };
      }
    }
    const { yearJson, dayJson, yearHuman, dayHuman } = best;
    const byNode = { yearMs: best.nodeYearJson.wallMs, dayMs: best.nodeDayJson.wallMs, yearHumanMs: best.nodeYearHuman.wallMs, dayHumanMs: best.nodeDayHuman.wallMs };
    return {
      candles: year.length,
      yearMs: yearJson.wallMs,
      dayMs: dayJson.wallMs,
      yearHumanMs: yearHuman.wallMs,
      dayHumanMs: dayHuman.wallMs,
      cpu: { yearMs: yearJson.cpuMs, dayMs: dayJson.cpuMs, yearHumanMs: yearHuman.cpuMs, dayHumanMs: dayHuman.cpuMs },
      firstYear,
      byNode,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CacheCommandFigures {
  cacheBytes: number;
  candles: number;
  dataListMs: number;
  /** `tradetui --version`: node start and the bundle load, the floor under every command. */
  baselineMs: number;
}

/**
 * `tradetui data list` on a cache of `years` one-year 1m markets (about 25 MB of candles each), against
 * `tradetui --version` on the same machine: the difference is the command's own work.
 */
export function benchCacheCommands(years: number, repeats = 3): CacheCommandFigures {
  const year = yearOf1m();
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-big-'));
  try {
    createFromTemplate(dbFile(dir));
    const db = openDb(dbFile(dir));
    const store = new SqliteCandleStore(db);
    const shifted = emptySeries(year.length);
    for (let y = 0; y < years; y++) {
      // Consecutive years of the same market, so the cache is one long history with no overlap.
      const offset = y * year.length * 60_000;
      for (let i = 0; i < year.length; i++) shifted.time[i] = year.time[i]! + offset;
      shifted.open.set(year.open);
      shifted.high.set(year.high);
      shifted.low.set(year.low);
      shifted.close.set(year.close);
      shifted.volume.set(year.volume);
      shifted.length = year.length;
      store.write({ exchange: 'bench', symbol: `Y${y % 8}/USDT`, timeframe: '1m' }, shifted);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return {
      cacheBytes: statSync(dbFile(dir)).size,
      candles: years * year.length,
      dataListMs: timeCommand(['data', 'list'], dir, repeats),
      baselineMs: timeCommand(['--version'], dir, repeats),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The very first command on a new data directory (the template copy included), against a second one. */
export function benchFirstStart(repeats = 3): { firstMs: number; againMs: number } {
  let first = Infinity;
  let again = Infinity;
  for (let i = 0; i < repeats; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-new-'));
    try {
      first = Math.min(first, timeCommand(['data', 'list'], dir, 1));
      again = Math.min(again, timeCommand(['data', 'list'], dir, 1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { firstMs: first, againMs: again };
}
