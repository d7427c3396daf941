// The daily summary (equity, day and week P&L, open positions, the day's trades, best and worst) read from
// the EngineApi, and the local-time arithmetic that schedules it ("21:00 Europe/Berlin" → UTC ms).
import type { ClosedTrade, Position } from '../core/trading.js';
import type { EngineApi } from '../engine/ports.js';

export interface DailySummary {
  time: number;
  equity: number;
  dayPnl: number;
  dayPnlPct: number;
  weekPnl: number;
  weekPnlPct: number;
  positions: Position[];
  tradesToday: number;
  winsToday: number;
  realisedToday: number;
  best: ClosedTrade | null;
  worst: ClosedTrade | null;
}

export function buildDailySummary(api: Pick<EngineApi, 'snapshot' | 'trades' | 'dailyEquity'>, now: number, timeZone: string): DailySummary {
  const snap = api.snapshot();
  const equity = snap.equity;
  const dayPnl = equity - snap.dayStartEquity;
  const week = api.dailyEquity(7);
  const weekStart = week.length > 0 ? week[0]!.equity : snap.dayStartEquity;
  const trades = api.trades({ since: localDayStart(now, timeZone) });
  let best: ClosedTrade | null = null;
  let worst: ClosedTrade | null = null;
  let realised = 0;
  let wins = 0;
  for (const t of trades) {
    realised += t.pnl;
    if (t.pnl > 0) wins++;
    if (!best || t.pnl > best.pnl) best = t;
    if (!worst || t.pnl < worst.pnl) worst = t;
  }
  return {
    time: now,
    equity,
    dayPnl,
    dayPnlPct: snap.dayStartEquity > 0 ? (dayPnl / snap.dayStartEquity) * 100 : 0,
    weekPnl: equity - weekStart,
    weekPnlPct: weekStart > 0 ? ((equity - weekStart) / weekStart) * 100 : 0,
    positions: snap.positions.map((p) => ({ ...p, protection: { ...p.protection } })),
    tradesToday: trades.length,
    winsToday: wins,
    realisedToday: realised,
    best,
    worst,
  };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(time: number, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(time)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute! };
}

/** The zone's offset from UTC at `time`, in ms (Europe/Berlin in summer: +7_200_000). */
export function zoneOffset(time: number, timeZone: string): number {
  const p = localParts(time, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(time / 60_000) * 60_000;
}

/** UTC ms of a wall-clock time in a zone (month 1-12; day may overflow, Date.UTC normalises it). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const off = zoneOffset(guess - zoneOffset(guess, timeZone), timeZone);
  return guess - off;
}

/** Start of the local day containing `time`. */
export function localDayStart(time: number, timeZone: string): number {
  const p = localParts(time, timeZone);
  return zonedTime(p.year, p.month, p.day, 0, 0, timeZone);
}

/** The first moment after `now` when the zone's clock shows `hhmm` ("21:00"). */
export function nextLocalTime(now: number, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const p = localParts(now, timeZone);
  let t = zonedTime(p.year, p.month, p.day, h, m, timeZone);
  for (let add = 1; t <= now && add < 4; add++) t = zonedTime(p.year, p.month, p.day + add, h, m, timeZone);
  return t;
}

/** A key naming the local day of `time` ("2024-05-01"), to send one summary per day. */
export function localDayKey(time: number, timeZone: string): string {
  const p = localParts(time, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
