// Small SVG chart primitives for the HTML report: scales, downsampling that keeps a series' shape, polylines, and
// time/price ticks. Output is plain SVG markup (no script), so the report renders offline in any browser.

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Frame {
  width: number;
  height: number;
  /** Inner plot area: left, top, right, bottom margins in px. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Scale {
  x(t: number): number;
  y(v: number): number;
  t0: number;
  t1: number;
  lo: number;
  hi: number;
}

export function scale(f: Frame, t0: number, t1: number, lo: number, hi: number): Scale {
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.01 || 1;
    hi += pad;
    lo -= pad;
  }
  const w = f.width - f.left - f.right;
  const h = f.height - f.top - f.bottom;
  const dt = t1 > t0 ? t1 - t0 : 1;
  return {
    x: (t) => f.left + ((t - t0) / dt) * w,
    y: (v) => f.top + ((hi - v) / (hi - lo)) * h,
    t0,
    t1,
    lo,
    hi,
  };
}

/** Rounds a coordinate to 0.1 px: enough for the eye, and a third of the bytes of full precision. */
export const px = (v: number): string => (Math.round(v * 10) / 10).toString();

/**
 * At most `buckets` points of (time, value): each bucket contributes its minimum and maximum in time order, so
 * spikes and drawdowns survive downsampling (a plain every-nth pick would drop them).
 */
export function minMaxPoints(times: ArrayLike<number>, values: ArrayLike<number>, buckets: number): Array<[number, number]> {
  const n = Math.min(times.length, values.length);
  const out: Array<[number, number]> = [];
  if (n <= buckets * 2) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) out.push([times[i]!, values[i]!]);
    return out;
  }
  const per = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor(b * per);
    const e = Math.min(n, Math.floor((b + 1) * per));
    let lo = -1;
    let hi = -1;
    for (let i = a; i < e; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    if (lo < 0) continue;
    if (lo === hi) out.push([times[lo]!, values[lo]!]);
    else for (const i of lo < hi ? [lo, hi] : [hi, lo]) out.push([times[i]!, values[i]!]);
  }
  return out;
}

export function polyline(points: ReadonlyArray<readonly [number, number]>, s: Scale, cls: string): string {
  if (points.length === 0) return '';
  return `<polyline class="${cls}" fill="none" points="${points.map(([t, v]) => `${px(s.x(t))},${px(s.y(v))}`).join(' ')}"/>`;
}

/** A filled area between the series and `base` (drawdown below zero). */
export function area(points: ReadonlyArray<readonly [number, number]>, s: Scale, base: number, cls: string): string {
  if (points.length === 0) return '';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const path = points.map(([t, v]) => `L${px(s.x(t))},${px(s.y(v))}`).join('');
  return `<path class="${cls}" d="M${px(s.x(first[0]))},${px(s.y(base))}${path}L${px(s.x(last[0]))},${px(s.y(base))}Z"/>`;
}

/** About `count` round values between lo and hi (1, 2, 2.5, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const DAY = 86_400_000;
const STEPS = [3_600_000, 6 * 3_600_000, 12 * 3_600_000, DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

/** Time ticks at round UTC boundaries (hours, days, weeks, months, quarters, years), about `count` of them. */
export function timeTicks(t0: number, t1: number, count = 6): Array<{ t: number; label: string }> {
  const span = t1 - t0;
  const step = STEPS.find((s) => span / s <= count) ?? 365 * DAY;
  const ticks: number[] = [];
  if (step >= 30 * DAY) {
    // calendar months (1, 3 or 12 of them)
    const months = step >= 365 * DAY ? 12 : step >= 91 * DAY ? 3 : 1;
    const d = new Date(t0);
    let y = d.getUTCFullYear();
    let m = Math.ceil((d.getUTCMonth() + (d.getUTCDate() > 1 || d.getUTCHours() > 0 ? 1 : 0)) / months) * months;
    for (;;) {
      y += Math.floor(m / 12);
      m %= 12;
      const t = Date.UTC(y, m, 1);
      if (t > t1) break;
      if (t >= t0) ticks.push(t);
      m += months;
    }
  } else {
    // weeks start on Monday (1970-01-05 was one)
    const origin = step === 7 * DAY ? 4 * DAY : 0;
    for (let t = Math.ceil((t0 - origin) / step) * step + origin; t <= t1; t += step) ticks.push(t);
  }
  const years = new Date(t0).getUTCFullYear() !== new Date(t1).getUTCFullYear();
  return ticks.map((t) => {
    const iso = new Date(t).toISOString();
    if (step >= 365 * DAY) return { t, label: iso.slice(0, 4) };
    if (step >= 30 * DAY) return { t, label: iso.slice(0, 7) };
    if (step >= DAY) return { t, label: years ? iso.slice(0, 10) : iso.slice(5, 10) };
    return { t, label: `${years ? iso.slice(0, 10) : iso.slice(5, 10)} ${iso.slice(11, 16)}` };
  });
}
