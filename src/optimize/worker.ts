// The optimisation pool's worker: receives the run's setup once (candles as a SharedArrayBuffer, no copy),
// then runs trials whose tasks carry only parameters and a span. Indicator series shared between trials are
// cached here, one cache per worker. Loaded by tinypool from dist/optimize-worker.mjs (the bundled CLI),
// dist/src/optimize/worker.js (compiled) or this file through tsx (tests).
import { workerData } from 'node:worker_threads';
import { ta } from '../strategy/indicators.js';
import { getStrategy, loadStrategies } from '../strategy/registry.js';
import { CurveMemory } from '../backtest/run.js';
import { createIndicatorCache } from './indicator-cache.js';
import { runTrial, type TrialOutcome, type TrialSetup } from './trial.js';
import { candlesFromShared, type TrialTask, type WorkerSetup } from './shared.js';

// tinypool sends [its own data, ours].
const data = (workerData as [unknown, WorkerSetup])[1];
const cache = createIndicatorCache(ta);
// Trials run one after another here: one allocation serves every trial's equity curves.
const curves = new CurveMemory();

async function init(): Promise<TrialSetup> {
  const strategies = await loadStrategies({ strategiesDir: data.strategiesDir });
  return {
    strategy: getStrategy(data.strategy, strategies, '--strategy'),
    key: data.key,
    candles: candlesFromShared(data.candles),
    account: data.account,
    risk: data.risk,
    stakePct: data.stakePct,
    objective: data.objective,
    minTrades: data.minTrades,
  };
}

let setup: Promise<TrialSetup> | null = null;

export default async function trial(task: TrialTask): Promise<TrialOutcome> {
  setup ??= init();
  const s = await setup;
  const out = runTrial(s, task.params, task.span, { ta: cache.ta, costs: task.costs, onWindow: (w, begin) => cache.setWindow(w, begin), curves });
  return { metrics: out.metrics, score: out.score, daily: out.daily };
}
