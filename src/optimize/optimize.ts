// An optimisation run end to end: propose configurations, run them on the worker pool, record each one as it
// finishes, then judge the winner (PBO, DSR with N = configurations on record, neighbourhood, doubled costs)
// and store that report. Used by `tradetui optimize` and the benchmark; stops cleanly when asked (Ctrl-C)
// and resumes from what was recorded.
import { createHash } from 'node:crypto';
import type { CandleSeries, MarketKey } from '../core/candle.js';
import type { RiskConfig } from '../engine/risk/schema.js';
import type { AccountSettings } from '../backtest/run.js';
import type { Params, Strategy } from '../strategy/contract.js';
import type { Db } from '../adapters/store/sqlite/db.js';
import { TrialPool } from './pool.js';
import { candlesToShared, type WorkerSetup } from './shared.js';
import { createSampler, TPE_BATCH, type Observation, type SamplerName } from './samplers.js';
import { paramsKey, type SearchSpace } from './space.js';
import { OptimizeStore, type OptimizeRun, type RunHeader, type RunKind } from './store.js';
import { timeframeMs } from '../core/time.js';
import { deflatedSharpe, moments, pboCscv } from './stats.js';
import { neighbourhoodScore, neighbours, verdict, type VerdictLevel } from './robustness.js';
import type { ObjectiveName, Span, TrialOutcome } from './trial.js';

export interface OptimizeSpec {
  strategy: Strategy;
  strategiesDir: string | null;
  key: MarketKey;
  /** Candles: warm-up for the largest warm-up of the space, then the span. */
  candles: CandleSeries;
  span: Span;
  account: AccountSettings;
  risk: RiskConfig;
  stakePct?: number;
  space: SearchSpace;
  spaceFlags: string[];
  sampler: SamplerName;
  trials?: number;
  objective: ObjectiveName;
  minTrades: number;
  seed: number;
  jobs: number;
  /** PBO blocks S. */
  pboBlocks?: number;
}

export interface Progress {
  done: number;
  planned: number;
  best: { params: Params; score: number } | null;
  phase: 'search' | 'report';
}

export interface OverfitReport {
  winner: { seq: number; params: Params; score: number; metrics: TrialOutcome['metrics'] } | null;
  trialsOnRecord: number;
  pbo: { value: number; blocks: number; splits: number; probLoss: number } | null;
  pboNote: string | null;
  dsr: { value: number; sharpe: number; expectedMaxSharpe: number; observations: number; skewness: number; kurtosis: number; sharpeVariance: number } | null;
  neighbours: { count: number; meanScore: number | null; changePct: number | null; holdingShare: number | null };
  doubledCosts: { score: number | null; totalReturnPct: number; maxDrawdownPct: number; trades: number } | null;
  verdict: { level: VerdictLevel; line: string };
}

/** Identity of the strategy's code and parameter specs: results of another version are not comparable. */
export function strategyVersion(s: Strategy): string {
  const src = [JSON.stringify(s.params), String(s.warmup), String(s.compute), String(s.decide), String(s.validate ?? '')].join('\n');
  return createHash('sha256').update(src).digest('hex').slice(0, 12);
}

/** Hash of the candle bytes a run used (warm-up included). */
/** What a run records of its spec: market, span (the last candle's close ends it), candles' hash, search settings. */
export function runHeader(spec: OptimizeSpec, kind: RunKind, settings: Record<string, unknown>): RunHeader {
  const times = spec.candles.time;
  return {
    kind,
    strategy: spec.strategy.name,
    strategyVersion: strategyVersion(spec.strategy),
    exchange: spec.key.exchange,
    symbol: spec.key.symbol,
    timeframe: spec.key.timeframe,
    spanFrom: times[spec.span.from]!,
    spanTo: times[spec.span.to - 1]! + timeframeMs(spec.key.timeframe),
    candlesHash: candlesHash(spec.candles, 0, spec.span.to),
    sampler: spec.sampler,
    objective: spec.objective,
    seed: spec.seed,
    trialsPlanned: 0,
    minTrades: spec.minTrades,
    space: spec.spaceFlags,
    settings: { account: spec.account, stakePct: spec.stakePct ?? null, risk: spec.risk, trials: spec.trials ?? null, ...settings },
  };
}

export function candlesHash(c: CandleSeries, from = 0, to = c.length): string {
  const h = createHash('sha256');
  for (const col of [c.time, c.open, c.high, c.low, c.close, c.volume]) {
    const v = col.subarray(from, to);
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

export function workerSetup(spec: OptimizeSpec): WorkerSetup {
  return {
    strategy: spec.strategy.name,
    strategiesDir: spec.strategiesDir,
    key: spec.key,
    candles: candlesToShared(spec.candles),
    account: spec.account,
    risk: spec.risk,
    stakePct: spec.stakePct,
    objective: spec.objective,
    minTrades: spec.minTrades,
  };
}

export interface RunHandle {
  runId: number;
  status: 'done' | 'interrupted';
  report: OverfitReport | null;
}

/**
 * Runs (or, with `resumeRunId`, continues) an optimisation. `stop()` is polled between batches: trials already
 * running finish and are kept, the run is marked interrupted.
 */
export async function optimize(
  db: Db,
  spec: OptimizeSpec,
  opts: { resumeRunId?: number; onProgress?: (p: Progress) => void; stop?: () => boolean; pool?: TrialPool } = {},
): Promise<RunHandle> {
  const store = new OptimizeStore(db);
  let run: OptimizeRun;
  if (opts.resumeRunId !== undefined) {
    run = store.getRun(opts.resumeRunId)!;
    store.setStatus(run.id, 'running');
  } else {
    const id = store.createRun(runHeader(spec, 'search', { pboBlocks: spec.pboBlocks ?? 16 }));
    run = store.getRun(id)!;
  }
  const previous = store.trials(run.id, ['search']);
  const history: Observation[] = previous.map((t) => ({ params: t.params, score: t.score ?? -Infinity }));
  const sampler = createSampler(spec.sampler, spec.strategy, spec.space, { trials: spec.trials, seed: spec.seed, tried: new Set(previous.map((t) => paramsKey(t.params))) });
  store.setPlanned(run.id, sampler.planned);

  const pool = opts.pool ?? new TrialPool(workerSetup(spec), spec.jobs);
  let best: Progress['best'] = null;
  let bestSeq = -1;
  for (const t of previous) {
    if (t.score !== null && (best === null || t.score > best.score)) {
      best = { params: t.params, score: t.score };
      bestSeq = t.seq;
    }
  }
  // Daily returns of this session's search trials, kept for the report (the record has them too; reading
  // thousands back costs more than holding them). Earlier sessions' trials (a resumed run) come from the record.
  const dailyBySeq = new Map<number, Float64Array>();
  let done = previous.length;
  const report = (phase: Progress['phase']): void => opts.onProgress?.({ done, planned: sampler.planned, best, phase });
  report('search');
  // Grid and random do not learn, so batches only bound how much is in flight when a stop comes.
  const batch = spec.sampler === 'tpe' ? TPE_BATCH : Math.max(16, spec.jobs * 8);
  let stopped = false;
  try {
    for (;;) {
      if (opts.stop?.()) {
        stopped = true;
        break;
      }
      const proposals = sampler.next(history, batch);
      if (proposals.length === 0) break;
      // Recorded as they finish (kept if the user stops); history gets them in proposal order (determinism).
      const base = store.reserveSeqs(run.id, proposals.length);
      const outcomes = await Promise.all(
        proposals.map(async (params, k) => {
          const out = await pool.run({ params, span: spec.span });
          const seq = store.addTrial(run, { role: 'search', params, paramsKey: paramsKey(params), score: out.score, metrics: out.metrics, daily: out.daily, seq: base + k });
          dailyBySeq.set(seq, out.daily);
          done++;
          if (Number.isFinite(out.score) && (best === null || out.score > best.score || (out.score === best.score && seq < bestSeq))) {
            best = { params, score: out.score };
            bestSeq = seq;
          }
          report('search');
          return out;
        }),
      );
      proposals.forEach((params, k) => history.push({ params, score: outcomes[k]!.score }));
    }
    if (stopped) {
      store.setStatus(run.id, 'interrupted');
      return { runId: run.id, status: 'interrupted', report: null };
    }
    report('report');
    const overfit = await overfitReport(store, run, spec, pool, dailyBySeq);
    store.saveReport(run.id, overfit as unknown as Record<string, unknown>);
    store.setStatus(run.id, 'done');
    return { runId: run.id, status: 'done', report: overfit };
  } catch (err) {
    store.setStatus(run.id, 'interrupted');
    throw err;
  } finally {
    if (!opts.pool) await pool.close();
  }
}

/** The winner judged: PBO over every search trial, DSR with N on record, neighbours, doubled costs, verdict. */
async function overfitReport(store: OptimizeStore, run: OptimizeRun, spec: OptimizeSpec, pool: TrialPool, sessionDaily: ReadonlyMap<number, Float64Array>): Promise<OverfitReport> {
  const trials = store.trials(run.id, ['search', 'neighbour']);
  const search = trials.filter((t) => t.role === 'search');
  const trialsOnRecord = store.triedCount(run);
  let winner: (typeof search)[number] | null = null;
  for (const t of search) if (t.score !== null && (winner === null || t.score > winner.score!)) winner = t;
  if (!winner) {
    return {
      winner: null,
      trialsOnRecord,
      pbo: null,
      pboNote: 'no trial reached the objective (too few trades or no value)',
      dsr: null,
      neighbours: { count: 0, meanScore: null, changePct: null, holdingShare: null },
      doubledCosts: null,
      verdict: { level: 'fragile', line: `no winner: no trial reached --min-trades ${spec.minTrades} with a defined ${spec.objective}` },
    };
  }
  const daily = new Map(sessionDaily);
  const unread = search.map((t) => t.seq).filter((seq) => !daily.has(seq));
  if (unread.length > 0) for (const [seq, d] of store.dailyReturns(run.id, unread)) daily.set(seq, d);
  const series = search.map((t) => daily.get(t.seq)!);
  const blocks = spec.pboBlocks ?? 16;
  let pbo: OverfitReport['pbo'] = null;
  let pboNote: string | null = null;
  if (series.length < 2) pboNote = 'PBO needs at least two trials';
  else if (series[0]!.length < blocks * 2) pboNote = `PBO with S=${blocks} needs at least ${blocks * 2} days, the span has ${series[0]!.length}`;
  else {
    const r = pboCscv(series, blocks);
    pbo = { value: r.pbo, blocks: r.blocks, splits: r.splits, probLoss: r.probLoss };
  }
  const w = moments(daily.get(winner.seq)!);
  const srs = series.map((s) => moments(s).sharpe);
  const srMean = srs.reduce((a, b) => a + b, 0) / srs.length;
  const sharpeVariance = srs.length > 1 ? srs.reduce((a, b) => a + (b - srMean) ** 2, 0) / (srs.length - 1) : 0;

  // Neighbours: reuse the ones the search (or an earlier report) already ran; run the rest now.
  const known = new Map(trials.map((t) => [paramsKey(t.params), t.score ?? -Infinity]));
  const around = neighbours(spec.strategy, spec.space, winner.params);
  const missing = around.filter((p) => !known.has(paramsKey(p)));
  const ran = await Promise.all(missing.map((params) => pool.run({ params, span: spec.span })));
  // Recorded after all finish, in proposal order: the record does not depend on --jobs.
  missing.forEach((params, k) => {
    const out = ran[k]!;
    store.addTrial(run, { role: 'neighbour', params, paramsKey: paramsKey(params), score: out.score, metrics: out.metrics, daily: out.daily });
    known.set(paramsKey(params), out.score);
  });
  const hood = neighbourhoodScore(winner.score!, around.map((p) => known.get(paramsKey(p))!));

  const costs = await pool.run({ params: winner.params, span: spec.span, costs: 2 });
  store.addTrial(run, { role: 'costs', params: winner.params, paramsKey: paramsKey(winner.params), score: costs.score, metrics: costs.metrics, daily: costs.daily });
  const doubledCosts = { score: Number.isFinite(costs.score) ? costs.score : null, totalReturnPct: costs.metrics.totalReturnPct, maxDrawdownPct: costs.metrics.maxDrawdownPct, trades: costs.metrics.trades };
  // Neighbours count as configurations tried too: N includes them.
  const onRecord = store.triedCount(run);
  const d = deflatedSharpe({ sharpe: w.sharpe, observations: w.n, skewness: w.skewness, kurtosis: w.kurtosis, trials: onRecord, sharpeVariance });
  const dsr = Number.isFinite(d.dsr) ? { value: d.dsr, sharpe: w.sharpe, expectedMaxSharpe: d.expectedMaxSharpe, observations: w.n, skewness: w.skewness, kurtosis: w.kurtosis, sharpeVariance } : null;
  return {
    winner: { seq: winner.seq, params: winner.params, score: winner.score!, metrics: winner.metrics },
    trialsOnRecord: onRecord,
    pbo,
    pboNote,
    dsr,
    neighbours: hood,
    doubledCosts,
    verdict: verdict({ pbo: pbo?.value ?? null, dsr: dsr?.value ?? null, trialsOnRecord: onRecord, neighboursChangePct: hood.changePct, doubledCostsReturnPct: doubledCosts.totalReturnPct }),
  };
}
