// UI-only state (focus, selections, chart choice, overlay, message) as a reducer, separate from the engine view.
import type { Command } from '../../core/events.js';
import type { BacktestSummary } from '../api.js';
import type { PaneId } from '../keys/keymap.js';
import { PANES } from '../keys/keymap.js';

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'confirm'; title: string; lines: string[]; commands: Command[] }
  | { kind: 'info'; title: string; lines: string[] }
  | { kind: 'symbol'; items: string[]; index: number }
  | { kind: 'add' }
  /** q while attached to a background engine: leave it running or stop it too. */
  | { kind: 'quit'; running: string[] }
  | { kind: 'backtest'; instanceId: string; status: 'running' | 'done' | 'error'; result?: BacktestSummary; error?: string };

export interface Message {
  text: string;
  severity: 'info' | 'warn' | 'error';
}

export interface UiState {
  focus: PaneId;
  selected: Record<Exclude<PaneId, 'chart'>, number>;
  chart: { symbol: string | null; timeframe: string | null; mode: 'candles' | 'line'; pan: number };
  overlay: Overlay | null;
  message: Message | null;
}

export const initialUi: UiState = {
  focus: 'chart',
  selected: { strategies: 0, positions: 0, signals: 0, alerts: 0 },
  chart: { symbol: null, timeframe: null, mode: 'candles', pan: 0 },
  overlay: null,
  message: null,
};

export type UiAction =
  | { type: 'focus'; pane: PaneId }
  | { type: 'focus-step'; delta: number }
  | { type: 'select'; pane: Exclude<PaneId, 'chart'>; index: number }
  | { type: 'chart'; patch: Partial<UiState['chart']> }
  | { type: 'overlay'; overlay: Overlay | null }
  | { type: 'message'; message: Message | null };

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'focus':
      return s.focus === a.pane ? s : { ...s, focus: a.pane };
    case 'focus-step': {
      const i = PANES.indexOf(s.focus);
      return { ...s, focus: PANES[(i + a.delta + PANES.length) % PANES.length]! };
    }
    case 'select':
      return s.selected[a.pane] === a.index ? s : { ...s, selected: { ...s.selected, [a.pane]: Math.max(0, a.index) } };
    case 'chart':
      return { ...s, chart: { ...s.chart, ...a.patch } };
    case 'overlay':
      return { ...s, overlay: a.overlay };
    case 'message':
      return s.message === a.message ? s : { ...s, message: a.message };
  }
}
