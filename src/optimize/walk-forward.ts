// Walk-forward analysis: at each step, optimise on the in-sample window and run the winner on the following
// out-of-sample window. Reports each window (best parameters, IS and OOS score), the stitched out-of-sample
// equity (daily, compounded), its metrics, the parameter drift and the walk-forward efficiency.
import type { Db } from '../adapters/store/sqlite/db.js';
import { lowerBound } from '../core/candle.js';
import { UserError } from '../core/errors.js';
import { DAY_MS } from '../core/time.js';
import { computeMetrics } from '../backtest/metrics.js';
import type { Params } from '../strategy/contract.js';
import { createSampler, TPE_BATCH, type Observation } from './samplers.js';
import { paramsKey } from './space.js';
import { OptimizeStore } from './store.js';
import { TrialPool } from './pool.js';
import { runHeader, workerSetup, type OptimizeSpec, type Progress } from './optimize.js';
import { trialMetrics, type Span, type TrialMetrics } from './trial.js';

export interface WalkForwardPlan {
  isMs: number;
  oosMs: number;
  stepMs: number;
  anchored: boolean;
}

const UNITS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** Parses "is=365d,oos=90d[,step=90d][,anchored]"; step defaults to oos. */
export function parseWalkForward(raw: string): WalkForwardPlan {
  const where = '--walk-forward';
  const out: Partial<WalkForwardPlan> = { anchored: false };
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (part === 'anchored') {
      out.anchored = true;
      continue;
    }
    const m = /^(is|oos|step)=(\d+(?:\.\d+)?)([hdw])$/.exec(part);
    if (!m) throw new UserError(`expected is=365d,oos=90d[,step=90d][,anchored] (units h, d, w), got "${part}"`, where);
    const ms = Number(m[2]) * UNITS[m[3]!]!;
    if (!(ms > 0)) throw new UserError(`${m[1]} must be above 0`, where);
    if (m[1] === 'is') out.isMs = ms;
    else if (m[1] === 'oos') out.oosMs = ms;
    else out.stepMs = ms;
  }
  if (out.isMs === undefined || out.oosMs === undefined) throw new UserError('give both is= and oos=, e.g. is=365d,oos=90d', where);
  return { isMs: out.isMs, oosMs: out.oosMs, stepMs: out.stepMs ?? out.oosMs, anchored: out.anchored! };
}

export interface Window {
  is: Span;
  oos: Span;
}

/** Windows over the span: OOS windows follow each other by `step` until the data ends (the last may be short). */
export function windows(times: Float64Array, length: number, span: Span, plan: WalkForwardPlan): Window[] {
  const series = { length, time: times } as Parameters<typeof lowerBound>[0];
  const start = times[span.from]!;
  const end = times[span.to - 1]! + 1;
  const out: Window[] = [];
  for (let k = 0; ; k++) {
    const oosStart = start + plan.isMs + k * plan.stepMs;
    if (oosStart >= end) break;
    const isStart = plan.anchored ? start : oosStart - plan.isMs;
    const is = { from: Math.max(span.from, lowerBound(series, isStart)), to: Math.min(span.to, lowerBound(series, oosStart)) };
    const oos = { from: is.to, to: Math.min(span.to, lowerBound(series, oosStart + plan.oosMs)) };
    if (is.to - is.from < 2 || oos.to - oos.from < 1) continue;
    out.push({ is, oos });
  }
  if (out.length === 0) throw new UserError('the span is shorter than one in-sample plus out-of-sample window', '--walk-forward');
  return out;
}

export interface WindowResult {
  window: number;
  isFrom: number;
  isTo: number;
  oosFrom: number;
  oosTo: number;
  best: Params | null;
  isScore: number | null;
  isMetrics: TrialMetrics | null;
  oosScore: number | null;
  oosMetrics: TrialMetrics | null;
}

export interface WalkForwardReport {
  plan: WalkForwardPlan;
  windows: WindowResult[];
  /** Stitched out-of-sample equity, one point per day (end of day), compounding each window's daily returns. */
  equityTimes: number[];
  equity: number[];
  oos: TrialMetrics;
  /** OOS CAGR over the mean in-sample CAGR of the winners (Pardo); null when undefined. */
  efficiency: number | null;
  drift: Array<{ param: string; values: Array<string | number | boolean>; changes: number; spread: string }>;
}

export async function walkForward(
  db: Db,
  spec: OptimizeSpec,
  plan: WalkForwardPlan,
  opts: { onProgress?: (p: Progress) => void; stop?: () => boolean } = {},
): Promise<{ runId: number; status: 'done' | 'interrupted'; report: WalkForwardReport | null }> {
  const store = new OptimizeStore(db);
  const wins = windows(spec.candles.time, spec.candles.length, spec.span, plan);
  const times = spec.candles.time;
  const tf = times[1]! - times[0]!;
  const header = runHeader(spec, 'walk-forward', { walkForward: plan });
  const runId = store.createRun(header);
  const run = { ...header, id: runId };
  const pool = new TrialPool(workerSetup(spec), spec.jobs);
  const results: WindowResult[] = [];
  const stitchedTimes: number[] = [];
  const stitched: number[] = [];
  let equity = spec.account.balance;
  let done = 0;
  let best: Progress['best'] = null;
  const batch = spec.sampler === 'tpe' ? TPE_BATCH : Math.max(16, spec.jobs * 8);
  try {
    for (let w = 0; w < wins.length; w++) {
      const { is, oos } = wins[w]!;
      const isSpan = { from: times[is.from]!, to: times[is.to - 1]! + tf };
      const sampler = createSampler(spec.sampler, spec.strategy, spec.space, { trials: spec.trials, seed: spec.seed });
      if (w === 0) store.setPlanned(runId, sampler.planned * wins.length);
      const history: Observation[] = [];
      let winner: { params: Params; score: number; metrics: TrialMetrics } | null = null;
      for (;;) {
        if (opts.stop?.()) {
          store.setStatus(runId, 'interrupted');
          return { runId, status: 'interrupted', report: null };
        }
        const proposals = sampler.next(history, batch);
        if (proposals.length === 0) break;
        const base = store.reserveSeqs(runId, proposals.length);
        const outs = await Promise.all(
          proposals.map(async (params, k) => {
            const out = await pool.run({ params, span: is });
            store.addTrial(run, { role: 'wf-is', params, paramsKey: paramsKey(params), score: out.score, metrics: out.metrics, daily: out.daily, window: w + 1, seq: base + k }, isSpan);
            done++;
            opts.onProgress?.({ done, planned: sampler.planned * wins.length, best, phase: 'search' });
            return out;
          }),
        );
        proposals.forEach((params, k) => {
          const o = outs[k]!;
          history.push({ params, score: o.score });
          if (Number.isFinite(o.score) && (winner === null || o.score > winner.score)) winner = { params, score: o.score, metrics: o.metrics };
        });
      }
      const chosen = winner as { params: Params; score: number; metrics: TrialMetrics } | null;
      let oosOut = null;
      if (chosen) {
        best = { params: chosen.params, score: chosen.score };
        oosOut = await pool.run({ params: chosen.params, span: oos });
        store.addTrial(run, { role: 'wf-oos', params: chosen.params, paramsKey: paramsKey(chosen.params), score: oosOut.score, metrics: oosOut.metrics, daily: oosOut.daily, window: w + 1 }, { from: times[oos.from]!, to: times[oos.to - 1]! + tf });
      }
      // Stitch: a window without a winner stays flat (no trades) out of sample.
      const days = dayEnds(times, oos);
      days.forEach((t, k) => {
        if (oosOut) equity *= 1 + (oosOut.daily[k] ?? 0);
        stitchedTimes.push(t);
        stitched.push(equity);
      });
      results.push({
        window: w + 1,
        isFrom: times[is.from]!,
        isTo: times[is.to - 1]! + tf,
        oosFrom: times[oos.from]!,
        oosTo: times[oos.to - 1]! + tf,
        best: chosen?.params ?? null,
        isScore: chosen?.score ?? null,
        isMetrics: chosen?.metrics ?? null,
        oosScore: oosOut && Number.isFinite(oosOut.score) ? oosOut.score : null,
        oosMetrics: oosOut?.metrics ?? null,
      });
    }
    const m = computeMetrics({
      trades: [],
      equityTimes: Float64Array.from(stitchedTimes.map((t) => t - DAY_MS + 1)),
      equity: Float64Array.from(stitched),
      initialBalance: spec.account.balance,
      timeframe: '1d',
      exposureCandles: 0,
      feesPaid: results.reduce((a, r) => a + (r.oosMetrics?.feesPaid ?? 0), 0),
      firstPrice: spec.candles.open[wins[0]!.oos.from]!,
      lastPrice: spec.candles.close[spec.span.to - 1]!,
    });
    const oosMetrics = { ...trialMetrics(m), trades: results.reduce((a, r) => a + (r.oosMetrics?.trades ?? 0), 0), winRatePct: null, profitFactor: null, expectancy: null, exposurePct: NaN };
    const isCagrs = results.map((r) => r.isMetrics?.cagrPct).filter((x): x is number => typeof x === 'number');
    const meanIs = isCagrs.length > 0 ? isCagrs.reduce((a, b) => a + b, 0) / isCagrs.length : null;
    const report: WalkForwardReport = {
      plan,
      windows: results,
      equityTimes: stitchedTimes,
      equity: stitched,
      oos: oosMetrics,
      efficiency: meanIs !== null && meanIs !== 0 && m.cagrPct !== null ? m.cagrPct / meanIs : null,
      drift: drift(results),
    };
    store.saveReport(runId, report as unknown as Record<string, unknown>);
    store.setStatus(runId, 'done');
    return { runId, status: 'done', report };
  } catch (err) {
    store.setStatus(runId, 'interrupted');
    throw err;
  } finally {
    await pool.close();
  }
}

/** End-of-day times of a span's candles, one per UTC day (the days a trial's daily series covers). */
function dayEnds(times: Float64Array, span: Span): number[] {
  const out: number[] = [];
  for (let i = span.from; i < span.to; i++) {
    const day = Math.floor(times[i]! / DAY_MS);
    if (i === span.to - 1 || Math.floor(times[i + 1]! / DAY_MS) !== day) out.push((day + 1) * DAY_MS - 1);
  }
  return out;
}

function drift(results: readonly WindowResult[]): WalkForwardReport['drift'] {
  const withBest = results.filter((r) => r.best !== null);
  if (withBest.length === 0) return [];
  return Object.keys(withBest[0]!.best!).map((param) => {
    const values = withBest.map((r) => r.best![param]!);
    let changes = 0;
    for (let k = 1; k < values.length; k++) if (values[k] !== values[k - 1]) changes++;
    let spread: string;
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
      const std = Math.sqrt(nums.reduce((a, b) => a + (b - mean) ** 2, 0) / nums.length);
      spread = `${Math.min(...nums)}..${Math.max(...nums)}, CV ${mean !== 0 ? ((std / Math.abs(mean)) * 100).toFixed(0) : '—'}%`;
    } else spread = [...new Set(values.map(String))].join('/');
    return { param, values, changes, spread };
  });
}
