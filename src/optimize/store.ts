// The optimisation record (migration 60): runs, every trial with its metrics and daily returns, and the
// configurations ever tried per (strategy, market, span). A trial is written the moment it finishes, so an
// interrupted run keeps what it did and can be resumed.
import type { Db } from '../adapters/store/sqlite/db.js';
import type { Timeframe } from '../core/time.js';
import { packFloat64, unpackFloat64 } from '../backtest/runs.js';
import type { Params } from '../strategy/contract.js';
import type { SamplerName } from './samplers.js';
import type { ObjectiveName, TrialMetrics } from './trial.js';

export type RunStatus = 'running' | 'interrupted' | 'done';
export type RunKind = 'search' | 'walk-forward';
/** search: a sampled trial; neighbour: run only to score the winner's neighbourhood; costs: the winner with doubled costs;
 *  wf-is / wf-oos: walk-forward in-sample trials and the out-of-sample run of each window's winner. */
export type TrialRole = 'search' | 'neighbour' | 'costs' | 'wf-is' | 'wf-oos';

export interface RunHeader {
  kind: RunKind;
  strategy: string;
  strategyVersion: string;
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  spanFrom: number;
  spanTo: number;
  candlesHash: string;
  sampler: SamplerName;
  objective: ObjectiveName;
  seed: number;
  trialsPlanned: number;
  minTrades: number;
  /** The --space flags as given, or [] for the strategy's own ranges. */
  space: string[];
  settings: Record<string, unknown>;
}

export interface OptimizeRun extends RunHeader {
  id: number;
  createdAt: number;
  finishedAt: number | null;
  status: RunStatus;
  report: Record<string, unknown> | null;
  /** Search trials recorded. */
  trials: number;
}

export interface StoredTrial {
  seq: number;
  role: TrialRole;
  params: Params;
  /** null when the trial scored worst (too few trades, undefined objective). */
  score: number | null;
  metrics: TrialMetrics;
  /** Window number for walk-forward trials (from settings), else null. */
  window: number | null;
}

interface RunRow {
  id: number;
  created_at: number;
  finished_at: number | null;
  status: string;
  kind: string;
  strategy: string;
  strategy_version: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  span_from: number;
  span_to: number;
  candles_hash: string;
  sampler: string;
  objective: string;
  seed: number;
  trials_planned: number;
  min_trades: number;
  space: string;
  settings: string;
  report: string | null;
  trials: number;
}

function toRun(r: RunRow): OptimizeRun {
  return {
    id: r.id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    status: r.status as RunStatus,
    kind: r.kind as RunKind,
    strategy: r.strategy,
    strategyVersion: r.strategy_version,
    exchange: r.exchange,
    symbol: r.symbol,
    timeframe: r.timeframe as Timeframe,
    spanFrom: r.span_from,
    spanTo: r.span_to,
    candlesHash: r.candles_hash,
    sampler: r.sampler as SamplerName,
    objective: r.objective as ObjectiveName,
    seed: r.seed,
    trialsPlanned: r.trials_planned,
    minTrades: r.min_trades,
    space: JSON.parse(r.space) as string[],
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    report: r.report === null ? null : (JSON.parse(r.report) as Record<string, unknown>),
    trials: r.trials,
  };
}

const RUN_SELECT = `SELECT r.*, (SELECT COUNT(*) FROM optimize_trials t WHERE t.run_id = r.id AND t.role IN ('search', 'wf-is')) AS trials FROM optimize_runs r`;

export class OptimizeStore {
  private readonly insertTrial;
  private readonly insertTried;
  private nextSeq = new Map<number, number>();

  constructor(private readonly db: Db) {
    this.insertTrial = db.prepare(
      `INSERT INTO optimize_trials (run_id, seq, role, params, params_key, score, trades, metrics, daily) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTried = db.prepare(
      `INSERT OR IGNORE INTO optimize_tried (strategy, exchange, symbol, timeframe, span_from, span_to, params_key, first_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  createRun(h: RunHeader): number {
    const info = this.db
      .prepare(
        `INSERT INTO optimize_runs (created_at, status, kind, strategy, strategy_version, exchange, symbol, timeframe, span_from, span_to,
           candles_hash, sampler, objective, seed, trials_planned, min_trades, space, settings)
         VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(Date.now(), h.kind, h.strategy, h.strategyVersion, h.exchange, h.symbol, h.timeframe, h.spanFrom, h.spanTo, h.candlesHash, h.sampler, h.objective, h.seed, h.trialsPlanned, h.minTrades, JSON.stringify(h.space), JSON.stringify(h.settings));
    return Number(info.lastInsertRowid);
  }

  setStatus(id: number, status: RunStatus): void {
    this.db.prepare('UPDATE optimize_runs SET status = ?, finished_at = ? WHERE id = ?').run(status, status === 'running' ? null : Date.now(), id);
  }

  setPlanned(id: number, planned: number): void {
    this.db.prepare('UPDATE optimize_runs SET trials_planned = ? WHERE id = ?').run(planned, id);
  }

  saveReport(id: number, report: Record<string, unknown>): void {
    this.db.prepare('UPDATE optimize_runs SET report = ? WHERE id = ?').run(JSON.stringify(report), id);
  }

  /**
   * Records one finished trial, and its configuration as tried on the run's (strategy, market) and the trial's
   * span, in one transaction. `span` defaults to the run's.
   */
  addTrial(
    run: OptimizeRun | (RunHeader & { id: number }),
    t: { role: TrialRole; params: Params; paramsKey: string; score: number; metrics: TrialMetrics; daily: Float64Array; window?: number; seq?: number },
    span?: { from: number; to: number },
  ): number {
    const seq = t.seq ?? this.reserveSeqs(run.id, 1);
    const metrics = t.window !== undefined ? { ...t.metrics, window: t.window } : t.metrics;
    this.db.transaction(() => {
      this.insertTrial.run(run.id, seq, t.role, JSON.stringify(t.params), t.paramsKey, Number.isFinite(t.score) ? t.score : null, t.metrics.trades, JSON.stringify(metrics), packFloat64(t.daily));
      if (t.role !== 'costs') {
        this.insertTried.run(run.strategy, run.exchange, run.symbol, run.timeframe, span?.from ?? run.spanFrom, span?.to ?? run.spanTo, t.paramsKey, run.id);
      }
    })();
    return seq;
  }

  /**
   * Reserves `n` consecutive trial numbers and returns the first: trials are numbered in the order they were
   * proposed, not the order workers finish them, so the record does not depend on --jobs.
   */
  reserveSeqs(runId: number, n: number): number {
    let next = this.nextSeq.get(runId);
    next ??= ((this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM optimize_trials WHERE run_id = ?').pluck().get(runId) as number) ?? 0) + 1;
    this.nextSeq.set(runId, next + n);
    return next;
  }

  /** Configurations ever tried on this strategy, market and span: the N of the Deflated Sharpe Ratio. */
  triedCount(k: { strategy: string; exchange: string; symbol: string; timeframe: string; spanFrom: number; spanTo: number }): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM optimize_tried WHERE strategy = ? AND exchange = ? AND symbol = ? AND timeframe = ? AND span_from = ? AND span_to = ?')
      .pluck()
      .get(k.strategy, k.exchange, k.symbol, k.timeframe, k.spanFrom, k.spanTo) as number;
  }

  getRun(id: number): OptimizeRun | null {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  latestRun(): OptimizeRun | null {
    const row = this.db.prepare(`${RUN_SELECT} ORDER BY r.id DESC LIMIT 1`).get() as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  listRuns(limit = 20): OptimizeRun[] {
    return (this.db.prepare(`${RUN_SELECT} ORDER BY r.id DESC LIMIT ?`).all(limit) as RunRow[]).map(toRun);
  }

  /** Trials of a run in the order they were proposed, optionally of some roles only. */
  trials(runId: number, roles?: readonly TrialRole[]): StoredTrial[] {
    const rows = this.db.prepare('SELECT seq, role, params, score, metrics FROM optimize_trials WHERE run_id = ? ORDER BY seq').all(runId) as Array<{ seq: number; role: string; params: string; score: number | null; metrics: string }>;
    return rows
      .filter((r) => !roles || roles.includes(r.role as TrialRole))
      .map((r) => {
        const m = JSON.parse(r.metrics) as TrialMetrics & { window?: number };
        return { seq: r.seq, role: r.role as TrialRole, params: JSON.parse(r.params) as Params, score: r.score, metrics: m, window: m.window ?? null };
      });
  }

  /** Daily return series of trials, by seq. */
  dailyReturns(runId: number, seqs?: readonly number[]): Map<number, Float64Array> {
    const out = new Map<number, Float64Array>();
    const want = seqs ? new Set(seqs) : null;
    for (const r of this.db.prepare('SELECT seq, daily FROM optimize_trials WHERE run_id = ? ORDER BY seq').iterate(runId) as Iterable<{ seq: number; daily: Buffer }>) {
      if (!want || want.has(r.seq)) out.set(r.seq, unpackFloat64(r.daily));
    }
    return out;
  }
}
