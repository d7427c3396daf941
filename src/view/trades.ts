// Closed trades as a trader reads them: filtered by free text, sorted by a column, and totalled (count, wins,
// net P&L, fees). Shared wording for every view that lists trades (the TUI's trade history; Telegram can reuse).
import type { ClosedTrade } from '../core/trading.js';

export const TRADE_SORTS = ['exit', 'pnl', 'pnlPct', 'symbol', 'strategy', 'fees'] as const;
export type TradeSort = (typeof TRADE_SORTS)[number];

export const TRADE_SORT_LABELS: Record<TradeSort, string> = { exit: 'exit time', pnl: 'P&L', pnlPct: 'P&L %', symbol: 'symbol', strategy: 'strategy', fees: 'fees' };

/** Trades whose symbol, strategy, instance, side or exit reason contains every word of `filter` (case-insensitive). */
export function filterTrades(trades: readonly ClosedTrade[], filter: string): ClosedTrade[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...trades];
  return trades.filter((t) => {
    const hay = `${t.symbol} ${t.strategy} ${t.instanceId} ${t.side} ${t.exitReason}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function sortTrades(trades: readonly ClosedTrade[], by: TradeSort, descending: boolean): ClosedTrade[] {
  const key = (t: ClosedTrade): number | string => {
    switch (by) {
      case 'exit':
        return t.exitTime;
      case 'pnl':
        return t.pnl;
      case 'pnlPct':
        return t.pnlPct;
      case 'symbol':
        return t.symbol;
      case 'strategy':
        return t.strategy;
      case 'fees':
        return t.fees;
    }
  };
  const dir = descending ? -1 : 1;
  // ties keep the newest exit first
  return [...trades].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return c !== 0 ? c * dir : b.exitTime - a.exitTime;
  });
}

export interface TradeTotals {
  count: number;
  wins: number;
  winRatePct: number;
  netPnl: number;
  fees: number;
  best: number;
  worst: number;
}

export function tradeTotals(trades: readonly ClosedTrade[]): TradeTotals {
  let wins = 0;
  let net = 0;
  let fees = 0;
  let best = -Infinity;
  let worst = Infinity;
  for (const t of trades) {
    if (t.pnl > 0) wins++;
    net += t.pnl;
    fees += t.fees;
    best = Math.max(best, t.pnl);
    worst = Math.min(worst, t.pnl);
  }
  const count = trades.length;
  return { count, wins, winRatePct: count ? (wins / count) * 100 : 0, netPnl: net, fees, best: count ? best : 0, worst: count ? worst : 0 };
}
