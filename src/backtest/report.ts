// What `tradetui backtest` prints: a run's summary, equity and drawdown charts (asciichart), its
// trades, a comparison table for several runs, the list of stored runs, and the JSON document of
// `--json`. Plain text without colour, so NO_COLOR and pipes need no special case.
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { DAY_MS, iso } from '../core/time.js';
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

/** A trade's fields in the JSON, in order, the first two being times (printed as ISO-8601). */
const TRADE_KEYS = ['entryTime', 'exitTime', 'side', 'entryPrice', 'exitPrice', 'qty', 'pnl', 'pnlPct', 'fees', 'exitReason'] as const;
const TRADE_TIMES = 2;

/** A trade's market, then the values of TRADE_KEYS in order, read by name (reads by a key that varies are slow). */
function tradeRow(t: ClosedTrade): unknown[] {
  return [t.symbol, t.entryTime, t.exitTime, t.side, t.entryPrice, t.exitPrice, t.qty, t.pnl, t.pnlPct, t.fees, t.exitReason];
}

export function tradeJson(t: ClosedTrade): Record<string, unknown> {
  const row = tradeRow(t);
  const out: Record<string, unknown> = {};
  for (let f = 0; f < TRADE_KEYS.length; f++) out[TRADE_KEYS[f]!] = f < TRADE_TIMES ? iso(row[f + 1] as number) : row[f + 1];
  return out;
}

/** A run's trades; with one account over several markets each trade names its market first. */
function tradesJson(run: StoredRun): Array<Record<string, unknown>> {
  return run.settings.markets ? run.trades.map((t) => ({ symbol: t.symbol, ...tradeJson(t) })) : run.trades.map(tradeJson);
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
  return runJsonWith(run, tradesJson(run), equityCurveJson(run));
}

/** The run's JSON object, its two long arrays given (as objects, or as writers for the streamed output). */
function runJsonWith(run: StoredRun, trades: unknown, equityCurve: unknown): Record<string, unknown> {
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
    trades,
    protections: run.protections.map((p) => ({ ...p, triggeredAt: iso(p.triggeredAt), releasedAt: isoOrNull(p.releasedAt) })),
    riskDecisions: run.riskDecisions,
    equityCurve,
  };
  const s = run.settings;
  if (s.markets) {
    // One account over several markets: each market has its breakdown.
    out.account = 'shared';
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

// ---------------------------------------------------------------------------------------------------
// The streamed --json document
//
// A year of 1m is ~100 MB of JSON: 525,600 equity points and ~20k trades. Built as objects and one string it
// cost seconds of allocation, GC and fresh memory, so the document is written as bytes into one buffer that is
// handed to the sink whenever full and reused once the sink has taken it: byte for byte what
// JSON.stringify({ runs: runs.map(runJson), ...extra }, null, 2) prints, plus a newline. The trades and the
// curves are written field by field, times digit by digit; every other value is JSON.stringify's own text.
// Numbers too: one JSON.stringify per block of numbers prints each exactly as JSON.stringify of the document
// would (the same Number::toString; null when not finite) at about half the cost of String(x) per number, which
// also put every string in V8's number-string cache, where many lived long enough to reach the old generation.

/** Bytes per chunk handed to the sink: small enough to stay in the CPU cache while it is reused, large enough that
 *  the ~10 µs each write costs is small (a year is ~400 chunks). */
const JSON_CHUNK = 1 << 18;
/** The smallest chunk: a curve point or a short string (≤ 3 bytes per UTF-16 unit) always fits. */
const MIN_CHUNK = 1024;
/** Strings up to this many UTF-16 units are copied by a loop; longer ones are written in pieces. */
const SHORT = 128;
/** ISO times of years 0000..9999 are printed digit by digit; others (±YYYYYY) by Date. */
const ISO_END = 253_402_300_800_000;
/** The longest ISO time Date prints (+275760-09-13T00:00:00.000Z) and the longest number (-0.0000012345678901234567). */
const TIME_MAX = 27;
const NUMBER_MAX = 25;
/** Curve points, and trades, whose numbers are printed by one JSON.stringify: its text stays below V8's large objects (128 KB). */
const NUMBER_BLOCK = 4096;
const TRADE_BLOCK = 512;

/** The output buffer: bytes are appended at `used`; `room(n)` hands the full part to the sink first when needed. */
class JsonBytes {
  buf: Buffer;
  /** buf as a DataView, to copy four bytes at a time. */
  view: DataView;
  used = 0;

  constructor(
    readonly size: number,
    private readonly sink: (chunk: Uint8Array) => void,
    private readonly written: () => boolean,
  ) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, size);
  }

  /** Makes room for n more bytes (n ≤ size) and returns the buffer to write them into at `used`. */
  room(n: number): Buffer {
    if (this.used + n > this.size) this.flush();
    return this.buf;
  }

  flush(): void {
    if (this.used === 0) return;
    this.sink(this.buf.subarray(0, this.used));
    // A fresh buffer only while the sink still holds the last one (an asynchronous stream): fresh memory costs page faults.
    if (!this.written()) {
      this.buf = Buffer.allocUnsafe(this.size);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.size);
    }
    this.used = 0;
  }

  /** Any text, as UTF-8. Short text is copied by a loop (a C++ call costs more than copying a few bytes). */
  put(s: string): void {
    const n = s.length;
    if (n > SHORT) return this.putLong(s);
    const buf = this.room(3 * n);
    let used = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        used += buf.write(s.slice(i), used, 'utf8');
        break;
      }
      buf[used++] = c;
    }
    this.used = used;
  }

  // Apart from put: a closure in put would make every call allocate its context.
  private putLong(s: string): void {
    // Pieces never end inside a surrogate pair, so each piece encodes as its part of the whole.
    writeText(s, 0, s.length, (piece) => this.put(piece), SHORT - 1);
  }
}

/**
 * Copies bytes to buf[at]; returns the new end. TypedArray#set stays in V8's builtins, where Buffer#copy and
 * Buffer#write call into C++ at a fixed cost per call; it is ~2.5 times a loop over the 20-40 bytes of a part.
 */
function copyBytes(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  buf.set(bytes, at);
  return at + bytes.length;
}

/** Copies text[from, to) (ASCII) to buf[at]; returns the new end. */
function copyAscii(buf: Uint8Array, at: number, text: string, from = 0, to = text.length): number {
  for (let i = from; i < to; i++) buf[at++] = text.charCodeAt(i);
  return at;
}

/** Epoch-ms times as Date#toISOString prints them: digit by digit within the day of the last one. */
class IsoTimes {
  private dayStart = NaN;
  private readonly day = new Uint8Array(11);

  /** Writes t's text (no quotes, at most TIME_MAX bytes) to buf[at]; returns the new end. */
  write(buf: Uint8Array, at: number, t: number): number {
    let ms = t - this.dayStart;
    if (!(ms >= 0 && ms < DAY_MS) || !Number.isInteger(ms)) {
      // Out of the four-digit years (or not a whole millisecond): Date prints it, or throws as iso() does in runJson.
      if (!(t >= 0 && t < ISO_END && Number.isInteger(t))) return copyAscii(buf, at, iso(t));
      this.dayStart = t - (t % DAY_MS);
      const dayText = iso(this.dayStart);
      for (let i = 0; i < 11; i++) this.day[i] = dayText.charCodeAt(i);
      ms = t - this.dayStart;
    }
    at = copyBytes(buf, at, this.day);
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor(ms / 60_000) % 60;
    const s = Math.floor(ms / 1000) % 60;
    const milli = ms % 1000;
    buf[at++] = 0x30 + Math.floor(h / 10);
    buf[at++] = 0x30 + (h % 10);
    buf[at++] = 0x3a; // :
    buf[at++] = 0x30 + Math.floor(m / 10);
    buf[at++] = 0x30 + (m % 10);
    buf[at++] = 0x3a;
    buf[at++] = 0x30 + Math.floor(s / 10);
    buf[at++] = 0x30 + (s % 10);
    buf[at++] = 0x2e; // .
    buf[at++] = 0x30 + Math.floor(milli / 100);
    buf[at++] = 0x30 + (Math.floor(milli / 10) % 10);
    buf[at++] = 0x30 + (milli % 10);
    buf[at++] = 0x5a; // Z
    return at;
  }
}

/** Room kept at the front of NumberTexts' bytes for the current number's text. */
const HELD = 32;

/**
 * The texts of a block of numbers, from one JSON.stringify of them, taken one by one in order. The text is
 * read as bytes: JSON.stringify returns a cons string, whose charCodeAt costs several times a byte read.
 */
class NumberTexts {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  private next = HELD;
  /** The current number's text is bytes[start, end). */
  private start = 0;
  private end = 0;

  load(values: number[]): void {
    const text = JSON.stringify(values);
    // The current number may repeat into the next points (a curve's value unchanged across blocks): keep its text.
    const held = this.end - this.start;
    this.bytes.copyWithin(0, this.start, this.end);
    if (HELD + text.length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(2 * (HELD + text.length));
      this.bytes.copy(grown, 0, 0, held);
      this.bytes = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
    }
    this.start = 0;
    this.end = held;
    this.bytes.write(text, HELD, 'latin1');
    this.next = HELD + 1; // after the '['
  }

  /** Moves to the next number of the block. */
  advance(): void {
    const bytes = this.bytes;
    let k = this.next;
    // A number's text has no ',' or ']'.
    for (let c = bytes[k]; c !== 0x2c && c !== 0x5d; c = bytes[++k]);
    this.start = this.next;
    this.end = k;
    this.next = k + 1;
  }

  /** Copies the current number's text to buf[at] (at most NUMBER_MAX bytes; `view` is buf's); returns the new end. */
  copy(buf: Uint8Array, view: DataView, at: number): number {
    const { bytes, end } = this;
    let i = this.start;
    // Four bytes at a time (~2x a byte loop), then the rest.
    for (; i + 4 <= end; i += 4, at += 4) view.setUint32(at, this.view.getUint32(i));
    for (; i < end; i++) buf[at++] = bytes[i]!;
    return at;
  }
}

/** A value of the document that writes itself into the output (the trades and the equity curve of a run). */
class Streamed {
  /** `write` yields between blocks, where a stream's reader may be waited for. */
  constructor(readonly write: (out: JsonBytes, depth: number) => Generator<void, void, void>) {}
}

const spaces = (depth: number): string => ' '.repeat(2 * depth);

/**
 * `value` as JSON.stringify(…, null, 2) prints it as property `key` of an object at `depth`; undefined when that
 * property is left out (undefined, a function, a symbol). Printed as the property of a one-key object, so
 * toJSON(key) and the leaving out are JSON.stringify's own, then indented for its depth.
 */
function propertyText(key: string, value: unknown, depth: number): string | undefined {
  const text = JSON.stringify({ [key]: value }, null, 2);
  if (text === '{}') return undefined;
  // '{\n  "key": VALUE\n}': every newline in VALUE is one of its line breaks (strings escape theirs).
  const valueText = text.slice(4 + JSON.stringify(key).length + 2, -2);
  return depth === 0 ? valueText : valueText.replaceAll('\n', `\n${spaces(depth)}`);
}

/** An object's properties as JSON.stringify(…, null, 2) prints them at `depth`, Streamed values written in place. */
function* writeObject(out: JsonBytes, obj: Record<string, unknown>, depth: number): Generator<void, void, void> {
  const indent = `\n${spaces(depth + 1)}`;
  let first = true;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const text = value instanceof Streamed ? '' : propertyText(key, value, depth);
    if (text === undefined) continue;
    out.put(`${first ? '{' : ','}${indent}${JSON.stringify(key)}: `);
    first = false;
    if (value instanceof Streamed) yield* value.write(out, depth + 1);
    else out.put(text);
  }
  out.put(first ? '{}' : `\n${spaces(depth)}}`);
}

/**
 * Writes `{ runs: runs.map(runJson), ...extra }` as JSON.stringify(…, null, 2) would, plus a newline, through
 * `write` in chunks of `chunkBytes`: the trades and equity curves never exist as objects or as one string.
 */
export function writeRunsJson(
  runs: readonly StoredRun[],
  extra: Record<string, unknown>,
  write: (chunk: string | Uint8Array) => void,
  /** Whether the last chunk written is already out (a synchronous file or /dev/null): its buffer is then reused. */
  written: () => boolean = () => false,
  chunkBytes = JSON_CHUNK,
): void {
  const out = new JsonBytes(Math.max(MIN_CHUNK, chunkBytes), write, written);
  for (const _ of runsJsonSteps(runs, extra, out));
}

/** What printRunsJson needs of a stream (process.stdout, or a test's Writable). */
export type JsonStream = Pick<NodeJS.WritableStream & Writable, 'write' | 'writableLength' | 'writableNeedDrain' | 'destroyed' | 'once' | 'off'>;

/**
 * Prints the document of writeRunsJson to a stream, waiting for it to drain whenever it holds what it can take:
 * a slow reader (`| jq`) never makes a year's ~100 MB queue in memory, only about one block of it. A stream that
 * ends early (the reader left) ends the wait; the rest goes nowhere.
 */
export async function printRunsJson(stream: JsonStream, runs: readonly StoredRun[], extra: Record<string, unknown>, chunkBytes = JSON_CHUNK): Promise<void> {
  // Nothing left queued after a write: the stream wrote it synchronously (a file, or a pipe with room), so the buffer is free again.
  const out = new JsonBytes(Math.max(MIN_CHUNK, chunkBytes), (chunk) => stream.write(chunk), () => stream.writableLength === 0);
  for (const _ of runsJsonSteps(runs, extra, out)) {
    // The reader left: nothing more can go out, so no more is made.
    if (stream.destroyed) return;
    if (stream.writableNeedDrain) await drained(stream);
    if (stream.destroyed) return;
  }
}

function drained(stream: JsonStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.once(event, done);
  });
}

/** The document, written into `out` in steps of at most a block of trades or curve points each. */
function* runsJsonSteps(runs: readonly StoredRun[], extra: Record<string, unknown>, out: JsonBytes): Generator<void, void, void> {
  const runsArray = new Streamed(function* (o, depth) {
    if (runs.length === 0) return o.put('[]');
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      o.put(`${i === 0 ? '[' : ','}\n${spaces(depth + 1)}`);
      const trades = new Streamed((o2, d) => writeTrades(o2, run.trades, run.settings.markets !== undefined, d));
      yield* writeObject(o, runJsonWith(run, trades, new Streamed((o2, d) => writeCurve(o2, run, d))), depth + 1);
    }
    o.put(`\n${spaces(depth)}]`);
  });
  // As in the reference: `extra` comes after `runs`, and a `runs` key of its own would replace the runs in place.
  yield* writeObject(out, { runs: runsArray, ...extra }, 0);
  out.put('\n');
  out.flush();
}

/** Characters per piece of long text (a string far longer than the output buffer). */
const TEXT_PIECE = 1 << 20;

/**
 * text[from, to) in pieces of at most `piece` characters (one more to keep a surrogate pair whole): a piece
 * never ends between the two halves of a pair, which would each be written as U+FFFD.
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

/** A string value as JSON, remembering the last few (a side or an exit reason repeats on every trade). */
function stringWriter(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let text = seen.get(s);
    if (text === undefined) {
      if (seen.size >= 64) seen.clear();
      text = JSON.stringify(s);
      seen.set(s, text);
    }
    return text;
  };
}

/** The trades array at `depth`, each as tradeJson (with the market first when `withSymbol`) would print. */
function* writeTrades(out: JsonBytes, trades: readonly ClosedTrade[], withSymbol: boolean, depth: number): Generator<void, void, void> {
  if (trades.length === 0) return out.put('[]');
  const writer = new TradesWriter(out, trades, withSymbol, depth);
  for (let from = 0; from < trades.length; from += TRADE_BLOCK) {
    writer.block(from, Math.min(trades.length, from + TRADE_BLOCK));
    yield;
  }
  out.put(`\n${spaces(depth)}]`);
}

/** Writes the trades block by block (a plain method: the generator above only steps through the blocks). */
class TradesWriter {
  // The keys of tradeRow's values, and their texts with the line before.
  private readonly keys = ['symbol', ...TRADE_KEYS];
  private readonly first: Uint8Array[];
  private readonly next: Uint8Array[];
  private readonly open: Uint8Array;
  private readonly between: Uint8Array;
  private readonly close: Uint8Array;
  private readonly firstField: number;
  private readonly quoted = stringWriter();
  private readonly times = new IsoTimes();
  private readonly numbers = new NumberTexts();

  constructor(
    private readonly out: JsonBytes,
    private readonly trades: readonly ClosedTrade[],
    withSymbol: boolean,
    private readonly depth: number,
  ) {
    const item = `\n${spaces(depth + 1)}`;
    const fieldIndent = `\n${spaces(depth + 2)}`;
    this.first = this.keys.map((key) => ascii(`{${fieldIndent}${JSON.stringify(key)}: `));
    this.next = this.keys.map((key) => ascii(`,${fieldIndent}${JSON.stringify(key)}: `));
    this.open = ascii(`[${item}`);
    this.between = ascii(`,${item}`);
    this.close = ascii(`${item}}`);
    this.firstField = withSymbol ? 0 : 1;
  }

  block(from: number, to: number): void {
    const { out, first, next, firstField, numbers } = this;
    const isTime = (f: number): boolean => f >= 1 && f <= TRADE_TIMES;
    const rows: unknown[][] = [];
    // The block's numbers in the order they are written.
    const values: number[] = [];
    for (let i = from; i < to; i++) {
      const row = tradeRow(this.trades[i]!);
      rows.push(row);
      for (let f = firstField; f < row.length; f++) {
        const v = row[f];
        if (typeof v === 'number' && !isTime(f)) values.push(v);
      }
    }
    numbers.load(values);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      out.used = copyBytes(out.room(this.between.length), out.used, from + r === 0 ? this.open : this.between);
      let written = 0;
      for (let f = firstField; f < row.length; f++) {
        const v = row[f];
        let text: string | undefined;
        if (typeof v === 'string' && !isTime(f)) text = this.quoted(v);
        else if (typeof v !== 'number') {
          text = this.unexpected(f, v);
          if (text === undefined) continue;
        }
        const key = (written++ === 0 ? first : next)[f]!;
        out.used = copyBytes(out.room(key.length), out.used, key);
        if (text !== undefined) out.put(text);
        else if (isTime(f)) {
          const buf = out.room(TIME_MAX + 2);
          buf[out.used] = 0x22; // "
          out.used = this.times.write(buf, out.used + 1, v as number);
          buf[out.used++] = 0x22;
        } else {
          numbers.advance();
          out.used = numbers.copy(out.room(NUMBER_MAX), out.view, out.used);
        }
      }
      if (written === 0) out.put('{}');
      else out.used = copyBytes(out.room(this.close.length), out.used, this.close);
    }
  }

  /** A field that is not what the type says (e.g. missing from an old row): as JSON.stringify prints it, if at all. */
  private unexpected(f: number, v: unknown): string | undefined {
    return propertyText(this.keys[f]!, f >= 1 && f <= TRADE_TIMES ? iso(v as number) : v, this.depth + 1);
  }
}

/** One series of a curve: the text of each point's number, made per block from the values that changed. */
class SeriesTexts {
  private last = NaN;
  private readonly numbers = new NumberTexts();

  constructor(private readonly values: Float64Array) {}

  /** Prints the numbers of points [from, to): equity curves repeat values for long stretches, so only changes. */
  load(from: number, to: number): void {
    this.numbers.load(changes(this.values, this.last, from, to));
  }

  /** Copies point i's number (points in order) to buf[at]; returns the new end. */
  copy(buf: Uint8Array, view: DataView, at: number, i: number): number {
    const v = this.values[i]!;
    if (v !== this.last) {
      this.last = v;
      this.numbers.advance();
    }
    return this.numbers.copy(buf, view, at);
  }
}

/**
 * values[from, to) that differ from the one before (`last` before `from`). Apart from SeriesTexts.load: V8 ran
 * this loop as on-stack-replaced code that bailed out at the call after it on every block (a soft deopt keeps the
 * code), ~400 times a year.
 */
function changes(values: Float64Array, last: number, from: number, to: number): number[] {
  const changed: number[] = [];
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    // -0 and 0 are === and both print "0"; NaN never equals itself and prints null.
    if (v !== last) changed.push((last = v));
  }
  return changed;
}

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** One curve at `depth` as JSON.stringify prints an array of {time, equity, cash, exposure}. */
function* writeCurve(out: JsonBytes, run: Pick<StoredRun, 'equityTimes' | 'equity' | 'cash' | 'exposure'>, depth: number): Generator<void, void, void> {
  const n = run.equityTimes.length;
  if (n === 0) return out.put('[]');
  const writer = new CurveWriter(out, run, depth);
  for (let from = 0; from < n; from += NUMBER_BLOCK) {
    writer.block(from, Math.min(n, from + NUMBER_BLOCK));
    yield;
  }
  out.put(`\n${spaces(depth)}]`);
}

/** Writes a curve block by block (a plain method: the generator above only steps through the blocks). */
class CurveWriter {
  private readonly first: Uint8Array;
  private readonly next: Uint8Array;
  private readonly equityKey: Uint8Array;
  private readonly cashKey: Uint8Array;
  private readonly exposureKey: Uint8Array;
  private readonly close: Uint8Array;
  private readonly nullText = ascii('null');
  /** A point's longest text. */
  private readonly point: number;
  private readonly times: Float64Array;
  private readonly isoTimes = new IsoTimes();
  private readonly equity: SeriesTexts;
  private readonly cash: SeriesTexts | null;
  private readonly exposure: SeriesTexts | null;

  constructor(
    private readonly out: JsonBytes,
    run: Pick<StoredRun, 'equityTimes' | 'equity' | 'cash' | 'exposure'>,
    depth: number,
  ) {
    const item = `\n${spaces(depth + 1)}`;
    const field = `\n${spaces(depth + 2)}`;
    this.first = ascii(`[${item}{${field}"time": "`);
    this.next = ascii(`,${item}{${field}"time": "`);
    this.equityKey = ascii(`",${field}"equity": `);
    this.cashKey = ascii(`,${field}"cash": `);
    this.exposureKey = ascii(`,${field}"exposure": `);
    this.close = ascii(`${item}}`);
    this.point = this.next.length + TIME_MAX + this.equityKey.length + this.cashKey.length + this.exposureKey.length + 3 * NUMBER_MAX + this.close.length;
    this.times = run.equityTimes;
    this.equity = new SeriesTexts(run.equity);
    this.cash = run.cash ? new SeriesTexts(run.cash) : null;
    this.exposure = run.exposure ? new SeriesTexts(run.exposure) : null;
  }

  block(from: number, to: number): void {
    const { out, first, next, equityKey, cashKey, exposureKey, close, nullText, point, times, isoTimes, equity, cash, exposure } = this;
    equity.load(from, to);
    cash?.load(from, to);
    exposure?.load(from, to);
    for (let i = from; i < to; i++) {
      const buf = out.room(point);
      const view = out.view;
      let at = copyBytes(buf, out.used, i === 0 ? first : next);
      at = isoTimes.write(buf, at, times[i]!);
      at = copyBytes(buf, at, equityKey);
      at = equity.copy(buf, view, at, i);
      at = copyBytes(buf, at, cashKey);
      at = cash ? cash.copy(buf, view, at, i) : copyBytes(buf, at, nullText);
      at = copyBytes(buf, at, exposureKey);
      at = exposure ? exposure.copy(buf, view, at, i) : copyBytes(buf, at, nullText);
      out.used = copyBytes(buf, at, close);
    }
  }
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
