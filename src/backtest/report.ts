// What `tradetui backtest` prints: a run's summary, equity and drawdown charts (asciichart), its
// trades, a comparison table for several runs, the list of stored runs, and the JSON document of
// `--json`. Plain text without colour, so NO_COLOR and pipes need no special case.
import { createRequire } from 'node:module';
import { iso } from '../core/time.js';
import type { ClosedTrade } from '../core/trading.js';
import type { Metrics } from './metrics.js';
import type { RunSummary, StoredRun } from './runs.js';

// asciichart ships no type declarations; this is the part of its API used here.
interface AsciiChart {
  plot(series: number[] | number[][], cfg?: { height?: number; format?: (x: number, i: number) => string; min?: number; max?: number }): string;
}
const asciichart = createRequire(import.meta.url)('asciichart') as AsciiChart;

// ---------------------------------------------------------------------------------------------------
// Formatting

const DASH = '—';

export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return x.toFixed(digits);
}

export function fmtPct(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${x.toFixed(digits)}%`;
}

/** Money with thousands separators, e.g. 12,345.67. */
export function fmtMoney(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A price or quantity with enough significant digits for small coins. */
export function fmtPrice(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const abs = Math.abs(x);
  if (abs >= 1000) return x.toFixed(2);
  if (abs >= 1) return x.toFixed(4);
  return x.toPrecision(6);
}

export function fmtTime(t: number | null | undefined): string {
  if (t === null || t === undefined) return DASH;
  return iso(t).slice(0, 16).replace('T', ' ');
}

/** 93784000 → "1d 2h 3m"; below a minute → "0m". */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d > 0) parts.push(`${d}d`);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0 || parts.length === 0) parts.push(`${m}m`);
  return parts.join(' ');
}

/** Profit factor: null means no losing trade; with winners that is unbounded. */
function fmtProfitFactor(m: Metrics): string {
  if (m.profitFactor !== null) return m.profitFactor.toFixed(2);
  return m.grossProfit > 0 ? 'inf' : DASH;
}

function fmtParams(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

export type Align = 'l' | 'r';

/** Columns padded to their widest cell, two spaces apart; optional header with a rule under it. */
export function table(rows: readonly (readonly string[])[], align: readonly Align[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  const cols = Math.max(0, ...all.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols; c++) widths[c] = Math.max(0, ...all.map((r) => [...(r[c] ?? '')].length));
  const line = (r: readonly string[]): string =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? '';
        const pad = ' '.repeat(w - [...cell].length);
        return (align[c] ?? 'l') === 'r' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Charts

/**
 * Reduces a series to at most `width` points: each point stands for one bucket of consecutive values
 * and takes its last value, or its lowest with `pick: 'min'` (so a drawdown's bottom is never lost).
 */
export function downsample(values: ArrayLike<number>, width: number, pick: 'last' | 'min' = 'last'): number[] {
  const n = values.length;
  if (n <= width) return Array.from(values);
  const out = new Array<number>(width);
  for (let j = 0; j < width; j++) {
    const start = Math.floor((j * n) / width);
    const end = Math.floor(((j + 1) * n) / width);
    if (pick === 'last') out[j] = values[end - 1]!;
    else {
      let m = Infinity;
      for (let i = start; i < end; i++) if (values[i]! < m) m = values[i]!;
      out[j] = m;
    }
  }
  return out;
}

export interface ChartOptions {
  /** Terminal width in columns; the plot takes what the axis labels leave, 40 to 100 columns. */
  columns?: number;
  height?: number;
}

/** `digits` null: whole numbers once values reach 1000, else two decimals. */
// Curves come as typed arrays (a year of 1m is 525,600 points): read in place, never copied into a JS array.
function chart(title: string, values: ArrayLike<number>, digits: number | null, opts: ChartOptions, pick: 'last' | 'min' = 'last'): string {
  if (values.length === 0) return `${title}\n  (no data)`;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return plotted(title, lo, hi, digits, opts, (width) => downsample(values, width, pick));
}

/** The chart of a series whose range is [lo, hi], given its points for a plot `width` columns wide. */
function plotted(title: string, lo: number, hi: number, digits: number | null, opts: ChartOptions, sample: (width: number) => number[]): string {
  digits ??= Math.max(Math.abs(lo), Math.abs(hi)) >= 1000 ? 0 : 2;
  const d = digits;
  const labelWidth = Math.max(fmtNum(lo, d).length, fmtNum(hi, d).length) + 1;
  const columns = opts.columns ?? 80;
  const width = Math.max(40, Math.min(100, columns - labelWidth - 4));
  const plot = asciichart.plot(sample(width), {
    height: opts.height ?? 10,
    format: (x) => x.toFixed(d).padStart(labelWidth),
  });
  return `${title}\n${plot}`;
}

export function equityChart(run: Pick<StoredRun, 'equity' | 'equityTimes'>, opts: ChartOptions = {}): string {
  const e = run.equity;
  const range = e.length > 0 ? `${fmtTime(run.equityTimes[0])} → ${fmtTime(run.equityTimes[e.length - 1])}` : '';
  return chart(`Equity  ${range}`, e, null, opts);
}

/** Drawdown in % below the running peak (the starting balance is the first peak), drawn as negative. */
export function drawdownSeries(equity: Float64Array, initialBalance: number): number[] {
  return Array.from(drawdowns(equity, initialBalance));
}

function drawdowns(equity: Float64Array, initialBalance: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = initialBalance;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = peak > 0 ? -((peak - e) / peak) * 100 : 0;
  }
  return out;
}

/**
 * The drawdown chart, the drawdowns computed as they are read (twice: range, then each column's lowest) instead of
 * kept: a year of 1m is 4 MB of memory first touched, which costs more than the arithmetic. Same points as
 * chart(drawdowns(...), 'min').
 */
export function drawdownChart(run: Pick<StoredRun, 'equity' | 'settings'>, opts: ChartOptions = {}): string {
  const equity = run.equity;
  const n = equity.length;
  const title = 'Drawdown %';
  if (n === 0) return `${title}\n  (no data)`;
  let lo = Infinity;
  let hi = -Infinity;
  let peak = run.settings.initialBalance;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const v = peak > 0 ? -((peak - e) / peak) * 100 : 0;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return plotted(title, lo, hi, 2, opts, (width) => {
    if (n <= width) return Array.from(drawdowns(equity, run.settings.initialBalance));
    // downsample(…, 'min') over values computed in order: its buckets are consecutive and cover 0..n-1.
    const out = new Array<number>(width);
    let peak = run.settings.initialBalance;
    for (let j = 0; j < width; j++) {
      const start = Math.floor((j * n) / width);
      const end = Math.floor(((j + 1) * n) / width);
      let m = Infinity;
      for (let i = start; i < end; i++) {
        const e = equity[i]!;
        if (e > peak) peak = e;
        const v = peak > 0 ? -((peak - e) / peak) * 100 : 0;
        if (v < m) m = v;
      }
      out[j] = m;
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------
// Human reports

function sizingText(s: StoredRun['settings']): string {
  if (s.stakePct !== null) return `stake ${fmtPct(s.stakePct, 1)} (--stake-pct)`;
  const sizing = s.risk.sizing as { mode?: unknown } | undefined;
  return typeof sizing?.mode === 'string' ? `sizing ${sizing.mode} (risk config)` : 'sizing from risk config';
}

function slippageText(s: StoredRun['settings']): string {
  const base = `slippage ${fmtPct(s.slippage * 100, 3)}`;
  if (s.slippageModel !== 'sqrt-impact') return base;
  return `${base} + ${s.impactK} × σ × √(qty/volume) (sqrt-impact, at most ${fmtPct((s.maxSlippage ?? 0.05) * 100, 2)})`;
}

export function reportHeader(run: StoredRun): string {
  const s = run.settings;
  const lines = [
    `Backtest #${run.id}  ${run.strategy}  ${run.symbol} ${run.timeframe}  ${run.exchange}`,
    `Span     ${fmtTime(run.from)} → ${fmtTime(run.to)} UTC  (${fmtDuration(run.to - run.from)}, ${run.equity.length} candles, ${s.warmupCandles} warm-up)`,
    `Params   ${fmtParams(run.params)}`,
    `Account  balance ${fmtMoney(s.initialBalance)}  fee ${fmtPct(s.fee * 100, 3)}  ${slippageText(s)}  ${sizingText(s)}  shorts ${s.allowShort ? 'allowed' : 'off'}`,
  ];
  if (s.markets) lines.push(`Shared   one account over ${s.markets.length} markets: cash, exposure limits, open positions and protections are shared (--separate: one account each)`);
  return lines.join('\n');
}

/** Per-market figures of a shared-account run: its trades, P&L and fees, and its own buy & hold. */
export function marketBreakdown(run: Pick<StoredRun, 'settings' | 'trades'>): Array<{ symbol: string; trades: number; pnl: number; winRatePct: number | null; fees: number; buyHoldReturnPct: number | null }> {
  return (run.settings.markets ?? []).map((m) => {
    const own = run.trades.filter((t) => t.symbol === m.symbol);
    const wins = own.filter((t) => t.pnl > 0).length;
    return {
      symbol: m.symbol,
      trades: own.length,
      pnl: own.reduce((a, t) => a + t.pnl, 0),
      winRatePct: own.length > 0 ? (wins / own.length) * 100 : null,
      fees: own.reduce((a, t) => a + t.fees, 0),
      buyHoldReturnPct: m.buyHoldReturnPct,
    };
  });
}

function marketsText(run: StoredRun): string {
  const rows = marketBreakdown(run).map((b) => [b.symbol, String(b.trades), fmtMoney(b.pnl), fmtPct(b.winRatePct, 1), fmtMoney(b.fees), fmtPct(b.buyHoldReturnPct)]);
  const parts = [table(rows, ['l', 'r', 'r', 'r', 'r', 'r'], ['Symbol', 'Trades', 'P&L', 'Win rate', 'Fees', 'Buy & hold'])];
  const s = run.settings;
  const unfilled = s.unfilledEntries ?? [];
  if (s.entryOrders !== undefined) {
    parts.push(`Entries  ${s.entryOrders} sent, ${s.entryOrders - unfilled.length} filled, ${unfilled.length} not filled${unfilled.length > 0 ? ':' : ''}`);
    for (const u of unfilled.slice(0, 20)) parts.push(`  ${fmtTime(u.time)} ${u.symbol} ${u.status}: ${u.reason}`);
    if (unfilled.length > 20) parts.push(`  … ${unfilled.length - 20} more (--json lists them all)`);
  }
  return parts.join('\n');
}

/** The summary's label/value pairs in two columns (returns and risk | trades), shared by the text and HTML reports. */
export function summaryPairs(run: StoredRun): { left: Array<[string, string]>; right: Array<[string, string]> } {
  const m = run.metrics;
  const left: Array<[string, string]> = [
    ['Final equity', fmtMoney(m.finalEquity)],
    ['Total return', fmtPct(m.totalReturnPct)],
    ['CAGR', fmtPct(m.cagrPct)],
    ['Buy & hold', fmtPct(m.buyHoldReturnPct)],
    ['Sharpe', fmtNum(m.sharpe)],
    ['Sortino', fmtNum(m.sortino)],
    ['Calmar', fmtNum(m.calmar)],
    ['Max drawdown', fmtPct(m.maxDrawdownPct)],
    ['Drawdown length', m.maxDrawdownStart !== null ? fmtDuration(m.maxDrawdownDurationMs) : DASH],
    ['Exposure', fmtPct(m.exposurePct)],
    ['Best day', fmtPct(m.bestDay)],
    ['Worst day', fmtPct(m.worstDay)],
  ];
  const right: Array<[string, string]> = [
    ['Trades', String(m.trades)],
    ['Win rate', fmtPct(m.winRatePct)],
    ['Profit factor', fmtProfitFactor(m)],
    ['Expectancy', fmtMoney(m.expectancy)],
    ['Avg win', fmtMoney(m.avgWin)],
    ['Avg loss', fmtMoney(m.avgLoss)],
    ['Best trade', fmtPct(m.bestTrade)],
    ['Worst trade', fmtPct(m.worstTrade)],
    ['Max win streak', String(m.maxConsecutiveWins)],
    ['Max loss streak', String(m.maxConsecutiveLosses)],
    ['Avg winner held', fmtDuration(m.avgWinnerDurationMs)],
    ['Avg loser held', fmtDuration(m.avgLoserDurationMs)],
  ];
  return { left, right };
}

export function summaryTable(run: StoredRun): string {
  const m = run.metrics;
  const dd = m.maxDrawdownStart !== null ? `${fmtTime(m.maxDrawdownStart)} → ${fmtTime(m.maxDrawdownEnd)}` : DASH;
  const { left, right } = summaryPairs(run);
  const rows = left.map(([a, b], i) => [a, b, '  ', right[i]![0], right[i]![1]]);
  const parts = [table(rows, ['l', 'r', 'l', 'l', 'r'])];
  parts.push(`Deepest drawdown  ${dd}`);
  parts.push(`Fees paid ${fmtMoney(m.feesPaid)}   decisions ${run.decisions}   risk: ${run.riskDecisions.accepted} accepted, ${run.riskDecisions.resized} resized, ${run.riskDecisions.rejected} rejected`);
  return parts.join('\n');
}

function breakdownTable(title: string, b: Metrics['perExitReason']): string {
  const rows = Object.entries(b).map(([k, v]) => [k, String(v.trades), fmtMoney(v.pnl), fmtPct(v.winRatePct, 1)]);
  return table(rows, ['l', 'r', 'r', 'r'], [title, 'Trades', 'P&L', 'Win rate']);
}

function protectionsText(run: StoredRun): string {
  if (run.protections.length === 0) return 'Protections: none triggered';
  const rows = run.protections.map((p) => [p.name, p.scope, p.state, fmtTime(p.triggeredAt), fmtTime(p.releasedAt), p.reason]);
  return `Protections\n${table(rows, ['l', 'l', 'l', 'l', 'l', 'l'], ['Name', 'Scope', 'State', 'Triggered', 'Released', 'Reason'])}`;
}

export function tradesTable(trades: readonly ClosedTrade[]): string {
  if (trades.length === 0) return 'Trades: none';
  const rows = trades.map((t, i) => [
    String(i + 1),
    t.side,
    fmtTime(t.entryTime),
    fmtTime(t.exitTime),
    fmtPrice(t.entryPrice),
    fmtPrice(t.exitPrice),
    fmtPrice(t.qty),
    fmtMoney(t.pnl),
    fmtPct(t.pnlPct),
    fmtMoney(t.fees),
    t.exitReason,
  ]);
  return table(rows, ['r', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], [
    '#',
    'Side',
    'Entry (UTC)',
    'Exit (UTC)',
    'Entry',
    'Exit',
    'Qty',
    'P&L',
    'P&L %',
    'Fees',
    'Exit reason',
  ]);
}

export interface ReportOptions extends ChartOptions {
  /** Print every trade. */
  trades?: boolean;
  /** Skip the charts. */
  charts?: boolean;
}

/** The full report of one run: header, summary, breakdowns, charts, trades on request. */
export function runReport(run: StoredRun, opts: ReportOptions = {}): string {
  const parts = [reportHeader(run), summaryTable(run)];
  if (run.settings.markets) parts.push(marketsText(run));
  if (run.metrics.trades > 0) {
    parts.push(breakdownTable('Exit reason', run.metrics.perExitReason));
    if (!run.settings.markets && Object.keys(run.metrics.perSymbol).length > 1) parts.push(breakdownTable('Symbol', run.metrics.perSymbol));
  }
  parts.push(protectionsText(run));
  if (run.lookahead) parts.push(lookaheadText([run]));
  if (opts.charts !== false) {
    parts.push(equityChart(run, opts));
    parts.push(drawdownChart(run, opts));
  }
  if (opts.trades) parts.push(`Trades\n${tradesTable(run.trades)}`);
  return parts.join('\n\n');
}

/**
 * One row per run (strategy × symbol), key metrics as columns. When the runs cover different spans (a
 * symbol's history ends earlier), each row also shows its own span.
 */
export function comparisonTable(runs: readonly RunSummary[]): string {
  const spans = new Set(runs.map((r) => `${r.from}-${r.to}`));
  const perRowSpan = spans.size > 1;
  const rows = runs.map((r) => {
    const m = r.metrics;
    return [
      String(r.id),
      r.strategy,
      r.symbol,
      r.timeframe,
      ...(perRowSpan ? [fmtTime(r.from).slice(0, 10), fmtTime(r.to).slice(0, 10)] : []),
      fmtPct(m.totalReturnPct),
      fmtPct(m.cagrPct),
      fmtNum(m.sharpe),
      fmtNum(m.sortino),
      fmtPct(m.maxDrawdownPct),
      fmtPct(m.winRatePct, 1),
      fmtProfitFactor(m),
      String(m.trades),
      fmtPct(m.exposurePct, 1),
      fmtPct(m.buyHoldReturnPct),
    ];
  });
  const head = ['Run', 'Strategy', 'Symbol', 'TF', ...(perRowSpan ? ['From', 'To'] : []), 'Return', 'CAGR', 'Sharpe', 'Sortino', 'Max DD', 'Win rate', 'PF', 'Trades', 'Exposure', 'Buy&hold'];
  const align: Align[] = ['r', 'l', 'l', 'l', ...(perRowSpan ? (['l', 'l'] as Align[]) : []), 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];
  return table(rows, align, head);
}

/** Several runs: the comparison table, then each run's equity chart (and trades on request). */
export function comparisonReport(runs: readonly StoredRun[], opts: ReportOptions = {}): string {
  const first = runs[0];
  const parts: string[] = [];
  if (first) {
    const same = runs.every((r) => r.from === first.from && r.to === first.to);
    const span = same ? `${fmtTime(first.from)} → ${fmtTime(first.to)} UTC` : 'spans differ (see From/To)';
    parts.push(`Backtests  ${first.timeframe}  ${span}  balance ${fmtMoney(first.settings.initialBalance)}`);
  }
  parts.push(comparisonTable(runs));
  if (runs.some((r) => r.lookahead)) parts.push(lookaheadText(runs));
  for (const r of runs) {
    if (opts.charts !== false) parts.push(equityChart({ equity: r.equity, equityTimes: r.equityTimes }, { ...opts, height: opts.height ?? 8 }).replace(/^Equity/, `#${r.id} ${r.strategy} ${r.symbol} equity`));
    if (opts.trades) parts.push(`#${r.id} ${r.strategy} ${r.symbol} trades\n${tradesTable(r.trades)}`);
  }
  return parts.join('\n\n');
}

export function lookaheadText(runs: readonly Pick<StoredRun, 'id' | 'strategy' | 'symbol' | 'lookahead'>[]): string {
  const lines: string[] = [];
  for (const r of runs) {
    const la = r.lookahead;
    if (!la) continue;
    const scope = la.guardedDecisions === undefined ? `${la.checkedCuts} cuts` : `${la.guardedDecisions} guarded decisions, ${la.checkedCuts} cut runs${la.isolated ? ' on a fresh module copy' : ''}`;
    const took = la.ms === undefined ? '' : `, ${Math.round(la.ms)} ms`;
    if (la.differences.length === 0) {
      lines.push(`Lookahead check #${r.id} ${r.strategy} ${r.symbol}: passed (${scope}${took}; nothing read after its candle, no series or decision changed)`);
      continue;
    }
    const more = la.truncated ? ' (list cut short)' : '';
    lines.push(`Lookahead check #${r.id} ${r.strategy} ${r.symbol}: FAILED — ${la.differences.length} finding(s) (${scope}${took})${more}:`);
    for (const d of la.differences) {
      if (d.message) lines.push(`  ${d.message}`);
      else lines.push(`  candle ${d.index} ${fmtTime(d.time)}, data cut after ${d.cutAt} candles: full data ${describeDecision(d.full)}, cut data ${describeDecision(d.cut)}`);
    }
  }
  return lines.join('\n');
}

function describeDecision(d: unknown): string {
  if (d === null || d === undefined) return 'no decision';
  if (typeof d === 'object' && 'action' in d) {
    const o = d as { action: string; reason?: string };
    return o.reason ? `${o.action} (${o.reason})` : o.action;
  }
  return JSON.stringify(d);
}

export function runListTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'No stored backtests yet. Run one with: tradetui backtest --strategy NAME --symbol BTC/USDT --timeframe 1h';
  const rows = runs.map((r) => [
    String(r.id),
    fmtTime(r.createdAt),
    r.strategy,
    r.symbol,
    r.timeframe,
    fmtTime(r.from),
    fmtTime(r.to),
    fmtPct(r.metrics.totalReturnPct),
    fmtPct(r.metrics.maxDrawdownPct),
    fmtNum(r.metrics.sharpe),
    String(r.metrics.trades),
  ]);
  return table(rows, ['r', 'l', 'l', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'], [
    'Run',
    'Created (UTC)',
    'Strategy',
    'Symbol',
    'TF',
    'From',
    'To',
    'Return',
    'Max DD',
    'Sharpe',
    'Trades',
  ]);
}

// ---------------------------------------------------------------------------------------------------
// JSON (times as ISO-8601; everything else as stored)

const isoOrNull = (t: number | null): string | null => (t === null ? null : iso(t));

export function metricsJson(m: Metrics): Record<string, unknown> {
  return { ...m, maxDrawdownStart: isoOrNull(m.maxDrawdownStart), maxDrawdownEnd: isoOrNull(m.maxDrawdownEnd) };
}

export function tradeJson(t: ClosedTrade): Record<string, unknown> {
  return {
    entryTime: iso(t.entryTime),
    exitTime: iso(t.exitTime),
    side: t.side,
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    qty: t.qty,
    pnl: t.pnl,
    pnlPct: t.pnlPct,
    fees: t.fees,
    exitReason: t.exitReason,
  };
}

/** One point per candle of the span: its open time, and equity, cash and gross exposure at its close. */
export function equityCurveJson(run: Pick<StoredRun, 'equityTimes' | 'equity' | 'cash' | 'exposure'>): Array<{ time: string; equity: number; cash: number | null; exposure: number | null }> {
  const out = new Array(run.equityTimes.length);
  for (let i = 0; i < run.equityTimes.length; i++) {
    out[i] = { time: iso(run.equityTimes[i]!), equity: run.equity[i]!, cash: run.cash ? run.cash[i]! : null, exposure: run.exposure ? run.exposure[i]! : null };
  }
  return out;
}

export function runJson(run: StoredRun): Record<string, unknown> {
  return runJsonWith(run, equityCurveJson(run));
}

function runJsonWith(run: StoredRun, equityCurve: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: run.id,
    strategy: run.strategy,
    exchange: run.exchange,
    symbol: run.symbol,
    timeframe: run.timeframe,
    from: iso(run.from),
    to: iso(run.to),
    params: run.params,
    initialBalance: run.settings.initialBalance,
    metrics: metricsJson(run.metrics),
    trades: run.trades.map(tradeJson),
    protections: run.protections.map((p) => ({ ...p, triggeredAt: iso(p.triggeredAt), releasedAt: isoOrNull(p.releasedAt) })),
    riskDecisions: run.riskDecisions,
    equityCurve,
  };
  const s = run.settings;
  if (s.markets) {
    // One account over several markets: each trade names its market, and each market has its breakdown.
    out.account = 'shared';
    out.trades = run.trades.map((t) => ({ symbol: t.symbol, ...tradeJson(t) }));
    out.markets = marketBreakdown(run).map((b, i) => ({ ...b, from: isoOrNull(s.markets![i]!.from), warmupCandles: s.markets![i]!.warmupCandles }));
    out.entryOrders = s.entryOrders ?? null;
    out.unfilledEntries = (s.unfilledEntries ?? []).map((u) => ({ ...u, time: iso(u.time) }));
  }
  if (run.lookahead) {
    out.lookahead = {
      checkedCuts: run.lookahead.checkedCuts,
      guardedDecisions: run.lookahead.guardedDecisions ?? null,
      isolated: run.lookahead.isolated ?? null,
      ms: run.lookahead.ms ?? null,
      passed: run.lookahead.differences.length === 0,
      truncated: run.lookahead.truncated,
      differences: run.lookahead.differences.map((d) => ({ ...d, time: iso(d.time) })),
    };
  }
  return out;
}

// A run's equity curve has one point per candle: a year of 1m candles is ~90 MB of JSON. Building it
// as 525,600 objects and one string cost seconds of allocation and GC, so the curves are written in
// 1 MB buffers straight from the Float64Arrays, byte for byte what JSON.stringify(doc, null, 2) prints.
const CURVE_KEY = '"equityCurve": ';
/** The key and the start of its placeholder as JSON.stringify prints them (the NUL escaped), up to the run's number. */
const CURVE_TOKEN = `${CURVE_KEY}"\\u0000equityCurve#`;
const CURVE_BUFFER = 1 << 20;

/**
 * Writes `{ runs: runs.map(runJson), ...extra }` as JSON.stringify(…, null, 2) would, plus a newline,
 * through `write` in chunks (the equity curves never exist as objects or as one string).
 */
export function writeRunsJson(
  runs: readonly StoredRun[],
  extra: Record<string, unknown>,
  write: (chunk: string | Uint8Array) => void,
  /** Whether the last chunk written is already out (a synchronous file or /dev/null): its buffer is then reused. */
  written: () => boolean = () => false,
): void {
  const text = JSON.stringify({ runs: runs.map((r, k) => runJsonWith(r, `\u0000equityCurve#${k}`)), ...extra }, null, 2);
  let at = 0;
  // indexOf of the whole literal (a string search over ~10 MB of trades), where a regular expression tried a
  // match at every quote; then the run's number up to the closing quote.
  for (let found = text.indexOf(CURVE_TOKEN); found >= 0; found = text.indexOf(CURVE_TOKEN, at)) {
    const index = found + CURVE_KEY.length;
    const close = text.indexOf('"', found + CURVE_TOKEN.length);
    const lineStart = text.lastIndexOf('\n', index) + 1;
    const indent = index - lineStart - CURVE_KEY.length;
    writeText(text, at, index, write);
    writeCurve(runs[Number(text.slice(found + CURVE_TOKEN.length, close))]!, indent, write, written);
    at = close + 1;
  }
  writeText(text, at, text.length, write);
  write('\n');
}

/** Characters per piece of the text around the curves (a year of 1m trades is ~10 MB of it). */
const TEXT_PIECE = 1 << 20;

/**
 * text[from, to) in pieces: each becomes a Buffer of its own on the way out, and pieces of one size reuse the
 * memory the last one freed, where one 10 MB Buffer is fresh memory (page faults). A piece never ends between
 * the two halves of a surrogate pair, which would each be written as U+FFFD.
 */
export function writeText(text: string, from: number, to: number, write: (chunk: string) => void, piece = TEXT_PIECE): void {
  let at = from;
  while (at < to) {
    let end = Math.min(to, at + piece);
    const last = text.charCodeAt(end - 1);
    if (end < to && last >= 0xd800 && last <= 0xdbff) end++;
    write(text.slice(at, end));
    at = end;
  }
}

/** One curve as JSON.stringify prints an array of {time, equity, cash, exposure} at this key indentation. */
function writeCurve(run: Pick<StoredRun, 'equityTimes' | 'equity' | 'cash' | 'exposure'>, indent: number, write: (chunk: string | Uint8Array) => void, written: () => boolean): void {
  const n = run.equityTimes.length;
  if (n === 0) {
    write('[]');
    return;
  }
  // Every part is ASCII, so latin1 bytes are the UTF-8 bytes. The fixed parts are copied as bytes, the
  // numbers written from strings kept while they repeat, and the times digit by digit within one day.
  const item = `\n${' '.repeat(indent + 2)}`;
  const field = `\n${' '.repeat(indent + 4)}`;
  const first = Buffer.from(`${item}{${field}"time": "`, 'latin1');
  const next = Buffer.from(`,${item}{${field}"time": "`, 'latin1');
  const equityKey = Buffer.from(`",${field}"equity": `, 'latin1');
  const cashKey = Buffer.from(`,${field}"cash": `, 'latin1');
  const exposureKey = Buffer.from(`,${field}"exposure": `, 'latin1');
  const close = Buffer.from(`${item}}`, 'latin1');
  // A point's longest form: the fixed parts, a 27-character time and three 24-character numbers.
  const room = next.length + equityKey.length + cashKey.length + exposureKey.length + close.length + 27 + 3 * 24;
  const { equityTimes: times, equity, cash, exposure } = run;
  const e = numberWriter();
  const c = numberWriter();
  const x = numberWriter();
  let dayStart = NaN;
  const day = Buffer.alloc(11);
  let buf = Buffer.allocUnsafe(CURVE_BUFFER);
  buf[0] = 0x5b; // [
  let used = 1;
  for (let i = 0; i < n; i++) {
    if (used > CURVE_BUFFER - room) {
      // A fresh buffer only while the stream still holds the last one: 100 MB of fresh memory cost ~0.3 s.
      write(buf.subarray(0, used));
      if (!written()) buf = Buffer.allocUnsafe(CURVE_BUFFER);
      used = 0;
    }
    used += (i === 0 ? first : next).copy(buf, used);
    const t = times[i]!;
    let ms = t - dayStart;
    if (!(ms >= 0 && ms < 86_400_000) || !Number.isInteger(ms)) {
      if (t >= 0 && t < 253_402_300_800_000 && Number.isInteger(t)) {
        dayStart = t - (t % 86_400_000);
        day.write(iso(dayStart).slice(0, 11), 0, 'latin1');
        ms = t - dayStart;
      } else {
        // Out of the plain four-digit-year range Date prints differently (or throws): leave it to Date.
        dayStart = NaN;
        ms = NaN;
        used += buf.write(iso(t), used, 'latin1');
      }
    }
    if (ms === ms) {
      used += day.copy(buf, used);
      used = twoDigits(buf, used, Math.floor(ms / 3_600_000));
      buf[used++] = 0x3a; // :
      used = twoDigits(buf, used, Math.floor(ms / 60_000) % 60);
      buf[used++] = 0x3a;
      used = twoDigits(buf, used, Math.floor(ms / 1000) % 60);
      buf[used++] = 0x2e; // .
      const milli = ms % 1000;
      buf[used++] = 0x30 + Math.floor(milli / 100);
      buf[used++] = 0x30 + (Math.floor(milli / 10) % 10);
      buf[used++] = 0x30 + (milli % 10);
      buf[used++] = 0x5a; // Z
    }
    used += equityKey.copy(buf, used);
    used += buf.write(e(equity[i]!), used, 'latin1');
    used += cashKey.copy(buf, used);
    used += buf.write(cash ? c(cash[i]!) : 'null', used, 'latin1');
    used += exposureKey.copy(buf, used);
    used += buf.write(exposure ? x(exposure[i]!) : 'null', used, 'latin1');
    used += close.copy(buf, used);
  }
  write(buf.subarray(0, used));
  write(`\n${' '.repeat(indent)}]`);
}

function twoDigits(buf: Buffer, at: number, v: number): number {
  buf[at] = 0x30 + Math.floor(v / 10);
  buf[at + 1] = 0x30 + (v % 10);
  return at + 2;
}

/** A number as JSON prints it, remembering the last one (equity curves repeat values for long stretches). */
function numberWriter(): (x: number) => string {
  let last = NaN;
  let text = 'null';
  return (x) => {
    // -0 and 0 are === and both print "0"; NaN never equals itself and prints null.
    if (x !== last) {
      last = x;
      text = Number.isFinite(x) ? String(x) : 'null';
    }
    return text;
  };
}

export function runSummaryJson(r: RunSummary): Record<string, unknown> {
  return {
    id: r.id,
    createdAt: iso(r.createdAt),
    strategy: r.strategy,
    exchange: r.exchange,
    symbol: r.symbol,
    timeframe: r.timeframe,
    from: iso(r.from),
    to: iso(r.to),
    params: r.params,
    metrics: metricsJson(r.metrics),
  };
}
