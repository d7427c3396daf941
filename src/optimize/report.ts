// What `tradetui optimize` prints: a run's header, its best trials, the overfitting report with its verdict
// line, and the CSV export of every trial.
import { iso } from '../core/time.js';
import type { Params } from '../strategy/contract.js';
import type { OverfitReport } from './optimize.js';
import type { OptimizeRun, StoredTrial } from './store.js';
import { signedPct } from './robustness.js';
import type { WalkForwardReport } from './walk-forward.js';

const f = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

export function paramsText(p: Params): string {
  return Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** Search trials, best first (ties: proposed first); trials scoring worst last. */
export function ranked(trials: readonly StoredTrial[]): StoredTrial[] {
  return trials.filter((t) => t.role === 'search').sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.seq - b.seq);
}

export function runHeader(run: OptimizeRun): string {
  return [
    `Optimisation #${run.id} — ${run.strategy} on ${run.exchange} ${run.symbol} ${run.timeframe}, ${iso(run.spanFrom).slice(0, 10)} to ${iso(run.spanTo).slice(0, 10)} (${run.status})`,
    `sampler ${run.sampler}, objective ${run.objective}, min trades ${run.minTrades}, seed ${run.seed}; ${run.trials} of ${run.trialsPlanned} trials; space ${run.space.length > 0 ? run.space.join(' ') : "the strategy's own ranges"}`,
    `strategy version ${run.strategyVersion}, candles ${run.candlesHash}`,
  ].join('\n');
}

export function topTable(trials: readonly StoredTrial[], top: number): string {
  const rows = [['rank', 'score', 'return %', 'max DD %', 'trades', 'sharpe', 'params']];
  ranked(trials)
    .slice(0, top)
    .forEach((t, k) => rows.push([String(k + 1), f(t.score, 3), f(t.metrics.totalReturnPct), f(t.metrics.maxDrawdownPct), String(t.metrics.trades), f(t.metrics.sharpe), paramsText(t.params)]));
  return table(rows);
}

export function overfitText(r: OverfitReport): string {
  const lines: string[] = ['Overfitting report'];
  if (!r.winner) return [...lines, r.verdict.line].join('\n');
  lines.push(`  winner            ${paramsText(r.winner.params)}  score ${f(r.winner.score, 3)}, return ${f(r.winner.metrics.totalReturnPct)}%, ${r.winner.metrics.trades} trades`);
  lines.push(`  configurations on record (N) ${r.trialsOnRecord.toLocaleString('en-US')} for this strategy, market and span`);
  lines.push(
    r.pbo
      ? `  PBO (CSCV, S=${r.pbo.blocks}, ${r.pbo.splits.toLocaleString('en-US')} splits)  ${f(r.pbo.value)}  — chance the in-sample best is below the median out of sample; P(loss out of sample) ${f(r.pbo.probLoss)}`
      : `  PBO               — (${r.pboNote})`,
  );
  lines.push(
    r.dsr
      ? `  Deflated Sharpe   ${f(r.dsr.value)}  — daily SR ${f(r.dsr.sharpe, 4)} vs ${f(r.dsr.expectedMaxSharpe, 4)} expected from the best of N unskilled trials (T=${r.dsr.observations} days, skew ${f(r.dsr.skewness)}, kurtosis ${f(r.dsr.kurtosis)})`
      : '  Deflated Sharpe   — (not enough days)',
  );
  const n = r.neighbours;
  lines.push(
    n.count > 0
      ? `  neighbours        ${n.changePct === null ? '—' : signedPct(n.changePct)} mean score vs the winner over ${n.count} neighbours; ${f((n.holdingShare ?? 0) * 100, 0)}% keep at least half its score`
      : '  neighbours        — (no numeric parameter to step)',
  );
  if (r.doubledCosts) lines.push(`  doubled costs     return ${f(r.doubledCosts.totalReturnPct)}% (vs ${f(r.winner.metrics.totalReturnPct)}%), max DD ${f(r.doubledCosts.maxDrawdownPct)}%, score ${f(r.doubledCosts.score, 3)}`);
  lines.push('', r.verdict.line);
  return lines.join('\n');
}

export function runListTable(runs: readonly OptimizeRun[]): string {
  if (runs.length === 0) return 'No optimisation runs yet: tradetui optimize --strategy ma-cross --symbol BTC/USDT --timeframe 1h';
  const rows = [['id', 'created', 'strategy', 'market', 'span', 'sampler', 'objective', 'trials', 'status', 'verdict']];
  for (const r of runs) {
    const v = (r.report as { verdict?: { level?: string } } | null)?.verdict?.level ?? '';
    rows.push([String(r.id), iso(r.createdAt).slice(0, 16).replace('T', ' '), r.strategy, `${r.symbol} ${r.timeframe}`, `${iso(r.spanFrom).slice(0, 10)}..${iso(r.spanTo).slice(0, 10)}`, r.sampler, r.objective, `${r.trials}/${r.trialsPlanned}`, r.status, v]);
  }
  return table(rows);
}

/** Every trial as CSV: one column per parameter, then score, role and metrics. */
export function trialsCsv(trials: readonly StoredTrial[]): string {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const metricKeys = ['totalReturnPct', 'cagrPct', 'sharpe', 'sortino', 'calmar', 'maxDrawdownPct', 'trades', 'winRatePct', 'profitFactor', 'expectancy', 'exposurePct', 'feesPaid', 'finalEquity'] as const;
  const esc = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [['seq', 'role', ...names, 'score', ...metricKeys].join(',')];
  for (const t of trials) lines.push([t.seq, t.role, ...names.map((n) => t.params[n]), t.score, ...metricKeys.map((k) => t.metrics[k])].map(esc).join(','));
  return `${lines.join('\n')}\n`;
}

/** The walk-forward report: per-window table, stitched out-of-sample curve and metrics, drift, efficiency. */
export function walkForwardText(r: WalkForwardReport, opts: { columns: number; chart: (values: number[], width: number) => string }): string {
  const day = (t: number): string => iso(t).slice(0, 10);
  const rows = [['window', 'in-sample', 'out-of-sample', 'best parameters', 'IS score', 'OOS score', 'OOS return %']];
  for (const w of r.windows) {
    rows.push([String(w.window), `${day(w.isFrom)}..${day(w.isTo - 1)}`, `${day(w.oosFrom)}..${day(w.oosTo - 1)}`, w.best ? paramsText(w.best) : '(no trial reached the objective)', f(w.isScore, 3), f(w.oosScore, 3), f(w.oosMetrics?.totalReturnPct)]);
  }
  const plan = `is=${r.plan.isMs / 86_400_000}d, oos=${r.plan.oosMs / 86_400_000}d, step=${r.plan.stepMs / 86_400_000}d${r.plan.anchored ? ', anchored' : ''}`;
  const lines = [`Walk-forward (${plan}): ${r.windows.length} windows`, table(rows), ''];
  lines.push('Stitched out-of-sample equity');
  if (r.equity.length > 1) lines.push(opts.chart(r.equity, Math.max(20, opts.columns - 14)));
  lines.push(
    `  return ${f(r.oos.totalReturnPct)}%, CAGR ${f(r.oos.cagrPct)}%, Sharpe ${f(r.oos.sharpe)} (daily, annualised), max DD ${f(r.oos.maxDrawdownPct)}%, ${r.oos.trades} trades`,
    `  walk-forward efficiency (OOS CAGR / mean IS CAGR): ${f(r.efficiency)}`,
    '',
    'Parameter drift across windows',
    ...r.drift.map((d) => `  ${d.param.padEnd(10)} ${d.changes} changes; ${d.spread}: ${d.values.map(String).join(' → ')}`),
  );
  return lines.join('\n');
}
