// The `tradetui backtest` CLI (run in-process: tests/support/cli-in-process.ts) over the real shipped candles (seeded into a fresh data dir once).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir, type CliResult } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const dataDir = tempDir('tradetui-bt-');
const cli = (args: string[], env?: Record<string, string>): Promise<CliResult> => runCli(args, { dataDir, env });

/** Shipped daily BTC/USDT candles, straight from the file, to check numbers independently of the cache. */
function shippedDaily(): Array<{ time: number; open: number; close: number }> {
  const text = gunzipSync(readFileSync(join(ROOT, 'data/binance_BTCUSDT_1d.csv.gz'))).toString('utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [t, o, , , c] = line.split(',').map(Number);
      return { time: t!, open: o!, close: c! };
    });
}

const RUN_KEYS = ['id', 'strategy', 'symbol', 'timeframe', 'from', 'to', 'params', 'initialBalance', 'metrics', 'trades', 'protections', 'riskDecisions'];
const METRIC_KEYS = ['totalReturnPct', 'cagrPct', 'sharpe', 'sortino', 'calmar', 'maxDrawdownPct', 'winRatePct', 'profitFactor', 'expectancy', 'trades', 'exposurePct', 'feesPaid', 'finalEquity', 'buyHoldReturnPct'];
const TRADE_KEYS = ['entryTime', 'exitTime', 'side', 'entryPrice', 'exitPrice', 'qty', 'pnl', 'pnlPct', 'fees', 'exitReason'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Json = Record<string, any>;

describe('tradetui backtest --json on shipped BTC/USDT daily candles, 2022', () => {
  let res: CliResult;
  let run: Json;
  beforeAll(async () => {
    res = await cli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2022-01-01', '--to', '2023-01-01', '--json']);
    run = JSON.parse(res.stdout).runs?.[0];
  }, 120_000);

  it('exits 0 and prints exactly one JSON document with one run', () => {
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(Object.keys(doc)).toEqual(['runs']);
    expect(doc.runs).toHaveLength(1);
  });

  it('the run carries the documented keys, the resolved params and the config balance', () => {
    for (const k of RUN_KEYS) expect(run, k).toHaveProperty(k);
    expect(run).toMatchObject({ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1d', initialBalance: 10000 });
    expect(run.params).toEqual({ fast: 10, slow: 30, type: 'sma', short: false });
    expect(Number.isInteger(run.id)).toBe(true);
  });

  it('from/to are ISO-8601: the first candle open of the span and the last candle close', () => {
    expect(run.from).toBe('2022-01-01T00:00:00.000Z');
    expect(run.to).toBe('2023-01-01T00:00:00.000Z');
  });

  it('metrics include every documented key as a number or null', () => {
    for (const k of METRIC_KEYS) {
      expect(run.metrics, k).toHaveProperty(k);
      expect(run.metrics[k] === null || typeof run.metrics[k] === 'number', k).toBe(true);
    }
  });

  it('trades have exactly the documented fields with ISO times, inside the span', () => {
    expect(run.trades.length).toBeGreaterThan(0);
    expect(run.metrics.trades).toBe(run.trades.length);
    for (const t of run.trades) {
      expect(Object.keys(t).sort()).toEqual([...TRADE_KEYS].sort());
      expect(t.entryTime).toMatch(ISO);
      expect(t.exitTime).toMatch(ISO);
      expect(t.entryTime >= run.from && t.exitTime <= run.to).toBe(true);
    }
  });

  it('final equity is the balance plus the sum of trade pnl (every position is closed at the end)', () => {
    const sum = run.trades.reduce((a: number, t: Json) => a + t.pnl, 0);
    expect(run.metrics.finalEquity).toBeCloseTo(10000 + sum, 6);
    expect(run.metrics.totalReturnPct).toBeCloseTo((sum / 10000) * 100, 6);
  });

  it('buy-and-hold is first open to last close of the span in the shipped file', () => {
    const rows = shippedDaily().filter((r) => r.time >= Date.UTC(2022, 0, 1) && r.time < Date.UTC(2023, 0, 1));
    expect(rows).toHaveLength(365);
    expect(run.metrics.buyHoldReturnPct).toBeCloseTo((rows.at(-1)!.close / rows[0]!.open - 1) * 100, 9);
  });

  it('show --json prints the stored run identically; show without an id is the latest', async () => {
    const shown = await cli(['backtest', 'show', String(run.id), '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).runs[0]).toEqual(run);
    const latest = await cli(['backtest', 'show', '--json']);
    expect(JSON.parse(latest.stdout).runs[0].id).toBe(run.id);
  });

  it('list --json includes the run with its metrics', async () => {
    const list = await cli(['backtest', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const found = JSON.parse(list.stdout).runs.find((r: Json) => r.id === run.id);
    expect(found).toMatchObject({ strategy: 'ma-cross', symbol: 'BTC/USDT', from: run.from, to: run.to });
    expect(found.metrics.totalReturnPct).toBe(run.metrics.totalReturnPct);
  });
});

describe('tradetui backtest human output and options', () => {
  it('one run prints the summary, both charts and the trades on request; flags override config defaults', async () => {
    const res = await cli(['backtest', '--strategy', 'ma-cross', '--symbol', 'btcusdt', '--timeframe', '1d', '--from', '2021-01-01', '--to', '2022-01-01', '--balance', '5000', '--fee', '0', '--trades']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Backtest #\d+ {2}ma-cross {2}BTC\/USDT 1d/);
    expect(res.stdout).toContain('balance 5,000.00  fee 0.000%');
    expect(res.stdout).toMatch(/Total return\s+-?\d/);
    expect(res.stdout).toContain('Equity');
    expect(res.stdout).toContain('Drawdown %');
    expect(res.stdout).toContain('Entry (UTC)');
  });

  it('several strategies × symbols (--separate: one account per symbol) run in order and print one comparison table', async () => {
    const args = ['backtest', '--strategy', 'ma-cross,rsi-macd', '--symbol', 'BTC/USDT', '--symbol', 'ETH/USDT', '--timeframe', '1h', '--from', '2023-01-01', '--to', '2023-03-01', '--separate'];
    const json = await cli([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const runs = JSON.parse(json.stdout).runs as Json[];
    expect(runs.map((r) => `${r.strategy} ${r.symbol}`)).toEqual(['ma-cross BTC/USDT', 'ma-cross ETH/USDT', 'rsi-macd BTC/USDT', 'rsi-macd ETH/USDT']);
    const human = await cli([...args, '--no-charts']);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.split('\n');
    const head = lines.findIndex((l) => /^Run\s+Strategy\s+Symbol/.test(l));
    expect(head).toBeGreaterThanOrEqual(0);
    expect(lines.slice(head + 2, head + 6).map((l) => l.trim().split(/\s{2,}/).slice(1, 3).join(' '))).toEqual(['ma-cross BTC/USDT', 'ma-cross ETH/USDT', 'rsi-macd BTC/USDT', 'rsi-macd ETH/USDT']);
  });

  it('--trades-csv writes one parsable row per trade', async () => {
    const file = join(tempDir('tradetui-csv-'), 'trades.csv');
    const res = await cli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2020-01-01', '--to', '2022-01-01', '--trades-csv', file, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const run = JSON.parse(res.stdout).runs[0];
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Json[];
    expect(rows).toHaveLength(run.trades.length);
    expect(rows[0]).toMatchObject({ run_id: String(run.id), strategy: 'ma-cross', symbol: 'BTC/USDT', entry_time: run.trades[0].entryTime, exit_reason: run.trades[0].exitReason });
    expect(Number(rows[0].pnl)).toBe(run.trades[0].pnl);
  });

  it('--lookahead-check passes for a causal strategy and says so in the JSON', async () => {
    const res = await cli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2022-01-01', '--to', '2023-01-01', '--lookahead-check', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const run = JSON.parse(res.stdout).runs[0];
    // The equity curve comes with the run: one point per candle of the span, with cash and exposure.
    expect(run.equityCurve.length).toBe(365);
    expect(run.equityCurve[0]).toEqual({ time: '2022-01-01T00:00:00.000Z', equity: expect.any(Number), cash: expect.any(Number), exposure: expect.any(Number) });
    for (const p of run.equityCurve) expect(p.equity).toBeCloseTo(p.cash + p.exposure, 6);
    expect(run.equityCurve.some((p: { exposure: number }) => p.exposure > 0)).toBe(true);
    const la = run.lookahead;
    expect(la.passed).toBe(true);
    expect(la.checkedCuts).toBeGreaterThan(0);
    expect(la.guardedDecisions).toBeGreaterThan(365);
    expect(la.ms).toBeGreaterThan(0);
    expect(la.differences).toEqual([]);
  });

  it('--lookahead-check exits 1 and lists the decisions of a strategy that reads the next candle', async () => {
    const dir = tempDir('tradetui-strats-');
    mkdirSync(join(dir, 's'));
    writeFileSync(
      join(dir, 's', 'peek.mjs'),
      `export default {
        name: 'peek', description: 'buys when the next close is higher (cheats)', timeframe: '1d', params: [],
        warmup: () => 1,
        compute: (c) => ({}),
        decide(i, { candles }, position) {
          const next = candles.close[i + 1];
          if (next === undefined) return null;
          if (!position && next > candles.close[i]) return { action: 'enter-long', reason: 'next close higher' };
          if (position && next < candles.close[i]) return { action: 'exit', reason: 'next close lower' };
          return null;
        },
      };\n`,
    );
    writeFileSync(join(dir, 'config.yaml'), `strategiesDir: ${join(dir, 's')}\n`);
    const args = ['backtest', '--config', join(dir, 'config.yaml'), '--strategy', 'peek', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2022-01-01', '--to', '2022-04-01', '--lookahead-check'];
    const human = await cli(args);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/lookahead check failed: peek on BTC\/USDT/);
    expect(human.stdout).toMatch(/Lookahead check #\d+ peek BTC\/USDT: FAILED/);
    expect(human.stdout).toMatch(/candle (\d+) \(2022-\d\d-\d\dT00:00:00.000Z\): decide\(\) read candles\.close\[\d+\], after the candle it decides on \(decision: enter-long \(next close higher\)\)/);
    expect(human.stdout).toMatch(/guarded decisions, \d+ cut runs on a fresh module copy, \d+ ms/);
    const json = await cli([...args, '--json']);
    expect(json.code).toBe(1);
    const la = JSON.parse(json.stdout).runs[0].lookahead;
    expect(la.passed).toBe(false);
    expect(la.differences.length).toBeGreaterThan(0);
    expect(la.differences[0].time).toMatch(ISO);
    expect(la.differences[0]).toMatchObject({ kind: 'read-ahead', what: `candles.close[${la.differences[0].index + 1}]` });
    expect(la.isolated).toBe(true);
  });
});

describe('tradetui backtest mistakes exit 2 and name the place', () => {
  const base = ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h'];
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown strategy', ['backtest', '--strategy', 'nope', '--symbol', 'BTC/USDT', '--timeframe', '1h'], /--strategy: unknown strategy "nope"; available: .*ma-cross/],
    ['missing strategy', ['backtest', '--symbol', 'BTC/USDT', '--timeframe', '1h'], /--strategy: give at least one strategy/],
    ['unknown timeframe', ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '7h'], /--timeframe: unknown timeframe "7h"/],
    ['unknown symbol', ['backtest', '--strategy', 'ma-cross', '--symbol', 'XRP/USDT', '--timeframe', '1h'], /--symbol: unknown symbol XRP\/USDT.*tradetui data import/],
    ['malformed symbol', ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC USDT', '--timeframe', '1h'], /--symbol: unknown symbol "BTC USDT"/],
    ['no cached candles for the timeframe', ['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '4h'], /--symbol: no cached 4h candles for binance BTC\/USDT.*tradetui data import FILE.*tradetui data download/],
    ['bad date', [...base, '--from', '2024-13-45'], /--from: "2024-13-45" is not a date/],
    ['from after to', [...base, '--from', '2024-02-01', '--to', '2024-01-01'], /--from: .*must be before --to/],
    ['span outside the cache', [...base, '--from', '2030-01-01'], /--from: no candles from 2030-01-01/],
    ['bad --param syntax', [...base, '--param', 'fast'], /--param: expected key=value/],
    ['unknown --param', [...base, '--param', 'foo=1'], /--param: unknown parameter "foo"/],
    ['--param out of range', [...base, '--param', 'fast=1'], /--param: .*fast must be between 2 and 200/],
    ['bad --stake-pct', [...base, '--stake-pct', '150'], /--stake-pct: stake is a percent/],
    ['bad --fee', [...base, '--fee', '-1'], /--fee: fee is a rate/],
    ['unknown run id', ['backtest', 'show', '999999'], /RUN_ID: no stored run #999999/],
    ['malformed run id', ['backtest', 'show', 'abc'], /RUN_ID: "abc" is not a run id/],
    ['unwritable --trades-csv', [...base, '--from', '2024-01-01', '--to', '2024-01-10', '--trades-csv', '/nonexistent-dir/x.csv'], /--trades-csv: cannot write/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const res = await cli(args);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe('');
    });
  }

  it('show with no stored runs says how to make one', async () => {
    const res = await runCli(['backtest', 'show'], { dataDir: tempDir() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/backtest show: no stored backtests yet/);
  });

  it('an unknown flag is a usage error and runs nothing', async () => {
    const dir = tempDir();
    const res = await runCli([...base, '--bogus'], { dataDir: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/Unknown argument: bogus/);
    const list = await runCli(['backtest', 'list', '--json'], { dataDir: dir });
    expect(JSON.parse(list.stdout).runs).toEqual([]);
  });
});
