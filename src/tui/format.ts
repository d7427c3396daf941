// Formatting at the edge: prices, money, percentages, UTC times. Inside, everything is UTC ms and raw numbers.
import type { Theme } from './theme/theme.js';
import type { Seg } from './components/line.js';

/** A price with as many decimals as its magnitude needs (43,210.5 / 1.2345 / 0.00001234). */
export function price(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  const d = a >= 1000 ? 2 : a >= 1 ? 4 : a === 0 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(a)) + 2);
  return groupThousands(x.toFixed(d).replace(/(\.\d*?[1-9])0+$|\.0+$/, '$1'));
}

/** Money: two decimals with thousands separators. */
export function money(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return groupThousands(x.toFixed(2));
}

export function qty(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return String(Number(x.toPrecision(6)));
}

function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac] = body.split('.');
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + g + (frac !== undefined ? `.${frac}` : '');
}

/** A signed amount as a glyph + sign + value segment: "▲ +12.30" / "▼ −5.10"; colour only adds to the glyph. */
export function signed(theme: Theme, x: number, text: (abs: number) => string = money, suffix = ''): Seg {
  if (!Number.isFinite(x)) return { text: '-' };
  if (x > 0) return { text: `${theme.g.up} +${text(x)}${suffix}`, role: 'up' };
  if (x < 0) return { text: `${theme.g.down} ${theme.g.minus}${text(-x)}${suffix}`, role: 'down' };
  return { text: `${theme.g.flat} ${text(0)}${suffix}` };
}

export function percent(x: number): string {
  return `${x.toFixed(2)}%`;
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
