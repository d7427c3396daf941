// The real `tradetui optimize` CLI over the shipped candles: a trial equals `tradetui backtest` with the same
// parameters, the record reads back through list/show/export/apply, and bad input exits 2 naming the flag.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type CliResult } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const dataDir = tempDir('tradetui-opt-');
const cfgDir = tempDir('tradetui-opt-cfg-');
const cli = (args: string[]): Promise<CliResult> => runCli(args, { dataDir, env: { XDG_CONFIG_HOME: cfgDir } });
const SPAN = ['--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2023-03-01', '--to', '2023-07-01'];

type Json = Record<string, any>;

describe('tradetui optimize', () => {
  let res: CliResult;
  let out: Json;
  beforeAll(async () => {
    res = await cli(['optimize', '--strategy', 'ma-cross', ...SPAN, '--space', 'fast=5:15:5', '--space', 'slow=30:50:10', '--space', 'type=sma,ema', '--jobs', '2', '--json']);
    out = JSON.parse(res.stdout);
  }, 180_000);

  it('runs the grid and prints one JSON document with the run, the best trials and the overfitting report', () => {
    expect(res.code, res.stderr).toBe(0);
    expect(out.run.status).toBe('done');
    expect(out.run.trials).toBe(18);
    expect(out.top[0].rank).toBe(1);
    expect(out.report.verdict.line).toMatch(/PBO \d\.\d\d, DSR \d\.\d\d \(N=\d+\)/);
    expect(out.report.trialsOnRecord).toBeGreaterThanOrEqual(18);
  });

  it("gives each trial exactly the numbers `tradetui backtest` gives for the same parameters and span", async () => {
    for (const t of out.top.slice(0, 2)) {
      const p = t.params;
      const bt = await cli(['backtest', '--strategy', 'ma-cross', ...SPAN, '--param', `fast=${p.fast},slow=${p.slow},type=${p.type},short=${p.short}`, '--json', '--no-charts']);
      expect(bt.code, bt.stderr).toBe(0);
      const m = JSON.parse(bt.stdout).runs[0].metrics;
      for (const k of ['totalReturnPct', 'sharpe', 'sortino', 'calmar', 'maxDrawdownPct', 'trades', 'profitFactor', 'expectancy', 'feesPaid', 'finalEquity']) {
        expect(t.metrics[k], k).toBe(m[k]);
      }
      expect(t.score).toBe(m.sharpe);
    }
  }, 180_000);

  it('lists, shows (with an ASCII heatmap under NO_COLOR), exports and applies the record', async () => {
    const id = String(out.run.id);
    const list = await cli(['optimize', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s.*ma-cross.*BTC/USDT 1h.*18/18\\s+done`, 'm'));
    const show = await cli(['optimize', 'show', id, '--top', '3']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('rank  score');
    expect(show.stdout).toMatch(/\n3 +/);
    expect(show.stdout).not.toMatch(/\n4 +-?\d/);
    expect(show.stdout).toContain('X'); // the winner on the ASCII heatmap
    expect(show.stdout).not.toMatch(/[░▒▓█◆]/);
    expect(show.stdout).toMatch(/(likely overfit|fragile|no evidence of overfitting): PBO/);

    const file = join(dataDir, 'trials.csv');
    const exp = await cli(['optimize', 'export', id, '--csv', file]);
    expect(exp.code, exp.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^seq,role,fast,slow,type,short,score,totalReturnPct/);
    expect(lines.filter((l) => l.split(',')[1] === 'search')).toHaveLength(18);

    const apply = await cli(['optimize', 'apply', id, '--rank', '2']);
    expect(apply.code).toBe(0);
    const second = out.top[1].params;
    expect(apply.stdout).toContain('paper:\n  instances:\n    - strategy: ma-cross');
    expect(apply.stdout).toContain(`fast: ${second.fast}`);
    const added = await cli(['optimize', 'apply', id, '--add', '--yes']);
    expect(added.code, added.stderr).toBe(0);
    const cfg = readFileSync(join(cfgDir, 'tradetui', 'config.yaml'), 'utf8');
    expect(cfg).toContain(`fast: ${out.top[0].params.fast}`);
    const again = await cli(['config', 'check']);
    expect(again.code, again.stderr).toBe(0);
  }, 180_000);

  it.each([
    [['--space', 'fast=9:2'], '--space', /min 9 is above max 2/],
    [['--sampler', 'bayes'], '--sampler', /grid, random, tpe/],
    [['--objective', 'luck'], '--objective', /sharpe, sortino/],
    [['--jobs', '0'], '--jobs', /jobs is a whole number/],
  ])('exits 2 naming the flag for %j', async (extra, flag, message) => {
    const r = await cli(['optimize', '--strategy', 'ma-cross', ...SPAN, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toMatch(message);
  }, 60_000);

  it('exits 2 for an unknown run', async () => {
    const r = await cli(['optimize', 'show', '999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no optimisation run #999/);
  }, 60_000);
});
