// Formatting at the edge: prices, money, percentages, UTC times. Inside, everything is UTC ms and raw numbers.
import type { Theme } from './theme/theme.js';
import type { Seg } from './components/line.js';

export { money, percent, price, qty } from '../view/format.js';
import { money } from '../view/format.js';

/** A signed amount as a glyph + sign + value segment: "▲ +12.30" / "▼ −5.10"; colour only adds to the glyph. */
export function signed(theme: Theme, x: number, text: (abs: number) => string = money, suffix = ''): Seg {
  if (!Number.isFinite(x)) return { text: '-' };
  if (x > 0) return { text: `${theme.g.up} +${text(x)}${suffix}`, role: 'up' };
  if (x < 0) return { text: `${theme.g.down} ${theme.g.minus}${text(-x)}${suffix}`, role: 'down' };
  return { text: `${theme.g.flat} ${text(0)}${suffix}` };
}

/** HH:MM UTC. */
export function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

/** YYYY-MM-DD HH:MM UTC. */
export function dateTime(t: number): string {
  const s = new Date(t).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/** MM-DD HH:MM, for dense lists. */
export function shortDateTime(t: number): string {
  const s = new Date(t).toISOString();
  return `${s.slice(5, 10)} ${s.slice(11, 16)}`;
}

/** A coarse age: 45s, 12m, 3h, 2d. */
export function age(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h`;
  return `${Math.floor(ms / 86_400_000)}d`;
}

export function paramsText(p: Record<string, number | string | boolean>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
