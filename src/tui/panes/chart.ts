// Chart pane: candles (or a close line) of the chart's market, price axis, last price and change, the selected
// strategy's overlays and the entry/exit markers. Reads candles and indicators from the api only when the market
// has a new candle (the caller memoises on marketVersion).
import { seriesSlice } from '../../core/candle.js';
import { type Line, fit, seg } from '../components/line.js';
import { pickOverlays, renderCandleChart, renderLineChart } from '../components/chart.js';
import { age, percent, price } from '../format.js';
import { chartMarket, exchangeOf, isReplay, overlayInstance, tfMs } from '../store/selectors.js';
import type { PaneProps } from './types.js';

export function chartTitleRight(p: PaneProps): string {
  const m = chartMarket(p.api, p.view, p.ui);
  const mode = p.ui.chart.mode === 'line' ? 'line' : 'candles';
  return m ? `${m.symbol} ${m.timeframe} ${p.theme.g.dot} ${mode}${p.ui.chart.pan > 0 ? ` ${p.theme.g.dot} -${p.ui.chart.pan}` : ''}` : mode;
}

export function renderChart(p: PaneProps): Line[] {
  const { api, view, ui, theme, width, height } = p;
  const m = chartMarket(api, view, ui);
  if (!m) return [fit([seg('no market to chart: add a strategy instance with a', 'muted')], width)];
  const key = { exchange: exchangeOf(api, view), symbol: m.symbol, timeframe: m.timeframe as never };
  const pan = ui.chart.pan;
  const limit = width + pan;
  const all = api.candles(key, limit);
  if (all.length === 0) return [fit([seg(`no candles for ${m.symbol} ${m.timeframe} yet`, 'muted')], width)];
  const end = Math.max(1, all.length - pan);
  const s = seriesSlice(all, 0, end);
  const inst = overlayInstance(view, ui, m);
  let series: Record<string, Float64Array> = {};
  if (inst) {
    try {
      series = api.indicators(inst.id, limit);
    } catch {
      series = {};
    }
  }
  // Indicators end at the same candle as candles(key, limit) but may be shorter (an instance knows only
  // its warm-up and what it has processed): align them to the right, NaN where the instance has no value.
  const sliced: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(series)) {
    const off = v.length - all.length;
    if (off >= 0) sliced[k] = v.subarray(off, off + end);
    else {
      const padded = new Float64Array(all.length).fill(NaN);
      padded.set(v, -off);
      sliced[k] = padded.subarray(0, end);
    }
  }
  const declared = inst ? api.strategies?.().find((x) => x.name === inst.strategy)?.overlays : undefined;
  const overlays = pickOverlays(sliced, s, declared);

  const header: Line = [seg(`${m.symbol} ${m.timeframe} `, undefined, { bold: true })];
  const last = s.close[s.length - 1]!;
  header.push(seg(price(last), 'accent', { bold: true }), seg(' '));
  // change over the last day of candles (or what the window holds)
  const tms = tfMs(m.timeframe) || 60_000;
  const back = Math.min(s.length - 1, Math.max(1, Math.round(86_400_000 / tms)));
  if (back >= 1) {
    const ref = s.close[s.length - 1 - back]!;
    const ch = ref !== 0 ? ((last - ref) / ref) * 100 : 0;
    const g = ch > 0 ? `${theme.g.up} +` : ch < 0 ? `${theme.g.down} ${theme.g.minus}` : `${theme.g.flat} `;
    header.push(seg(`${g}${percent(Math.abs(ch))}`, ch > 0 ? 'up' : ch < 0 ? 'down' : undefined), seg(` ${age(back * tms)}`, 'muted'));
  }
  // During an outage the cache still holds old candles: say how old the newest is, so it is not read as the market now
  const newest = all.time[all.length - 1]!;
  const staleFor = view.now - (newest + tms);
  if (!isReplay(view.engine.feed) && staleFor > 2 * tms) header.push(seg(`  STALE: newest candle ${age(staleFor)} old`, 'warn', { bold: true }));
  // the line chart draws the close only, so it names no overlays
  if (inst && overlays.length > 0 && ui.chart.mode !== 'line') {
    header.push(seg(`  ${inst.strategy}:`, 'muted'));
    overlays.forEach((o, k) => header.push(seg(` ${theme.g.overlay[k % theme.g.overlay.length]} ${o.name}`, (['ov1', 'ov2', 'ov3', 'ov4'] as const)[k % 4])));
  }
  const body =
    ui.chart.mode === 'line'
      ? renderLineChart(s.close.subarray(0, s.length), width, height - 1, theme)
      : renderCandleChart({ candles: s, overlays, markers: view.markers.filter((x) => x.symbol === m.symbol), timeframeMs: tms, width, height: height - 1, theme, paged: pan === 0 });
  return [fit(header, width), ...body];
}
