// The real `tradetui ml` and `tradetui data import-series` commands in a fresh data dir: the shipped
// Fear & Greed series imported and used as a feature, a tiny model trained with --json, listed beside the
// shipped model, shown, evaluated against baselines, deleted; bad input exits 2 naming the flag or line.
// And the shipped model trades in a backtest, passing the lookahead check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type CliResult } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

const dataDir = tempDir('tradetui-ml-cli-');
const cli = (args: string[]): Promise<CliResult> => runCli(args, { dataDir, env: { TRADETUI_TF_BACKEND: 'cpu' } });
type Json = Record<string, any>;

describe('tradetui data import-series', () => {
  it('imports the shipped Fear & Greed series, each day counting from its end', async () => {
    const r = await cli(['data', 'import-series', 'data/alternative_me_fear_greed_1d.csv.gz', '--name', 'fear_greed', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ name: 'fear_greed', rows: 2524, periodMs: 86_400_000, first: '2018-02-01T00:00:00.000Z', last: '2025-01-02T00:00:00.000Z', min: 5, max: 95, gaps: 2 });
  }, 60_000);

  it('a file without a value column exits 2 naming the file and line', async () => {
    const file = join(tempDir(), 'bad.csv');
    writeFileSync(file, 'timestamp,score\n1517443200000,30\n');
    const r = await cli(['data', 'import-series', file, '--name', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1`);
    expect(r.stderr).toMatch(/value column/);
    writeFileSync(file, 'timestamp,value\n1517443200000,30\n1517529600000,high\n');
    const r2 = await cli(['data', 'import-series', file, '--name', 'x']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${file}:3: value "high" is not a number`);
  }, 60_000);
});

describe('tradetui ml train | list | show | evaluate | delete', () => {
  let trained: Json;
  beforeAll(async () => {
    await cli(['data', 'import-series', 'data/alternative_me_fear_greed_1d.csv.gz', '--name', 'fear_greed']);
    const r = await cli([
      'ml', 'train', '--model', 'mlp', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--from', '2018-06-01', '--to', '2023-01-01',
      '--features', 'ret1,ret4,vol24,rsi14,ext:fear_greed', '--lookback', '5', '--units', '8', '--epochs', '3', '--seed', '3', '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    trained = JSON.parse(r.stdout);
  }, 240_000);

  it('train --json prints one document: the id and the metadata', () => {
    expect(trained.id).toMatch(/^mlp-btcusdt-1d-\d{8}-\d{6}$/);
    const m = trained.meta;
    expect(m.kind).toBe('mlp');
    expect(m.featureSpec.features).toContain('ext:fear_greed');
    expect(m.label).toEqual({ kind: 'direction', horizon: 4, deadZone: 0.25 });
    expect(m.backend).toBe('cpu');
    expect(m.tfjsVersion).toBe('4.22.0');
    expect(m.scaler.mean).toHaveLength(5);
    expect(Object.keys(m.validation.baselines)).toEqual(['majority class', 'same as last candle']);
    expect(m.validation.model.balancedAccuracy).toBeGreaterThan(0);
    expect(m.notes).not.toContain('no external series: price features only');
  });

  it('list shows it beside the shipped model; show prints figures beside baselines', async () => {
    const list = JSON.parse((await cli(['ml', 'list', '--json'])).stdout);
    const ids = list.models.map((x: Json) => x.id);
    expect(ids).toContain(trained.id);
    expect(ids).toContain('mlp-btcusdt-1h-shipped');
    expect(list.models.find((x: Json) => x.id === 'mlp-btcusdt-1h-shipped').source).toBe('shipped');
    const show = await cli(['ml', 'show', trained.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/majority class/);
    expect(show.stdout).toMatch(/same as last candle/);
  }, 60_000);

  it('evaluate reports out-of-sample figures, and flags in-sample spans', async () => {
    const out = await cli(['ml', 'evaluate', trained.id, '--from', '2023-01-01', '--to', '2024-01-01', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.inSample).toBe(false);
    expect(doc.evaluation.rows).toBeGreaterThan(300);
    expect(Object.keys(doc.evaluation.baselines)).toEqual(['majority class', 'same as last candle']);
    const inSample = await cli(['ml', 'evaluate', trained.id, '--from', '2020-01-01', '--to', '2021-01-01']);
    expect(inSample.code).toBe(0);
    expect(inSample.stdout).toContain('IN-SAMPLE');
  }, 60_000);

  it('bad flags exit 2 naming the flag', async () => {
    const label = await cli(['ml', 'train', '--model', 'mlp', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--label', 'sideways']);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/--label: unknown label "sideways"/);
    const feat = await cli(['ml', 'train', '--model', 'mlp', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--features', 'ret1,ext:nope']);
    expect(feat.code).toBe(2);
    expect(feat.stderr).toMatch(/import-series FILE --name nope/);
    const kind = await cli(['ml', 'train', '--model', 'lstm', '--symbol', 'BTC/USDT', '--timeframe', '1d', '--label', 'return:h=2']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/lstm is a classifier/);
  }, 120_000);

  it('delete removes a trained model; shipped ones stay', async () => {
    const shipped = await cli(['ml', 'delete', 'mlp-btcusdt-1h-shipped']);
    expect(shipped.code).toBe(2);
    expect(shipped.stderr).toMatch(/ships with tradetui/);
    const del = await cli(['ml', 'delete', trained.id]);
    expect(del.code).toBe(0);
    const show = await cli(['ml', 'show', trained.id]);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain(`no model "${trained.id}"`);
  }, 60_000);
});

describe('the shipped model in a backtest', () => {
  it('ml-classifier trades out of sample with the shipped model and passes the lookahead check', async () => {
    const r = await cli(['backtest', '--strategy', 'ml-classifier', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-03-01', '--to', '2024-04-01', '--lookahead-check', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout).runs[0];
    expect(run.params.model).toBe('mlp-btcusdt-1h-shipped');
    expect(run.metrics.trades).toBeGreaterThan(0);
    expect(r.stderr).not.toContain('IN-SAMPLE');
    // Beside buy-and-hold and random signals at the same trade rate, net of fees.
    const b = JSON.parse(r.stdout).mlBaselines[0];
    expect(b.buyHoldReturnPct).toBe(run.metrics.buyHoldReturnPct);
    expect(b.randomSignals.seeds).toBe(20);
    expect(b.randomSignals.entryProbability).toBeGreaterThan(0);
  }, 300_000);

  it('walk-forward retrains on past candles before each block and passes the lookahead check', async () => {
    const r = await cli(['backtest', '--strategy', 'ml-classifier', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-03-01', '--to', '2024-04-01', '--walk-forward', 'train=40d,test=16d,epochs=2', '--lookahead-check']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/walk-forward block 1\/2 \(2024-03-01 → 2024-03-17\)/);
    expect(r.stderr).toMatch(/walk-forward block 2\/2/);
    expect(r.stdout).toMatch(/Lookahead check .*passed/);
    const bad = await cli(['backtest', '--strategy', 'ma-cross', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--walk-forward', 'train=40d,test=16d']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--walk-forward: .*ma-cross has none/);
  }, 300_000);

  it('a backtest over the training span says so: in-sample', async () => {
    const r = await cli(['backtest', '--strategy', 'ml-classifier', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2023-06-01', '--to', '2023-06-08']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('IN-SAMPLE');
  }, 300_000);
});
