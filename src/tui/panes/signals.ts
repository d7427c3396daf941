// Signals pane: each strategy decision with the indicator values behind it, and entries the risk layer rejected or
// resized, with why. Newest first.
import type { Column } from '../components/table.js';
import { renderTable } from '../components/table.js';
import { type Line, type Seg, seg } from '../components/line.js';
import { shortDateTime } from '../format.js';
import type { SignalRow } from '../store/view-store.js';
import type { Theme } from '../theme/theme.js';
import { selectedIndex, shownSignals } from '../store/selectors.js';
import type { PaneProps } from './types.js';

const COLUMNS: Column[] = [
  { title: 'Candle', width: 11 },
  { title: 'Strategy', width: 10, drop: 2 },
  { title: 'Symbol', width: 9, drop: 1 },
  { title: 'Decision', width: 12 },
  { title: 'Reason', width: 16, flex: true },
];

export function decisionSeg(r: SignalRow, theme: Theme): Seg {
  switch (r.action) {
    case 'enter-long':
      return seg(`${theme.g.up} long`, 'up');
    case 'enter-short':
      return seg(`${theme.g.down} short`, 'down');
    case 'exit':
      return seg(`${theme.g.times} exit`, 'accent');
    case 'rejected':
      return seg('! rejected', 'error');
    case 'resized':
      return seg('~ resized', 'warn');
    default:
      return seg(r.action);
  }
}

export function renderSignals(p: PaneProps): Line[] {
  const rows: Seg[][] = shownSignals(p.view, p.ui).map((r) => [
    seg(shortDateTime(r.time), 'muted'),
    seg(r.strategy),
    seg(r.symbol),
    decisionSeg(r, p.theme),
    seg(r.kind === 'risk' ? `risk: ${r.reason}` : r.reason),
  ]);
  return renderTable({
    columns: COLUMNS,
    rows,
    width: p.width,
    height: p.height,
    selected: selectedIndex(p.view, p.ui, 'signals'),
    focused: p.focused,
    theme: p.theme,
    empty: 'no signals yet',
  });
}
