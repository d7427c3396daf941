// UI-only state (focus, selections, chart choice, overlay, message) as a reducer, separate from the engine view.
import type { Command } from '../../core/events.js';
import type { BacktestSummary } from '../../engine/viewer-api.js';
import type { TradeSort } from '../../view/trades.js';
import type { PaneId } from '../keys/keymap.js';
import { PANES } from '../keys/keymap.js';
import type { ParityWindow, ReconcileWindow } from '../components/live-windows.js';

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'confirm'; title: string; lines: string[]; commands: Command[] }
  /** With a subject the window re-reads it from every view (live) and says when it is gone. */
  | { kind: 'info'; title: string; lines: string[]; subject?: { pane: ListPane; key: string } }
  | { kind: 'symbol'; items: string[]; index: number }
  | { kind: 'add' }
  /** Trade history: closed trades sorted and filtered; `editing` while the filter is being typed. */
  | { kind: 'trades'; index: number; sort: TradeSort; desc: boolean; filter: string; editing: boolean }
  /** The `:` command palette: the typed text and the highlighted match. */
  | { kind: 'palette'; text: string; index: number }
  /** Waiting orders; the selection follows the order (key = its id) as others fill or arrive. */
  | { kind: 'orders'; index: number; key: string | null }
  /** The engine's log: lowest level shown, lines scrolled up from the newest, filter words. */
  | { kind: 'log'; level: LogLevel; scroll: number; filter: string; editing: boolean }
  /**
   * J: the date to run the replay forward to, or (an earlier date) to restart it from on a new account, as typed;
   * `error` when it was not a date or not one a restart can start from.
   */
  | { kind: 'jump'; text: string; error: string | null }
  /** Balance, equity curve and P&L by day or week. */
  | { kind: 'account'; period: 'day' | 'week'; scroll: number }
  /** Live: the parity window and the reconciliation window (components/live-windows.ts). */
  | ParityWindow
  | ReconcileWindow
  /** q while attached to a background engine: leave it running or stop it too. */
  | { kind: 'quit'; running: string[] }
  | { kind: 'backtest'; instanceId: string; status: 'running' | 'done' | 'error'; result?: BacktestSummary; error?: string };

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Message {
  text: string;
  severity: 'info' | 'warn' | 'error';
}

export type ListPane = Exclude<PaneId, 'chart'>;

/**
 * A list's selection: the item's key, so the selection stays on its item when rows arrive or leave, and its last
 * index, used while nothing was picked (key null: the top row, i.e. the newest signal or alert) or once the item is gone.
 */
export interface Selection {
  key: string | null;
  index: number;
}

export interface UiState {
  focus: PaneId;
  selected: Record<ListPane, Selection>;
  chart: {
    symbol: string | null;
    timeframe: string | null;
    mode: 'candles' | 'line';
    /** Columns back from the newest. */
    pan: number;
    /** Index into ZOOM_LEVELS (candles per column). */
    zoom: number;
    /** Index into PANEL_SETS (volume, RSI, MACD under the price). */
    panels: number;
    /** Open time of the candle under the cursor; null: no cursor. */
    cursor: number | null;
  };
  overlay: Overlay | null;
  message: Message | null;
  /** Per list, the words its rows must contain (`/` in the pane); `filtering` while one is being typed. */
  filter: Record<ListPane, string>;
  filtering: ListPane | null;
  /** The focused pane fills the screen (z). */
  maximised: boolean;
}

export const initialUi: UiState = {
  focus: 'chart',
  selected: { strategies: { key: null, index: 0 }, positions: { key: null, index: 0 }, signals: { key: null, index: 0 }, alerts: { key: null, index: 0 } },
  chart: { symbol: null, timeframe: null, mode: 'candles', pan: 0, zoom: 0, panels: 0, cursor: null },
  overlay: null,
  message: null,
  filter: { strategies: '', positions: '', signals: '', alerts: '' },
  filtering: null,
  maximised: false,
};

export type UiAction =
  | { type: 'focus'; pane: PaneId }
  | { type: 'focus-step'; delta: number }
  | { type: 'select'; pane: ListPane; index: number; key: string | null }
  | { type: 'chart'; patch: Partial<UiState['chart']> }
  | { type: 'overlay'; overlay: Overlay | null }
  | { type: 'message'; message: Message | null }
  | { type: 'filter'; pane: ListPane; text: string; typing: boolean }
  | { type: 'maximise'; on: boolean };

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'focus':
      return s.focus === a.pane ? s : { ...s, focus: a.pane };
    case 'focus-step': {
      const i = PANES.indexOf(s.focus);
      return { ...s, focus: PANES[(i + a.delta + PANES.length) % PANES.length]! };
    }
    case 'select':
    {
      const cur = s.selected[a.pane];
      if (cur.index === a.index && cur.key === a.key) return s;
      return { ...s, selected: { ...s.selected, [a.pane]: { key: a.key, index: Math.max(0, a.index) } } };
    }
    case 'chart':
      return { ...s, chart: { ...s.chart, ...a.patch } };
    case 'overlay':
      return { ...s, overlay: a.overlay };
    case 'message':
      return s.message === a.message ? s : { ...s, message: a.message };
    case 'maximise':
      return s.maximised === a.on ? s : { ...s, maximised: a.on };
    case 'filter':
      return { ...s, filter: { ...s.filter, [a.pane]: a.text }, filtering: a.typing ? a.pane : null, selected: { ...s.selected, [a.pane]: { key: s.selected[a.pane].key, index: 0 } } };
  }
}
