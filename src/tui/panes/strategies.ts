// Strategies pane: every instance with name, symbol, timeframe, params, running/stopped, trades and P&L.
import type { Column } from '../components/table.js';
import { renderTable } from '../components/table.js';
import { type Line, type Seg, fit, seg } from '../components/line.js';
import { paramsText, signed } from '../format.js';
import { selectedInstance, selectedIndex, shownInstances } from '../store/selectors.js';
import type { PaneProps } from './types.js';
import { holdsOn } from '../../view/protections.js';
import type { InstanceRow } from '../store/selectors.js';

const COLUMNS: Column[] = [
  { title: 'State', width: 7 },
  { title: 'Strategy', width: 9 },
  { title: 'Symbol', width: 9 },
  { title: 'TF', width: 3 },
  { title: 'Trd', width: 5, align: 'right', drop: 2 },
  { title: 'P&L', width: 10, align: 'right' },
  { title: 'Params', width: 12, flex: true, drop: 3 },
];

export function renderStrategies(p: PaneProps): Line[] {
  const { theme } = p;
  const list = shownInstances(p.view, p.ui);
  const rows: Seg[][] = list.map((i) => [
    stateCell(p, i),
    seg(i.strategy),
    seg(i.symbol),
    seg(i.timeframe),
    seg(String(i.trades)),
    signed(theme, i.pnl),
    seg(paramsText(i.params), 'muted'),
  ]);
  const sel = selectedInstance(p.view, p.ui);
  const footer = sel && p.height >= 4 ? 1 : 0;
  const lines = renderTable({
    columns: COLUMNS,
    rows,
    width: p.width,
    height: p.height - footer,
    selected: selectedIndex(p.view, p.ui, 'strategies'),
    focused: p.focused,
    theme,
    empty: 'no strategy instances (a adds one)',
  });
  if (footer && sel) {
    while (lines.length < p.height - 1) lines.push([]);
    lines.push(fit([seg('params ', 'muted'), seg(paramsText(sel.params) || '(defaults)')], p.width));
  }
  return lines;
}

/** run / stop, or, for a running instance whose entries are held back, why (halt, pause, cool, loss, ...). */
function stateCell(p: PaneProps, i: InstanceRow): Seg {
  const { theme } = p;
  if (!i.running) return seg(`${theme.g.stopped} stop`, 'muted');
  const held = holdsOn(p.view.engine, i);
  if (held.length > 0) return seg(`! ${held[0]!.word}`, held[0]!.halt ? 'error' : 'warn', { bold: true });
  return seg(`${theme.g.running} run`, 'up');
}
