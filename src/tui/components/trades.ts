// The trade history window: closed trades in a table (sorted, filtered) with a status line and the totals.
import type { ClosedTrade } from '../../core/trading.js';
import { TRADE_SORT_LABELS, type TradeSort, filterTrades, sortTrades, tradeTotals } from '../../view/trades.js';
import { dateTime, money, percent, price, qty, signed } from '../format.js';
import type { Theme } from '../theme/theme.js';
import { type Line, type Seg, fit, seg } from './line.js';
import { type Column, renderTable } from './table.js';

const COLUMNS: Column[] = [
  { title: 'Exit (UTC)', width: 16 },
  { title: 'Strategy', width: 9 },
  { title: 'Symbol', width: 9 },
  { title: 'Side', width: 5 },
  { title: 'Qty', width: 8, align: 'right', drop: 3 },
  { title: 'Entry', width: 10, align: 'right', drop: 4 },
  { title: 'Exit', width: 10, align: 'right', drop: 4 },
  { title: 'P&L', width: 11, align: 'right' },
  { title: 'P&L%', width: 9, align: 'right', drop: 1 },
  { title: 'Fees', width: 8, align: 'right', drop: 2 },
  { title: 'Reason', width: 11, flex: true, drop: 5 },
];

export interface TradesView {
  sort: TradeSort;
  desc: boolean;
  filter: string;
  editing: boolean;
  index: number;
}

/** The trades the window lists, in its order (the caller keeps the selection within them). */
export function visibleTrades(all: readonly ClosedTrade[], v: Pick<TradesView, 'sort' | 'desc' | 'filter'>): ClosedTrade[] {
  return sortTrades(filterTrades(all, v.filter), v.sort, v.desc);
}

export function tradesBody(all: readonly ClosedTrade[], v: TradesView, width: number, height: number, theme: Theme): Line[] {
  const list = visibleTrades(all, v);
  const t = tradeTotals(list);
  const arrow = v.desc ? (theme.unicode ? '↓' : 'desc') : theme.unicode ? '↑' : 'asc';
  const head: Line = [seg(` sort ${TRADE_SORT_LABELS[v.sort]} ${arrow}`, 'muted'), seg('   filter ', 'muted'), seg(v.filter || (v.editing ? '' : '(none)'), v.editing ? 'focus' : undefined, { inverse: v.editing })];
  if (v.editing) head.push(seg(' type, Enter keeps, Esc clears', 'muted'));
  const rows: Seg[][] = list.map((x) => [
    seg(dateTime(x.exitTime)),
    seg(x.strategy),
    seg(x.symbol),
    seg(x.side),
    seg(qty(x.qty)),
    seg(price(x.entryPrice)),
    seg(price(x.exitPrice)),
    signed(theme, x.pnl),
    signed(theme, x.pnlPct, (a) => percent(a).slice(0, -1), '%'),
    seg(money(x.fees)),
    seg(x.exitReason.replace('_', ' '), 'muted'),
  ]);
  const table = renderTable({
    columns: COLUMNS,
    rows,
    width,
    height: Math.max(2, height - 3),
    selected: list.length ? Math.min(v.index, list.length - 1) : null,
    focused: true,
    theme,
    empty: all.length === 0 ? 'no closed trades yet' : 'no trade matches the filter',
  });
  const totals: Line = [
    seg(` ${t.count} trade${t.count === 1 ? '' : 's'}`, undefined, { bold: true }),
    seg(`  ${t.wins} won (${t.winRatePct.toFixed(0)}%)  net `),
    signed(theme, t.netPnl),
    seg(`  fees ${money(t.fees)}`),
    ...(t.count ? [seg(`  best ${money(t.best)}  worst ${money(t.worst)}`, 'muted')] : []),
  ];
  const out = [fit(head, width), ...table];
  while (out.length < height - 1) out.push([]);
  out.push(fit(totals, width));
  return out;
}
