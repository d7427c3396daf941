// The ML built-ins through the strategy contract: prepared with the shipped models, they pass the lookahead
// check, and a paper-style runner (one candle at a time, incremental update) decides exactly as the backtest
// over the same candles, predicting only the newest window per candle.
import { describe, expect, it } from 'vitest';
import { candleAt, seriesPrefix, seriesSlice } from '../../../src/core/candle.js';
import { StrategyRunner } from '../../../src/engine/strategy-runner.js';
import type { RiskLayer } from '../../../src/engine/risk/types.js';
import { prepareStrategy, type Params, type PrepareEnv, type Strategy } from '../../../src/strategy/contract.js';
import { ta } from '../../../src/strategy/indicators.js';
import { lookaheadCheck } from '../../../src/strategy/lookahead.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { builtinStrategies } from '../../../src/strategy/registry.js';
import { tempDir } from '../../support/run-cli.js';
import { loadCsvSeries } from '../../support/candles.js';

const all = loadCsvSeries('binance_BTCUSDT_1h.csv');
// March 2024: after the shipped models' training span.
const start = all.time.findIndex((t) => t >= Date.UTC(2024, 2, 1));
const candles = seriesSlice(all, start, start + 700);
const notes: string[] = [];
const env: PrepareEnv = { dataDir: tempDir('tradetui-mls-'), timeframe: '1h', externalSeries: () => null, note: (m) => notes.push(m) };
const mlBuiltins = builtinStrategies().filter((s) => s.prepare);

const noRisk = { compute: () => ({}) } as unknown as RiskLayer;

describe.each(mlBuiltins.map((s) => [s.name, s] as const))('%s', (name, base) => {
  it('needs its model loaded: an unprepared compute is a clear error', () => {
    expect(() => base.compute(candles, resolveParams(base, {}), ta)).toThrow(/needs its model loaded first/);
  });

  it('passes the lookahead check with the shipped model and decides within the span', async () => {
    const params = resolveParams(base, {}) as Params;
    const s = await prepareStrategy(base as Strategy, params, env);
    expect(notes.some((n) => n.includes('price features only'))).toBe(true);
    const r = await lookaheadCheck(s, params, candles, { randomCuts: 12 });
    expect(r.checkedCuts.length).toBeGreaterThanOrEqual(12);
    expect(r.differences).toEqual([]);
    const ind = s.compute(candles, params, ta);
    let decisions = 0;
    for (let i = 0; i < candles.length; i++) {
      const d = s.decide(i, { candles, ind, params }, null);
      if (!d) continue;
      decisions++;
      expect(d.reason).toMatch(/P\(up\)|forecast/);
      // Told that no one reads reasons (a backtest no one listens to): the same decision, without its text.
      expect(s.decide(i, { candles, ind, params, explain: false }, null)).toEqual({ ...d, reason: '' });
    }
    expect(decisions, `${name} decides at least once`).toBeGreaterThan(0);
  }, 120_000);

  it('a runner fed one candle at a time decides as the backtest does, predicting only new windows', async () => {
    const params = resolveParams(base, {}) as Params;
    const s = await prepareStrategy(base as Strategy, params, env);
    const full = s.compute(candles, params, ta);
    let updates = 0;
    const counted: Strategy = { ...s, update: (...a) => (updates++, s.update!(...a)) };
    const runner = new StrategyRunner({ id: 'x', strategy: counted, params, key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, running: true }, ta, noRisk);
    const warm = 600;
    runner.preload(seriesPrefix(candles, warm));
    runner.skipTo(candles.time[warm]!);
    const ownKey = Object.keys(full)[0]!;
    for (let i = warm; i < candles.length; i++) {
      runner.advance(candleAt(candles, i));
      const live = runner.decide(null);
      const back = s.decide(i, { candles, ind: full, params }, null);
      expect(live).toEqual(back);
      expect(runner.series().ind[ownKey]![i]).toBe(full[ownKey]![i]);
    }
    expect(updates).toBe(candles.length - warm - 1);
  }, 120_000);
});

describe('model parameter', () => {
  it('lists the shipped models and rejects an unknown id naming the choices', () => {
    const s = builtinStrategies().find((x) => x.name === 'ml-classifier')!;
    expect(() => resolveParams(s, { model: 'nope' })).toThrow(/must be one of gbt-btcusdt-1h-shipped, mlp-btcusdt-1h-shipped,/);
    // An ensemble is not a plain classifier's model, and ml-ensemble lists only ensembles.
    expect(() => resolveParams(s, { model: 'ensemble-btcusdt-1h-shipped' })).toThrow(/must be one of/);
    const e = builtinStrategies().find((x) => x.name === 'ml-ensemble')!;
    expect(resolveParams(e, {}).model).toBe('ensemble-btcusdt-1h-shipped');
    expect(() => resolveParams(e, { model: 'mlp-btcusdt-1h-shipped' })).toThrow(/must be one of ensemble-btcusdt-1h-shipped,/);
    const f = builtinStrategies().find((x) => x.name === 'ml-forecast')!;
    expect(resolveParams(f, {}).model).toBe('gru-forecast-btcusdt-1h-shipped');
  });

  it('a forecaster given to ml-classifier is refused with what it needs', async () => {
    const s = builtinStrategies().find((x) => x.name === 'ml-classifier')!;
    const params = { ...resolveParams(s, {}), model: 'gru-forecast-btcusdt-1h-shipped' };
    await expect(prepareStrategy(s, params, env)).rejects.toThrow(/is a forecaster; ml-classifier needs a classifier/);
  });
});
