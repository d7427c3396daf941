// The account as a trader reads it: P&L per UTC day or ISO week from the daily equity marks (what the engine
// saved at each day's start, plus the equity now), with the closed trades counted in each period. The TUI's
// account view reads this; Telegram's /daily can too.
import type { ClosedTrade, Position } from '../core/trading.js';
import { unrealisedPnl } from '../core/trading.js';
import { DAY_MS } from '../core/time.js';

export interface PeriodPnl {
  /** Period start, UTC ms (a day's 00:00, or a week's Monday 00:00). */
  start: number;
  /** Equity at the period's start and at its end (the next mark, or now). */
  from: number;
  to: number;
  pnl: number;
  pnlPct: number;
  trades: number;
}

/** dailyEquity's `day` is a UTC day start in ms; a small number is taken as a day index (days since 1970). */
export function dayStartMs(day: number): number {
  return day < 1e8 ? day * DAY_MS : Math.floor(day / DAY_MS) * DAY_MS;
}

/** Monday 00:00 UTC of the week holding `t` (ISO weeks). */
export function weekStartMs(t: number): number {
  const day = Math.floor(t / DAY_MS);
  const dow = (day + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday
  return (day - dow) * DAY_MS;
}

/**
 * P&L per period, newest first. `marks` are dailyEquity's rows (oldest first; the last is the equity now).
 * A period's P&L is its last mark's equity minus its first: deposits do not exist in paper trading.
 */
export function pnlByPeriod(marks: ReadonlyArray<{ day: number; equity: number }>, trades: readonly ClosedTrade[], period: 'day' | 'week'): PeriodPnl[] {
  if (marks.length < 2) return [];
  const keyOf = (t: number): number => (period === 'day' ? Math.floor(t / DAY_MS) * DAY_MS : weekStartMs(t));
  const out = new Map<number, PeriodPnl>();
  for (let i = 0; i + 1 < marks.length; i++) {
    const start = dayStartMs(marks[i]!.day);
    const k = keyOf(start);
    const row = out.get(k);
    if (row) row.to = marks[i + 1]!.equity;
    else out.set(k, { start: k, from: marks[i]!.equity, to: marks[i + 1]!.equity, pnl: 0, pnlPct: 0, trades: 0 });
  }
  for (const t of trades) {
    const row = out.get(keyOf(t.exitTime));
    if (row) row.trades++;
  }
  const rows = [...out.values()].sort((a, b) => b.start - a.start);
  for (const r of rows) {
    r.pnl = r.to - r.from;
    r.pnlPct = r.from > 0 ? (r.pnl / r.from) * 100 : 0;
  }
  return rows;
}

export interface AccountSummary {
  cash: number;
  equity: number;
  exposure: number;
  unrealised: number;
  today: number;
  todayPct: number;
  /** Change over the marks shown (first mark to now). */
  sinceFirst: number;
  sinceFirstPct: number;
  /** Deepest fall from a running peak over the marks, percent (≤ 0). */
  maxDrawdownPct: number;
}

export function accountSummary(
  s: { cash: number; equity: number; exposure: number; dayStartEquity: number; positions: readonly Position[] },
  marks: ReadonlyArray<{ equity: number }>,
): AccountSummary {
  const unrealised = s.positions.reduce((a, p) => a + unrealisedPnl(p, p.lastPrice), 0);
  const today = s.equity - s.dayStartEquity;
  const first = marks[0]?.equity ?? s.equity;
  let peak = -Infinity;
  let dd = 0;
  for (const m of [...marks, { equity: s.equity }]) {
    peak = Math.max(peak, m.equity);
    if (peak > 0) dd = Math.min(dd, ((m.equity - peak) / peak) * 100);
  }
  return {
    cash: s.cash,
    equity: s.equity,
    exposure: s.exposure,
    unrealised,
    today,
    todayPct: s.dayStartEquity > 0 ? (today / s.dayStartEquity) * 100 : 0,
    sinceFirst: s.equity - first,
    sinceFirstPct: first > 0 ? ((s.equity - first) / first) * 100 : 0,
    maxDrawdownPct: dd,
  };
}
