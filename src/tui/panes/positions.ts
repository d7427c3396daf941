// Positions pane: symbol, the instance's strategy (two rows on one symbol are told apart), side, quantity, entry, last, unrealised P&L and %, stop, take-profit.
import { unrealisedPnl } from '../../core/trading.js';
import type { Column } from '../components/table.js';
import { renderTable } from '../components/table.js';
import { type Line, type Seg, seg } from '../components/line.js';
import { percent, price, qty, signed } from '../format.js';
import { selectedIndex, shownPositions } from '../store/selectors.js';
import type { PaneProps } from './types.js';

const COLUMNS: Column[] = [
  { title: 'Symbol', width: 10 },
  { title: 'Strategy', width: 9 },
  { title: 'Side', width: 7 },
  { title: 'Qty', width: 9, align: 'right', drop: 2 },
  { title: 'Entry', width: 10, align: 'right' },
  { title: 'Last', width: 10, align: 'right' },
  { title: 'uP&L', width: 12, align: 'right' },
  { title: 'uP&L%', width: 10, align: 'right', drop: 1 },
  { title: 'Stop', width: 10, align: 'right', drop: 3 },
  { title: 'Take-profit', width: 11, align: 'right', drop: 4 },
];

export function renderPositions(p: PaneProps): Line[] {
  const { theme } = p;
  const rows: Seg[][] = shownPositions(p.view, p.ui).map((pos) => {
    const pnl = unrealisedPnl(pos, pos.lastPrice);
    const basis = pos.entryPrice * pos.qty;
    const pct = basis > 0 ? (pnl / basis) * 100 : 0;
    return [
      seg(pos.symbol),
      seg(strategyOf(pos.instanceId), 'muted'),
      pos.side === 'long' ? seg(`${theme.g.up} long`, 'up') : seg(`${theme.g.down} short`, 'down'),
      seg(qty(pos.qty)),
      seg(price(pos.entryPrice)),
      seg(price(pos.lastPrice)),
      signed(theme, pnl),
      signed(theme, pct, (x) => percent(x).slice(0, -1), '%'),
      seg(pos.protection.stop !== undefined ? price(pos.protection.stop) : '-'),
      seg(pos.protection.takeProfit !== undefined ? price(pos.protection.takeProfit) : '-'),
    ];
  });
  return renderTable({
    columns: COLUMNS,
    rows,
    width: p.width,
    height: p.height,
    selected: selectedIndex(p.view, p.ui, 'positions'),
    focused: p.focused,
    theme,
    empty: 'no open positions',
  });
}

/** "ma-cross@binance:BTC/USDT:1h" → "ma-cross". */
export function strategyOf(instanceId: string): string {
  return instanceId.split('@')[0]!;
}
