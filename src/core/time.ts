// Timeframes and UTC time helpers. Inside the engine time is always UTC epoch milliseconds.
import { UserError } from './errors.js';

export const TIMEFRAMES = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
} as const;

export type Timeframe = keyof typeof TIMEFRAMES;
export const TIMEFRAME_LIST = Object.keys(TIMEFRAMES) as Timeframe[];

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;

export function isTimeframe(s: string): s is Timeframe {
  return Object.prototype.hasOwnProperty.call(TIMEFRAMES, s);
}

export function parseTimeframe(s: string, where = 'timeframe'): Timeframe {
  if (!isTimeframe(s)) {
    throw new UserError(`unknown timeframe "${s}"; expected one of ${TIMEFRAME_LIST.join(', ')}`, where);
  }
  return s;
}

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAMES[tf];
}

/** Weekly candles open on Monday 00:00 UTC (as on Binance); epoch 0 was a Thursday. */
const WEEK_OFFSET = 4 * DAY_MS;

export function isAligned(time: number, tf: Timeframe): boolean {
  const ms = TIMEFRAMES[tf];
  return tf === '1w' ? (time - WEEK_OFFSET) % ms === 0 : time % ms === 0;
}

/**
 * Parses a user-given date: ISO-8601 ("2024-01-01", "2024-01-01T10:00Z"), epoch ms, or epoch seconds.
 * Numbers below 1e11 are taken as seconds (1e11 s is the year 5138; 1e11 ms is 1973).
 */
export function parseDate(input: string | number, where = 'date'): number {
  if (typeof input === 'number') return normaliseEpoch(input, where, String(input));
  const s = input.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return normaliseEpoch(Number(s), where, s);
  // "2024-01-01" and "2024-01-01 10:00" (no zone) are UTC, never the machine's local time.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T');
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(iso);
  const t = Date.parse(hasZone || !iso.includes('T') ? iso : `${iso}Z`);
  if (!Number.isFinite(t)) throw new UserError(`"${input}" is not a date (use ISO-8601 like 2024-01-01, or epoch ms)`, where);
  return t;
}

function normaliseEpoch(n: number, where: string, raw: string): number {
  if (!Number.isFinite(n)) throw new UserError(`"${raw}" is not a timestamp`, where);
  return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

export function iso(time: number): string {
  return new Date(time).toISOString();
}
