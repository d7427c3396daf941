// A terminal heatmap of the objective over two parameters: each cell is the best score among trials with
// those two values (other parameters free), shaded by rank among the cells; the winner's cell is marked.
// Unicode shades, or ASCII when the terminal cannot show them (--ascii, NO_COLOR, a non-UTF-8 locale).
import type { ParamValue, Params } from '../strategy/contract.js';

const UNICODE = { shades: [' ', '░', '▒', '▓', '█'], winner: '◆', none: '·' };
const ASCII = { shades: [' ', '.', ':', '+', '#'], winner: 'X', none: '-' };

export interface HeatmapTrial {
  params: Params;
  score: number | null;
}

export function heatmap(trials: readonly HeatmapTrial[], x: string, y: string, opts: { unicode: boolean; winner?: Params | null; maxColumns?: number; maxRows?: number }): string {
  const g = opts.unicode ? UNICODE : ASCII;
  const xs = axis(trials.map((t) => t.params[x]!), opts.maxColumns ?? 60);
  const ys = axis(trials.map((t) => t.params[y]!), opts.maxRows ?? 30);
  const cells = new Map<string, number>();
  for (const t of trials) {
    const cx = xs.bin(t.params[x]!);
    const cy = ys.bin(t.params[y]!);
    const key = `${cx},${cy}`;
    const s = t.score ?? -Infinity;
    if (!cells.has(key) || s > cells.get(key)!) cells.set(key, s);
  }
  const finite = [...cells.values()].filter((s) => Number.isFinite(s)).sort((a, b) => a - b);
  const shade = (s: number | undefined): string => {
    if (s === undefined) return ' ';
    if (!Number.isFinite(s)) return g.none;
    if (finite.length === 1) return g.shades[4]!;
    // Rank, not value: a few outliers do not wash out the rest.
    let lo = 0;
    while (lo < finite.length && finite[lo]! < s) lo++;
    return g.shades[1 + Math.min(3, Math.floor((lo / (finite.length - 1)) * 3.999))]!;
  };
  const wx = opts.winner ? xs.bin(opts.winner[x]!) : -1;
  const wy = opts.winner ? ys.bin(opts.winner[y]!) : -1;
  const labelWidth = Math.max(y.length, ...ys.labels.map((l) => l.length));
  const lines: string[] = [];
  lines.push(`${y} ↓  ${x} →`.replace('↓', opts.unicode ? '↓' : 'v').replace('→', opts.unicode ? '→' : '>'));
  for (let r = ys.labels.length - 1; r >= 0; r--) {
    let row = '';
    for (let c = 0; c < xs.labels.length; c++) row += c === wx && r === wy ? g.winner : shade(cells.get(`${c},${r}`));
    lines.push(`${ys.labels[r]!.padStart(labelWidth)} │${row}│`.replace(/│/g, opts.unicode ? '│' : '|'));
  }
  const first = xs.labels[0] ?? '';
  const last = xs.labels[xs.labels.length - 1] ?? '';
  lines.push(`${' '.repeat(labelWidth)}  ${first}${last.padStart(Math.max(1, xs.labels.length - first.length))}`);
  lines.push(`${opts.unicode ? 'shades' : 'legend'}: ${g.shades.slice(1).join('')} worse→better by rank, ${g.none} below --min-trades, ${g.winner} winner`.replace('→', opts.unicode ? '→' : ' to '));
  return lines.join('\n');
}

/** Sorted distinct values of one parameter, binned when there are more than fit. */
function axis(values: readonly ParamValue[], max: number): { labels: string[]; bin: (v: ParamValue) => number } {
  const distinct = [...new Set(values.map((v) => JSON.stringify(v)))].map((s) => JSON.parse(s) as ParamValue);
  const numeric = distinct.every((v) => typeof v === 'number');
  distinct.sort((a, b) => (numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b))));
  if (distinct.length <= max || !numeric) {
    const index = new Map(distinct.map((v, i) => [JSON.stringify(v), i]));
    return { labels: distinct.map((v) => String(v)), bin: (v) => index.get(JSON.stringify(v)) ?? -1 };
  }
  const per = Math.ceil(distinct.length / max);
  const count = Math.ceil(distinct.length / per);
  const index = new Map(distinct.map((v, i) => [JSON.stringify(v), Math.floor(i / per)]));
  return { labels: Array.from({ length: count }, (_, k) => String(distinct[k * per])), bin: (v) => index.get(JSON.stringify(v)) ?? -1 };
}
