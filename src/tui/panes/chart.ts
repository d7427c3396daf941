// Chart pane: candles (or a close line) of the chart's market with the selected strategy's overlays and the
// entry/exit markers, a price axis and time ticks; a cursor that reads a candle's OHLCV and the indicator values at
// it; zoom (candles merged per column); RSI, MACD and volume panels under the price. Candles and indicators are
// read from the api only when the market has a new candle or the window changes (memoised on marketVersion), not
// on every frame.
import type { CandleSeries } from '../../core/candle.js';
import { seriesSlice } from '../../core/candle.js';
import type { TuiApi } from '../../engine/viewer-api.js';
import { type Line, fit, seg } from '../components/line.js';
import { type ChartLayout, type Overlay, pickOverlays, renderCandleChart } from '../components/chart.js';
import { PANEL_SETS, type PanelData, ZOOM_LEVELS, mergeCandles, panelData, readout, renderPanel } from '../components/chart-panels.js';
import { age, percent, price } from '../format.js';
import { chartMarket, exchangeOf, isReplay, overlayInstance, tfMs } from '../store/selectors.js';
import { EVERY_MARKET, marketId } from '../store/view-store.js';
import type { Role } from '../theme/theme.js';
import type { UiState } from '../store/ui-state.js';
import type { PaneProps } from './types.js';

const OV_ROLES = ['ov1', 'ov2', 'ov3', 'ov4'] as const;
/** Candles read before the window so RSI(14) and MACD(12, 26, 9) have settled at its left edge. */
const PANEL_WARMUP = 120;

interface Reads {
  key: string;
  all: CandleSeries;
  series: Record<string, Float64Array>;
  panels: PanelData | null;
}

/** The last read per api (one TUI has one api; tests mount many). */
const memo = new WeakMap<TuiApi, Reads>();
/** What the chart drew last, per api: the cursor keys move over these columns. */
const drawn = new WeakMap<TuiApi, { times: Float64Array; pan: number }>();
/** How many times the api was read (the bench and tests check the memo works). */
export const chartReads = { count: 0 };

function read(api: TuiApi, key: { exchange: string; symbol: string; timeframe: never }, limit: number, version: number, instId: string | null, wantPanels: boolean): Reads {
  const id = `${key.exchange}|${key.symbol}|${key.timeframe}|${limit}|${version}|${instId ?? ''}|${wantPanels}`;
  const hit = memo.get(api);
  if (hit && hit.key === id) return hit;
  chartReads.count++;
  const all = api.candles(key, limit);
  let series: Record<string, Float64Array> = {};
  if (instId) {
    try {
      series = api.indicators(instId, limit);
    } catch {
      series = {};
    }
  }
  // Indicators end at the same candle as candles(key, limit) but may be shorter (an instance knows only its
  // warm-up and what it has processed): align them to the right, NaN where the instance has no value.
  const aligned: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(series)) {
    const off = v.length - all.length;
    if (off >= 0) aligned[k] = v.subarray(off, off + all.length);
    else {
      const padded = new Float64Array(all.length).fill(NaN);
      padded.set(v, -off);
      aligned[k] = padded;
    }
  }
  const reads = { key: id, all, series: aligned, panels: wantPanels && all.length > 0 ? panelData(all.close.subarray(0, all.length)) : null };
  memo.set(api, reads);
  return reads;
}

export function chartTitleRight(p: PaneProps): string {
  const m = chartMarket(p.api, p.view, p.ui);
  const c = p.ui.chart;
  const mode = c.mode === 'line' ? 'line' : 'candles';
  const zoom = ZOOM_LEVELS[c.zoom ?? 0] ?? 1;
  const parts = [mode, ...(zoom > 1 ? [`${zoom}:1`] : []), ...(c.pan > 0 ? [`-${c.pan}`] : [])];
  return m ? `${m.symbol} ${m.timeframe} ${p.theme.g.dot} ${parts.join(` ${p.theme.g.dot} `)}` : mode;
}

/** Picks each merged column's value: the value at its group's last candle. */
function pick(values: Float64Array, lastIndex: Int32Array, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  for (let j = from; j < to; j++) out[j - from] = values[lastIndex[j]!]!;
  return out;
}

export function renderChart(p: PaneProps): Line[] {
  const { api, view, ui, theme, width, height } = p;
  const m = chartMarket(api, view, ui);
  if (!m) return [fit([seg('no market to chart: add a strategy instance with a', 'muted')], width)];
  const key = { exchange: exchangeOf(api, view), symbol: m.symbol, timeframe: m.timeframe as never };
  const c = ui.chart;
  const k = ZOOM_LEVELS[c.zoom ?? 0] ?? 1;
  const pan = c.pan;
  const panelIds = PANEL_SETS[c.panels ?? 0] ?? [];
  const limit = (width + pan + 1) * k + (panelIds.length > 0 ? PANEL_WARMUP : 0);
  const inst = overlayInstance(view, ui, m);
  // both only grow, so their sum changes whenever either does
  const version = (view.marketVersion[marketId(m.symbol, m.timeframe)] ?? 0) + (view.marketVersion[EVERY_MARKET] ?? 0);
  const { all, series, panels } = read(api, key, limit, version, inst?.id ?? null, panelIds.length > 0);
  if (all.length === 0) return [fit([seg(`no candles for ${m.symbol} ${m.timeframe} yet`, 'muted')], width)];
  const tms = tfMs(m.timeframe) || 60_000;

  // zoomed out: k candles to a column; then the window ends `pan` columns before the newest
  const merged = mergeCandles(all, k, tms);
  const end = Math.max(1, merged.series.length - pan);
  const s = seriesSlice(merged.series, 0, end);
  const sliced: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(series)) sliced[name] = k === 1 ? v.subarray(0, end) : pick(v, merged.lastIndex, 0, end);
  const declared = inst ? api.strategies?.().find((x) => x.name === inst.strategy)?.overlays : undefined;
  const overlays: Overlay[] = pickOverlays(sliced, s, declared);

  // the cursor is a candle time; it reads the column that holds it
  let cursor: number | null = null;
  if (c.cursor !== null && c.cursor !== undefined) {
    for (let i = s.length - 1; i >= 0; i--)
      if (s.time[i]! <= c.cursor) {
        cursor = i;
        break;
      }
  }

  // panels under the price, as many as leave the price chart at least 8 rows
  // the cursor's read-out takes a second header line
  const inner = height - (cursor !== null ? 2 : 1);
  const each = Math.max(3, Math.floor(inner * 0.2));
  let shown = panelIds.length;
  // the price keeps at least 8 rows of candles besides its marker and time rows
  while (shown > 0 && inner - shown * each < 10) shown--;
  const priceHeight = inner - shown * each;

  const layout: { out?: ChartLayout } = {};
  const markers = view.markers.filter((x) => x.symbol === m.symbol);
  const body = renderCandleChart(
    { candles: s, overlays, markers, timeframeMs: tms * k, width, height: priceHeight, theme, paged: pan === 0 && cursor === null, cursor, line: c.mode === 'line' },
    layout,
  );
  const L = layout.out;
  if (L) drawn.set(api, { times: s.time.slice(L.start, L.start + L.n), pan });

  const lines: Line[] = cursor !== null ? cursorHeader(s, cursor, tms * k, overlays, panels, merged.lastIndex, k, end, theme).map((l) => fit(l, width)) : [fit(header(p, m, s, all, tms, inst?.strategy, overlays), width)];
  lines.push(...body);
  if (L && panels)
    for (const id of panelIds.slice(0, shown)) {
      const from = L.start;
      const to = L.start + L.n;
      const opts = { rows: each, leftPad: L.leftPad, cols: L.cols, axis: L.axis, width, theme, cursor: cursor !== null ? cursor - L.start : null };
      if (id === 'volume') lines.push(...renderPanel('Volume', s.volume.subarray(from, to), { ...opts, kind: 'bars', roleOf: () => 'muted' }));
      else if (id === 'rsi') {
        const rsi = k === 1 ? panels.rsi.subarray(from, to) : pick(panels.rsi, merged.lastIndex, from, to);
        lines.push(...renderPanel('RSI 14  (30 · 70)', rsi, { ...opts, kind: 'line', lo: 0, hi: 100, guides: [30, 70], roleOf: (v) => (v >= 70 ? 'down' : v <= 30 ? 'up' : 'accent') }));
      } else {
        const hist = k === 1 ? panels.histogram.subarray(from, to) : pick(panels.histogram, merged.lastIndex, from, to);
        lines.push(...renderPanel('MACD 12 26 9  histogram', hist, { ...opts, kind: 'bars', roleOf: (v) => (v >= 0 ? 'up' : 'down') }));
      }
    }
  return lines;
}

function header(p: PaneProps, m: { symbol: string; timeframe: string }, s: CandleSeries, all: CandleSeries, tms: number, strategy: string | undefined, overlays: Overlay[]): Line {
  const { view, theme } = p;
  const out: Line = [seg(`${m.symbol} ${m.timeframe} `, undefined, { bold: true })];
  const last = s.close[s.length - 1]!;
  out.push(seg(price(last), 'accent', { bold: true }), seg(' '));
  // change over the last day of candles (or what the window holds)
  const back = Math.min(all.length - 1, Math.max(1, Math.round(86_400_000 / tms)));
  const lastAll = all.length - 1;
  if (back >= 1 && s.time[s.length - 1] === all.time[lastAll]) {
    const ref = all.close[lastAll - back]!;
    const ch = ref !== 0 ? ((last - ref) / ref) * 100 : 0;
    const g = ch > 0 ? `${theme.g.up} +` : ch < 0 ? `${theme.g.down} ${theme.g.minus}` : `${theme.g.flat} `;
    out.push(seg(`${g}${percent(Math.abs(ch))}`, ch > 0 ? 'up' : ch < 0 ? 'down' : undefined), seg(` ${age(back * tms)}`, 'muted'));
  }
  // During an outage the cache still holds old candles: say how old the newest is, so it is not read as the market now
  const newest = all.time[all.length - 1]!;
  const staleFor = view.now - (newest + tms);
  if (!isReplay(view.engine.feed) && staleFor > 2 * tms) out.push(seg(`  STALE: newest candle ${age(staleFor)} old`, 'warn', { bold: true }));
  if (strategy && overlays.length > 0) {
    out.push(seg(`  ${strategy}:`, 'muted'));
    overlays.forEach((o, k) => out.push(seg(` ${theme.g.overlay[k % theme.g.overlay.length]} ${o.name}`, OV_ROLES[k % 4])));
  }
  return out;
}

function cursorHeader(s: CandleSeries, i: number, tfMsShown: number, overlays: Overlay[], panels: PanelData | null, lastIndex: Int32Array, k: number, end: number, theme: PaneProps['theme']): Line[] {
  const at = (v: Float64Array): number => (k === 1 ? v[i]! : v[lastIndex[Math.min(i, end - 1)]!]!);
  const values: Array<{ name: string; value: number; role?: Role }> = overlays.map((o, n) => ({ name: `${theme.g.overlay[n % theme.g.overlay.length]} ${o.name}`, value: o.values[i]!, role: OV_ROLES[n % 4] }));
  if (panels) values.push({ name: 'RSI', value: at(panels.rsi) }, { name: 'MACD', value: at(panels.macd) }, { name: 'signal', value: at(panels.signal) });
  return readout(s, i, tfMsShown, values);
}

/**
 * The chart keys as a patch of the chart state: the cursor moves over the columns drawn last (the window pans when
 * it passes an edge), zoom steps through ZOOM_LEVELS, `v` cycles the panels, Esc/End/0 go back to the live edge.
 */
export function chartKeyPatch(api: TuiApi, chart: { pan: number; zoom?: number; panels?: number; cursor?: number | null }, action: 'cursor-left' | 'cursor-right' | 'pan-left' | 'pan-right' | 'pan-reset' | 'zoom-in' | 'zoom-out' | 'chart-panels'): Partial<UiState['chart']> {
  const last = drawn.get(api);
  switch (action) {
    case 'pan-left':
      return { pan: Math.min(5000, chart.pan + 10) };
    case 'pan-right':
      return { pan: Math.max(0, chart.pan - 10) };
    case 'pan-reset':
      return { pan: 0, cursor: null };
    case 'zoom-in':
    case 'zoom-out': {
      const z = Math.max(0, Math.min(ZOOM_LEVELS.length - 1, (chart.zoom ?? 0) + (action === 'zoom-out' ? 1 : -1)));
      // keep the same stretch of time in view: pan counts columns, a column is ZOOM_LEVELS[z] candles
      const pan = Math.round((chart.pan * (ZOOM_LEVELS[chart.zoom ?? 0] ?? 1)) / ZOOM_LEVELS[z]!);
      return { zoom: z, pan };
    }
    case 'chart-panels':
      return { panels: ((chart.panels ?? 0) + 1) % PANEL_SETS.length };
    case 'cursor-left':
    case 'cursor-right': {
      if (!last || last.times.length === 0) return {};
      const times = last.times;
      const n = times.length;
      if (chart.cursor === null || chart.cursor === undefined) return { cursor: times[n - 1]! };
      let i = n - 1;
      while (i > 0 && times[i]! > chart.cursor) i--;
      if (action === 'cursor-left') return i > 0 ? { cursor: times[i - 1]! } : { pan: Math.min(5000, chart.pan + 1), cursor: times[0]! - (n > 1 ? times[1]! - times[0]! : 0) };
      if (i < n - 1) return { cursor: times[i + 1]! };
      return chart.pan > 0 ? { pan: chart.pan - 1, cursor: times[n - 1]! + (n > 1 ? times[n - 1]! - times[n - 2]! : 0) } : {};
    }
  }
}
