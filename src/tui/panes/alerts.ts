// Alerts pane: newest first, severity as a text tag (colour only repeats it), with time.
import type { Severity } from '../../core/events.js';
import type { Column } from '../components/table.js';
import { renderTable } from '../components/table.js';
import { type Line, type Seg, seg } from '../components/line.js';
import { shortDateTime } from '../format.js';
import type { Role } from '../theme/theme.js';
import { selectedIndex, shownAlerts } from '../store/selectors.js';
import type { PaneProps } from './types.js';

const COLUMNS: Column[] = [
  { title: 'Time', width: 11 },
  { title: 'Sev', width: 4 },
  { title: 'Category', width: 10, drop: 1 },
  { title: 'Message', width: 16, flex: true },
];

const TAG: Record<Severity, [string, Role]> = {
  info: ['INFO', 'info'],
  warn: ['WARN', 'warn'],
  error: ['ERR!', 'error'],
  critical: ['CRIT', 'critical'],
};

export function severitySeg(s: Severity): Seg {
  const [t, r] = TAG[s] ?? [s, undefined];
  return seg(t, r, { bold: s === 'critical' || s === 'error' });
}

export function renderAlerts(p: PaneProps): Line[] {
  const rows: Seg[][] = shownAlerts(p.view, p.ui).map((a) => [
    seg(shortDateTime(a.time), 'muted'),
    severitySeg(a.severity),
    seg(a.category),
    seg(a.message, a.severity === 'critical' ? 'critical' : a.severity === 'error' ? 'error' : undefined),
  ]);
  return renderTable({
    columns: COLUMNS,
    rows,
    width: p.width,
    height: p.height,
    selected: selectedIndex(p.view, p.ui, 'alerts'),
    focused: p.focused,
    theme: p.theme,
    empty: 'no alerts',
  });
}
