// Bodies of the full-screen windows opened from anywhere: waiting orders (o), the engine's log (L), the account (A)
// and the command palette (:). Pure functions of what they show and the window's state; the App frames them.
import type { Order } from '../../core/trading.js';
import type { LogEntry } from '../../engine/viewer-api.js';
import { type AccountSummary, type PeriodPnl } from '../../view/account.js';
import { LOG_LEVELS, type LogLevel } from '../store/ui-state.js';
import { dateTime, money, percent, price, qty, signed } from '../format.js';
import { type Binding, displayKey } from '../keys/keymap.js';
import type { Theme } from '../theme/theme.js';
import type { PaletteEntry } from '../actions.js';
import { renderLineChart } from './chart.js';
import { type Line, type Seg, fit, seg, wrapText } from './line.js';
import { type Column, renderTable, scrollStart } from './table.js';

const ORDER_COLUMNS: Column[] = [
  { title: 'Created (UTC)', width: 16 },
  { title: 'Strategy', width: 9, drop: 3 },
  { title: 'Symbol', width: 9 },
  { title: 'Side', width: 4 },
  { title: 'For', width: 5, drop: 2 },
  { title: 'Type', width: 6, drop: 4 },
  { title: 'Size', width: 12, align: 'right' },
  { title: 'Filled', width: 8, align: 'right', drop: 1 },
  { title: 'Price', width: 10, align: 'right', drop: 5 },
  { title: 'Status', width: 14 },
  { title: 'Reason', width: 10, flex: true, drop: 6 },
];

/** Waiting orders oldest first (the order they were sent in). */
export function waitingOrders(orders: readonly Order[] | undefined): Order[] {
  return [...(orders ?? [])].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

function strategyOf(instanceId: string): string {
  return instanceId.split('@')[0] ?? instanceId;
}

export function ordersBody(orders: readonly Order[], selected: number, width: number, height: number, theme: Theme): Line[] {
  const rows: Seg[][] = orders.map((o) => [
    seg(dateTime(o.createdAt)),
    seg(strategyOf(o.instanceId)),
    seg(o.symbol),
    seg(o.side === 'buy' ? `${theme.g.buy} buy` : `${theme.g.sell} sell`, o.side === 'buy' ? 'up' : 'down'),
    seg(o.purpose),
    seg(o.type),
    seg(o.qty !== undefined ? qty(o.qty) : `${money(o.quote ?? 0)} q`),
    seg(o.filledQty > 0 ? qty(o.filledQty) : '-'),
    seg(o.price !== undefined ? price(o.price) : 'market', o.price === undefined ? 'muted' : undefined),
    seg(o.status.replace('_', ' '), o.status === 'pending_cancel' ? 'warn' : undefined),
    seg(o.reason, 'muted'),
  ]);
  const table = renderTable({
    columns: ORDER_COLUMNS,
    rows,
    width,
    height: Math.max(2, height - 1),
    selected: orders.length ? Math.min(selected, orders.length - 1) : null,
    focused: true,
    theme,
    empty: 'no waiting orders: market orders fill at the next candle open, so they wait here only briefly',
  });
  const out = [...table];
  while (out.length < height - 1) out.push([]);
  const pending = orders.filter((o) => o.status === 'pending_cancel').length;
  out.push(fit([seg(` ${orders.length} waiting`, undefined, { bold: true }), ...(pending ? [seg(`  ${pending} being cancelled`, 'warn')] : [])], width));
  return out;
}

const LEVEL_TAG: Record<LogEntry['level'], [string, 'muted' | 'info' | 'warn' | 'error' | 'critical' | undefined]> = {
  trace: ['TRC', 'muted'],
  debug: ['DBG', 'muted'],
  info: ['INF', 'info'],
  warn: ['WRN', 'warn'],
  error: ['ERR', 'error'],
  fatal: ['FTL', 'critical'],
};
const RANK: Record<LogEntry['level'], number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

/** The lines the log window lists: at or above the level, holding every filter word (message or detail). */
export function visibleLog(entries: readonly LogEntry[], level: LogLevel, filter: string): LogEntry[] {
  const min = RANK[level];
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => RANK[e.level] >= min && words.every((w) => `${e.msg} ${e.detail}`.toLowerCase().includes(w)));
}

export function nextLogLevel(l: LogLevel): LogLevel {
  return LOG_LEVELS[(LOG_LEVELS.indexOf(l) + 1) % LOG_LEVELS.length]!;
}

/** Newest at the bottom, like a tail; `scroll` lines up from the newest. Long lines wrap under their text. */
export function logBody(entries: readonly LogEntry[] | null, v: { level: LogLevel; scroll: number; filter: string; editing: boolean }, width: number, height: number, theme: Theme): Line[] {
  const head: Line = [seg(` level ≥ ${v.level}`.replace('≥', theme.unicode ? '≥' : '>='), 'muted'), seg('   filter ', 'muted'), seg(v.filter || (v.editing ? '' : '(none)'), v.editing ? 'focus' : undefined, { inverse: v.editing })];
  if (v.editing) head.push(seg(' type, Enter keeps, Esc clears', 'muted'));
  const rowsH = Math.max(1, height - 2);
  if (entries === null) return [fit(head, width), fit([seg(' this engine keeps no log in memory (the log is only the file tradetui.log)', 'muted')], width)];
  const list = visibleLog(entries, v.level, v.filter);
  const textW = Math.max(10, width - 17);
  const lines: Line[] = [];
  for (const e of list) {
    const [tag, role] = LEVEL_TAG[e.level];
    const text = e.detail ? `${e.msg} ${e.detail}` : e.msg;
    const wrapped = wrapText(text, textW);
    lines.push(fit([seg(` ${new Date(e.time).toISOString().slice(11, 19)} `, 'muted'), seg(tag, role, { bold: e.level === 'error' || e.level === 'fatal' }), seg(` ${wrapped[0] ?? ''}`)], width));
    for (const more of wrapped.slice(1)) lines.push(fit([seg(' '.repeat(14)), seg(more)], width));
  }
  const maxScroll = Math.max(0, lines.length - rowsH);
  const scroll = Math.min(v.scroll, maxScroll);
  const end = lines.length - scroll;
  const shown = lines.slice(Math.max(0, end - rowsH), end);
  const out = [fit(head, width), ...shown];
  if (list.length === 0) out.push(fit([seg(entries.length === 0 ? ' no log lines yet' : ' no line matches the level and filter', 'muted')], width));
  while (out.length < height - 1) out.push([]);
  out.push(fit([seg(` ${list.length} of ${entries.length} lines`, undefined, { bold: true }), seg(scroll > 0 ? `  ${scroll} line${scroll === 1 ? '' : 's'} above the newest` : '  following the newest', 'muted')], width));
  return out.slice(0, height);
}

export function accountBody(
  a: AccountSummary,
  curve: readonly number[],
  periods: readonly PeriodPnl[],
  v: { period: 'day' | 'week'; scroll: number },
  width: number,
  height: number,
  theme: Theme,
): Line[] {
  const out: Line[] = [];
  const pair = (label: string, value: Seg): Seg[] => [seg(`${label} `, 'muted'), value, seg('   ')];
  out.push(fit([seg(' '), ...pair('equity', seg(money(a.equity), undefined, { bold: true })), ...pair('cash', seg(money(a.cash))), ...pair('exposure', seg(money(a.exposure)))], width));
  out.push(fit([seg(' '), ...pair('unrealised', signed(theme, a.unrealised)), ...pair('today', signed(theme, a.today))], width));
  out.push(
    fit(
      [
        seg(' '),
        ...pair(`over ${curve.length > 1 ? `${curve.length - 1} days` : 'the marks'}`, signed(theme, a.sinceFirst)),
        seg(`(${a.sinceFirstPct >= 0 ? '+' : theme.g.minus}${percent(Math.abs(a.sinceFirstPct))})   `, 'muted'),
        ...pair('max drawdown', seg(`${a.maxDrawdownPct < 0 ? theme.g.minus : ''}${percent(Math.abs(a.maxDrawdownPct))}`)),
      ],
      width,
    ),
  );
  out.push([]);
  const tableH = Math.max(4, Math.floor((height - 4) / 2));
  const chartH = height - 4 - tableH - 1;
  if (curve.length >= 2 && chartH >= 3) {
    out.push(fit([seg(` Equity at each UTC day's start (${curve.length} marks)`, 'accent', { bold: true })], width));
    for (const l of renderLineChart(curve, Math.max(10, width - 2), chartH - 1, theme)) out.push(fit([seg(' '), ...l], width));
  } else if (chartH >= 1) out.push(fit([seg(' Equity curve: not enough history yet (one mark per UTC day)', 'muted')], width));
  while (out.length < height - tableH) out.push([]);
  out.push(fit([seg(` P&L by ${v.period === 'day' ? 'UTC day' : 'week (Monday start)'}`, 'accent', { bold: true }), seg('  w: days/weeks', 'muted')], width));
  const rows: Seg[][] = periods.map((p) => [
    seg(v.period === 'day' ? new Date(p.start).toISOString().slice(0, 10) : `wk ${new Date(p.start).toISOString().slice(0, 10)}`),
    signed(theme, p.pnl),
    signed(theme, p.pnlPct, (x) => percent(x).slice(0, -1), '%'),
    seg(money(p.to)),
    seg(String(p.trades)),
  ]);
  const columns: Column[] = [
    { title: v.period === 'day' ? 'Day' : 'Week of', width: 13 },
    { title: 'P&L', width: 13, align: 'right' },
    { title: 'P&L%', width: 9, align: 'right' },
    { title: 'Equity after', width: 13, align: 'right', drop: 1 },
    { title: 'Trades', width: 6, align: 'right' },
  ];
  out.push(
    ...renderTable({ columns, rows, width, height: tableH - 1, selected: periods.length ? Math.min(v.scroll, periods.length - 1) : null, focused: true, theme, empty: 'no full day yet: P&L by day starts after the first UTC midnight' }),
  );
  return out.slice(0, height);
}

export function paletteBody(matches: readonly PaletteEntry[], text: string, index: number, width: number, height: number, theme: Theme): Line[] {
  const out: Line[] = [fit([seg(' :', 'accent', { bold: true }), seg(text, 'focus', { inverse: true }), seg(' ')], width), []];
  const rows = Math.max(1, height - 4);
  const start = scrollStart(matches.length, index, rows);
  const keysOf = (b: Binding): string => b.keys.map((k) => displayKey(k, theme.unicode)).join(' ');
  for (let i = start; i < Math.min(matches.length, start + rows); i++) {
    const e = matches[i]!;
    const on = i === index;
    const name = e.id.padEnd(17);
    const keys = keysOf(e.binding).padEnd(9);
    const room = Math.max(0, width - 3 - name.length - keys.length - 1);
    out.push(
      fit(
        [seg(on ? ` ${theme.g.focus} ` : '   '), seg(name, on ? 'focus' : undefined, { inverse: on, bold: true }), seg(keys, 'muted'), seg(' '), seg(e.binding.description.length > room ? `${e.binding.description.slice(0, Math.max(0, room - 1))}${theme.g.ellipsis}` : e.binding.description)],
        width,
      ),
    );
  }
  if (matches.length === 0) out.push(fit([seg(` no action matches "${text}"`, 'muted')], width));
  while (out.length < height - 1) out.push([]);
  out.push(fit([seg(' Tab completes, ↑↓ choose, Enter runs, Esc closes'.replace('↑↓', theme.unicode ? '↑↓' : 'Up/Down'), 'muted')], width));
  return out.slice(0, height);
}
