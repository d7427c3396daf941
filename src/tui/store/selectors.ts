// Selectors over the view snapshot and UI state: which market the chart shows, which instance is selected.
import type { InstanceInfo } from '../../core/events.js';
import type { Position } from '../../core/trading.js';
import type { EngineSnapshot } from '../../engine/ports.js';
import type { TuiApi } from '../../engine/viewer-api.js';
import type { ListPane, UiState } from './ui-state.js';
import type { ViewSnapshot } from './view-store.js';

export type InstanceRow = EngineSnapshot['instances'][number];

/** Whether a row's text holds every word of the pane's filter (case-insensitive). */
function matches(text: string, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const t = text.toLowerCase();
  return words.every((w) => t.includes(w));
}

/** Rows each list pane shows, after its `/` filter. */
export function shownInstances(view: ViewSnapshot, ui: UiState): InstanceRow[] {
  const f = ui.filter.strategies;
  const all = view.engine.instances;
  return f ? all.filter((i) => matches(`${i.id} ${i.strategy} ${i.symbol} ${i.timeframe} ${i.running ? 'run' : 'stop'} ${Object.entries(i.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, f)) : all;
}
export function shownPositions(view: ViewSnapshot, ui: UiState): Position[] {
  const f = ui.filter.positions;
  const all = positionsOf(view);
  return f ? all.filter((p) => matches(`${p.symbol} ${p.instanceId} ${p.side}`, f)) : all;
}
export function shownSignals(view: ViewSnapshot, ui: UiState): ViewSnapshot['signals'] {
  const f = ui.filter.signals;
  return f ? view.signals.filter((s) => matches(`${s.strategy} ${s.symbol} ${s.instanceId} ${s.kind} ${s.action} ${s.reason}`, f)) : view.signals;
}
export function shownAlerts(view: ViewSnapshot, ui: UiState): ViewSnapshot['alerts'] {
  const f = ui.filter.alerts;
  return f ? view.alerts.filter((a) => matches(`${a.severity} ${a.category} ${a.message}`, f)) : view.alerts;
}

/** How many rows a pane shows and holds in all. */
export function shownCount(view: ViewSnapshot, ui: UiState, pane: ListPane): { shown: number; total: number } {
  switch (pane) {
    case 'strategies':
      return { shown: shownInstances(view, ui).length, total: view.engine.instances.length };
    case 'positions':
      return { shown: shownPositions(view, ui).length, total: view.engine.positions.length };
    case 'signals':
      return { shown: shownSignals(view, ui).length, total: view.signals.length };
    case 'alerts':
      return { shown: shownAlerts(view, ui).length, total: view.alerts.length };
  }
}

/** The keys of a list pane's rows, in the order shown (after its filter). */
export function listKeys(view: ViewSnapshot, pane: ListPane, ui?: UiState): string[] {
  const u = ui ?? NO_FILTER;
  switch (pane) {
    case 'strategies':
      return shownInstances(view, u).map((i) => i.id);
    case 'positions':
      return shownPositions(view, u).map((p) => p.id);
    case 'signals':
      return shownSignals(view, u).map((s) => String(s.id));
    case 'alerts':
      return shownAlerts(view, u).map((a) => a.id);
  }
}

const NO_FILTER = { filter: { strategies: '', positions: '', signals: '', alerts: '' } } as UiState;

/** The row the selection is on: its item wherever it moved, else the last index (clamped). */
export function selectedIndex(view: ViewSnapshot, ui: UiState, pane: ListPane, keys: readonly string[] = listKeys(view, pane, ui)): number {
  if (keys.length === 0) return 0;
  const sel = ui.selected[pane];
  if (sel.key !== null) {
    const i = keys.indexOf(sel.key);
    if (i >= 0) return i;
  }
  return Math.min(sel.index, keys.length - 1);
}

export function selectedInstance(view: ViewSnapshot, ui: UiState): InstanceRow | undefined {
  const list = shownInstances(view, ui);
  return list[selectedIndex(view, ui, 'strategies', list.map((i) => i.id))];
}

export function positionsOf(view: ViewSnapshot): Position[] {
  return [...view.engine.positions].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.entryTime - b.entryTime);
}

export function selectedPosition(view: ViewSnapshot, ui: UiState): Position | undefined {
  const list = shownPositions(view, ui);
  return list[selectedIndex(view, ui, 'positions', list.map((p) => p.id))];
}

/** Symbols the chart can show: the app's list, else the instances' symbols. */
export function symbolList(api: TuiApi, view: ViewSnapshot): string[] {
  const fromApi = api.symbols?.().map((s) => s.symbol) ?? [];
  const fromInst = view.engine.instances.map((i) => i.symbol);
  return [...new Set([...fromApi, ...fromInst])];
}

/** Timeframes of a symbol the engine has candles for (app list, else the instances' timeframes on it). */
export function timeframesOf(api: TuiApi, view: ViewSnapshot, symbol: string): string[] {
  const listed = api.symbols?.().find((s) => s.symbol === symbol)?.timeframes ?? [];
  const fromInst = view.engine.instances.filter((i) => i.symbol === symbol).map((i) => i.timeframe);
  const all = [...new Set([...listed, ...fromInst])];
  return all.sort((a, b) => tfMs(a) - tfMs(b));
}

const TF_UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export function tfMs(tf: string): number {
  const m = /^(\d+)([mhdw])$/.exec(tf);
  return m ? Number(m[1]) * TF_UNIT[m[2]!]! : 0;
}

export interface ChartMarket {
  symbol: string;
  timeframe: string;
}

/** The chart follows the explicit choice ([ ] /), else the selected instance, else the first market known. */
export function chartMarket(api: TuiApi, view: ViewSnapshot, ui: UiState): ChartMarket | null {
  const inst = selectedInstance(view, ui);
  const symbol = ui.chart.symbol ?? inst?.symbol ?? symbolList(api, view)[0];
  if (!symbol) return null;
  const tfs = timeframesOf(api, view, symbol);
  const timeframe = ui.chart.timeframe ?? (inst && inst.symbol === symbol ? inst.timeframe : tfs[0]);
  if (!timeframe) return null;
  return { symbol, timeframe };
}

/** The instance whose indicators the chart overlays: the selected one if it trades this market, else the first that does. */
export function overlayInstance(view: ViewSnapshot, ui: UiState, m: ChartMarket): InstanceInfo | undefined {
  const sel = selectedInstance(view, ui);
  if (sel && sel.symbol === m.symbol && sel.timeframe === m.timeframe) return sel;
  return view.engine.instances.find((i) => i.symbol === m.symbol && i.timeframe === m.timeframe);
}

/** Exchange for MarketKeys: the app's, else the one in instance ids ("strategy@exchange:SYM/QUOTE:tf"), else the feed source. */
export function exchangeOf(api: TuiApi, view: ViewSnapshot): string {
  if (api.exchange) return api.exchange;
  for (const i of view.engine.instances) {
    const m = /@([^:]+):/.exec(i.id);
    if (m) return m[1]!;
  }
  return isReplay(view.engine.feed) ? 'binance' : view.engine.feed.source;
}

/** Replay feeds report a speed (the app labels the source "REPLAY 2/s"); exchange feeds report none. */
export function isReplay(feed: EngineSnapshot['feed']): boolean {
  return feed.speed !== null || /^replay/i.test(feed.source);
}
