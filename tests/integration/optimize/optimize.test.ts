// Optimisation runs on the real worker pool over real BTC/USDT 1h candles: identical results for any number of
// jobs, the per-worker indicator cache changes nothing, a stopped run keeps its trials and resumes to the same
// record as an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/adapters/store/sqlite/db.js';
import { parseConfig } from '../../../src/config/load.js';
import { ta } from '../../../src/strategy/indicators.js';
import maCross from '../../../strategies/ma-cross.js';
import { optimize, type OptimizeSpec } from '../../../src/optimize/optimize.js';
import { parseSpace } from '../../../src/optimize/space.js';
import { OptimizeStore } from '../../../src/optimize/store.js';
import { createIndicatorCache } from '../../../src/optimize/indicator-cache.js';
import { runTrial, type TrialSetup } from '../../../src/optimize/trial.js';
import { CurveMemory } from '../../../src/backtest/run.js';
import { parseWalkForward, walkForward } from '../../../src/optimize/walk-forward.js';
import { loadCsvSeries } from '../../support/candles.js';
import { withSourceWorkers } from '../../support/source-workers.js';

const candles = loadCsvSeries('binance_BTCUSDT_1h.csv', 3000);
const risk = parseConfig({}).risk;
const account = { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false };
const SPACE = ['fast=5:20:5', 'slow=30:60:10', 'type=sma,ema'];

function spec(over: Partial<OptimizeSpec> = {}): OptimizeSpec {
  const space = over.spaceFlags ?? SPACE;
  return {
    strategy: maCross,
    strategiesDir: null,
    key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' },
    candles,
    span: { from: 600, to: candles.length },
    account,
    risk,
    space: parseSpace(maCross, space),
    spaceFlags: space,
    sampler: 'grid',
    objective: 'sharpe',
    minTrades: 1,
    seed: 3,
    jobs: 1,
    ...over,
  };
}

/** The record of a run without ids and times: what must not depend on --jobs. */
function record(db: ReturnType<typeof openDb>, runId: number): unknown {
  const store = new OptimizeStore(db);
  const run = store.getRun(runId)!;
  const trials = store.trials(runId).map((t) => ({ ...t, daily: [...store.dailyReturns(runId, [t.seq]).get(t.seq)!] }));
  return { trials, report: run.report, planned: run.trialsPlanned, status: run.status };
}

describe('optimize on the worker pool', () => {
  it('gives the same trials, scores, daily returns and report on 1 and 2 jobs (grid and tpe)', async () => {
    for (const sampler of ['grid', 'tpe'] as const) {
      const out = [];
      for (const jobs of [1, 2]) {
        const db = openDb(':memory:');
        // One run starts its workers from the sources through tsx, the others from the build (tests/support/source-workers.ts).
        const run = () => optimize(db, spec({ jobs, sampler, trials: sampler === 'tpe' ? 20 : undefined }));
        const h = sampler === 'grid' && jobs === 2 ? await withSourceWorkers(run) : await run();
        expect(h.status).toBe('done');
        out.push(record(db, h.runId));
        db.close();
      }
      expect(out[1]).toEqual(out[0]);
      const r = out[0] as { trials: Array<{ role: string }>; report: { verdict: { line: string }; pbo: { splits: number } } };
      expect(r.trials.filter((t) => t.role === 'search')).toHaveLength(sampler === 'grid' ? 32 : 20);
      expect(r.report.pbo.splits).toBe(12870);
      expect(r.report.verdict.line).toMatch(/^(likely overfit|fragile|no evidence of overfitting): PBO \d\.\d\d, DSR \d\.\d\d \(N=\d+\)/);
    }
  }, 240_000);

  it('a stopped run keeps its finished trials and resumes to the record of an uninterrupted run', async () => {
    const db = openDb(':memory:');
    let calls = 0;
    // Stop before the second batch (16 trials per batch on 1 job).
    const first = await optimize(db, spec(), { stop: () => calls++ > 0 });
    expect(first.status).toBe('interrupted');
    const store = new OptimizeStore(db);
    expect(store.getRun(first.runId)!.status).toBe('interrupted');
    expect(store.trials(first.runId, ['search'])).toHaveLength(16);
    const resumed = await optimize(db, spec(), { resumeRunId: first.runId });
    expect(resumed.status).toBe('done');

    const fresh = openDb(':memory:');
    const whole = await optimize(fresh, spec());
    expect(record(db, first.runId)).toEqual(record(fresh, whole.runId));
    // Configurations on record: the 32 of the grid, plus neighbours, counted once however often they ran.
    expect(store.triedCount(store.getRun(first.runId)!)).toBe(new OptimizeStore(fresh).triedCount(new OptimizeStore(fresh).getRun(whole.runId)!));
  }, 240_000);
});

describe('per-worker indicator cache', () => {
  it('changes no number: trials in any order (curves in reused memory) equal uncached trials, and shared series are reused', () => {
    const setup: TrialSetup = { strategy: maCross, key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, candles, account, risk, objective: 'sharpe', minTrades: 1 };
    const cache = createIndicatorCache(ta);
    const curves = new CurveMemory();
    const span = { from: 600, to: candles.length };
    const params = [
      { fast: 20, slow: 50, type: 'sma', short: false },
      { fast: 10, slow: 50, type: 'sma', short: false },
      { fast: 20, slow: 50, type: 'wma', short: false },
      { fast: 20, slow: 60, type: 'ema', short: true },
      { fast: 20, slow: 50, type: 'sma', short: false },
    ];
    for (const p of params) {
      const cached = runTrial(setup, p, span, { ta: cache.ta, onWindow: (w, b) => cache.setWindow(w, b), curves });
      const plain = runTrial(setup, p, span);
      expect(cached.metrics).toEqual(plain.metrics);
      expect([...cached.daily]).toEqual([...plain.daily]);
      expect([...cached.equity]).toEqual([...plain.equity]);
      expect([...cached.equityTimes]).toEqual([...plain.equityTimes]);
    }
    // SMA(50) of the same window serves trials 2 and 5; trial 5 reuses both its series.
    expect(cache.stats().hits).toBeGreaterThanOrEqual(3);
  });
});

describe('walk-forward on the worker pool', () => {
  it('picks each window’s in-sample best, tests it out of sample, and gives the same report on 1 and 2 jobs', async () => {
    const reports = [];
    for (const jobs of [1, 2]) {
      const db = openDb(':memory:');
      const flags = ['fast=5:15:5', 'slow=30:40:10'];
      const h = await walkForward(db, spec({ jobs, spaceFlags: flags, space: parseSpace(maCross, flags) }), parseWalkForward('is=40d,oos=20d'));
      expect(h.status).toBe('done');
      const r = h.report!;
      // 3000 candles from candle 600: 100 days; IS 40 days, then OOS windows of 20 days: 3.
      expect(r.windows).toHaveLength(3);
      const trials = new OptimizeStore(db).trials(h.runId);
      for (const w of r.windows) {
        const is = trials.filter((t) => t.role === 'wf-is' && t.window === w.window);
        expect(is).toHaveLength(6);
        expect(w.isScore).toBe(Math.max(...is.map((t) => t.score ?? -Infinity)));
        const oos = trials.find((t) => t.role === 'wf-oos' && t.window === w.window)!;
        expect(oos.params).toEqual(w.best);
      }
      expect(r.oos.trades).toBe(r.windows.reduce((a, w) => a + (w.oosMetrics?.trades ?? 0), 0));
      reports.push(r);
      db.close();
    }
    expect(reports[1]).toEqual(reports[0]);
  }, 240_000);
});
