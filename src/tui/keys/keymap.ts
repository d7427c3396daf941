// Key bindings as data. The footer (keys that work now) and the `?` help are generated from this table, and the
// input handler looks keys up here, so a key shown is a key that works and vice versa.
import type { Key } from 'ink';

export type PaneId = 'chart' | 'strategies' | 'positions' | 'signals' | 'alerts';
export const PANES: readonly PaneId[] = ['chart', 'strategies', 'positions', 'signals', 'alerts'];
export const PANE_TITLES: Record<PaneId, string> = {
  chart: 'Chart',
  strategies: 'Strategies',
  positions: 'Positions',
  signals: 'Signals',
  alerts: 'Alerts',
};

/** Where a binding applies: everywhere (no overlay), one pane, or one overlay (overlays claim keys first). */
export type Scope = 'global' | PaneId | 'help' | 'confirm' | 'picker' | 'form' | 'info' | 'trades' | 'filtering' | 'quit';

export type ActionId =
  | 'focus-next'
  | 'focus-prev'
  | 'focus-pane'
  | 'focus-left'
  | 'focus-right'
  | 'pause'
  | 'resume'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'details'
  | 'toggle-strategy'
  | 'backtest'
  | 'add-instance'
  | 'close-position'
  | 'kill'
  | 'tf-prev'
  | 'tf-next'
  | 'pick-symbol'
  | 'chart-mode'
  | 'pan-left'
  | 'pan-right'
  | 'pan-reset'
  | 'cursor-left'
  | 'cursor-right'
  | 'zoom-in'
  | 'zoom-out'
  | 'chart-panels'
  | 'speed-up'
  | 'speed-down'
  | 'help'
  | 'page-up'
  | 'trades'
  | 'maximise'
  | 'export'
  | 'sort-next'
  | 'sort-reverse'
  | 'filter'
  | 'page-down'
  | 'quit'
  | 'detach'
  | 'quit-stop-engine'
  | 'quit-leave-running'
  | 'confirm-yes'
  | 'confirm-no'
  | 'close-overlay'
  | 'pick'
  | 'form-next'
  | 'form-back'
  | 'form-change';

export interface Binding {
  id: ActionId;
  /** Normalised key names (see keyName); the first is shown in the footer. */
  keys: readonly string[];
  /** Footer label. */
  label: string;
  /** Help text. */
  description: string;
  scope: Scope;
  /** Listed in help but not in the footer (movement keys, digits). */
  footer?: boolean;
}

export const KEYMAP: readonly Binding[] = [
  { id: 'focus-next', keys: ['tab'], label: 'next pane', description: 'focus the next pane', scope: 'global' },
  { id: 'focus-prev', keys: ['shift-tab'], label: 'prev pane', description: 'focus the previous pane', scope: 'global', footer: false },
  { id: 'focus-left', keys: ['left', 'h'], label: 'left', description: 'focus the pane to the left (the previous tab on small screens)', scope: 'global', footer: false },
  { id: 'focus-right', keys: ['right', 'l'], label: 'right', description: 'focus the pane to the right (the next tab on small screens)', scope: 'global', footer: false },
  { id: 'focus-pane', keys: ['1', '2', '3', '4', '5'], label: 'pane', description: 'focus pane 1 Chart, 2 Strategies, 3 Positions, 4 Signals, 5 Alerts', scope: 'global', footer: false },
  { id: 'add-instance', keys: ['a'], label: 'add', description: 'add a strategy instance (pick strategy, symbol, timeframe, params)', scope: 'global' },
  { id: 'kill', keys: ['K'], label: 'kill', description: 'kill switch: stop every strategy and close every position (asks first)', scope: 'global' },
  { id: 'pause', keys: ['p'], label: 'pause', description: 'pause new entries; open positions keep their stops (asks first)', scope: 'global', footer: false },
  { id: 'resume', keys: ['r'], label: 'resume', description: 'resume entries after a pause, a halt or the kill switch (asks first)', scope: 'global', footer: false },
  { id: 'tf-prev', keys: ['['], label: 'tf', description: 'chart: previous timeframe', scope: 'global', footer: false },
  { id: 'tf-next', keys: [']'], label: 'timeframe', description: 'chart: next timeframe', scope: 'global' },
  { id: 'pick-symbol', keys: ['m'], label: 'market', description: 'chart: pick the symbol (also / in the chart pane)', scope: 'global' },
  { id: 'speed-up', keys: ['+', '='], label: 'faster', description: 'replay: double the speed', scope: 'global', footer: false },
  { id: 'speed-down', keys: ['-', '_'], label: 'slower', description: 'replay: halve the speed', scope: 'global', footer: false },
  { id: 'maximise', keys: ['z'], label: 'zoom', description: 'maximise the focused pane to the whole screen; z again restores the layout', scope: 'global', footer: false },
  { id: 'trades', keys: ['t'], label: 'trades', description: 'trade history: closed trades with P&L, fees and totals; sort and filter', scope: 'global' },
  { id: 'help', keys: ['?'], label: 'help', description: 'show every key', scope: 'global' },
  { id: 'quit', keys: ['q', 'ctrl-c'], label: 'quit', description: 'quit (the paper account and positions are saved)', scope: 'global' },
  // daemon (#11): the engine runs in its own process; the TUI is one of its viewers
  { id: 'detach', keys: ['d'], label: 'detach', description: 'detach: the engine keeps trading in the background; come back with tradetui attach', scope: 'global' },

  { id: 'chart-mode', keys: ['c'], label: 'candles/line', description: 'switch between candles and a line chart', scope: 'chart' },
  { id: 'pick-symbol', keys: ['/'], label: 'symbol', description: 'search the symbol to chart', scope: 'chart', footer: false },
  { id: 'cursor-left', keys: ['left', 'h'], label: 'cursor', description: 'cursor one candle left (older): reads its OHLCV and indicator values; scrolls at the edge', scope: 'chart' },
  { id: 'cursor-right', keys: ['right', 'l'], label: 'cursor right', description: 'cursor one candle right (newer)', scope: 'chart', footer: false },
  { id: 'pan-left', keys: ['H', 'pageup'], label: 'older', description: 'scroll the chart back in time (10 columns)', scope: 'chart', footer: false },
  { id: 'pan-right', keys: ['L', 'pagedown'], label: 'newer', description: 'scroll the chart forward in time (10 columns)', scope: 'chart', footer: false },
  { id: 'zoom-out', keys: ['<', ','], label: 'zoom out', description: 'zoom out: 2, 4, 8, 16 candles to a column', scope: 'chart' },
  { id: 'zoom-in', keys: ['>', '.'], label: 'zoom in', description: 'zoom in, back to one candle a column', scope: 'chart', footer: false },
  { id: 'chart-panels', keys: ['v'], label: 'panels', description: 'panels under the price: volume, + RSI, + MACD, none', scope: 'chart' },
  { id: 'pan-reset', keys: ['escape', 'end', '0'], label: 'latest', description: 'back to the latest candle, cursor off', scope: 'chart', footer: false },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'select the previous row', scope: 'strategies', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'select the next row', scope: 'strategies', footer: false },
  { id: 'toggle-strategy', keys: ['s'], label: 'start/stop', description: 'start or stop the selected strategy instance (asks first)', scope: 'strategies' },
  { id: 'filter', keys: ['/'], label: 'filter', description: 'filter the instances by words (Enter keeps, Esc clears)', scope: 'strategies' },
  { id: 'backtest', keys: ['b'], label: 'backtest', description: 'backtest the selected instance on the cached candles', scope: 'strategies' },
  { id: 'details', keys: ['enter'], label: 'details', description: 'details of the selected instance', scope: 'strategies' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'select the previous position', scope: 'positions', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'select the next position', scope: 'positions', footer: false },
  { id: 'close-position', keys: ['x'], label: 'close', description: 'close the selected position at market (asks first)', scope: 'positions' },
  { id: 'filter', keys: ['/'], label: 'filter', description: 'filter the positions by words (Enter keeps, Esc clears)', scope: 'positions' },
  { id: 'details', keys: ['enter'], label: 'details', description: 'details of the selected position', scope: 'positions' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'select the previous signal', scope: 'signals', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'select the next signal', scope: 'signals', footer: false },
  { id: 'details', keys: ['enter'], label: 'details', description: 'the full reason of the selected signal', scope: 'signals' },
  { id: 'filter', keys: ['/'], label: 'filter', description: 'filter the signals by words (Enter keeps, Esc clears)', scope: 'signals' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'select the previous alert', scope: 'alerts', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'select the next alert', scope: 'alerts', footer: false },
  { id: 'details', keys: ['enter'], label: 'details', description: 'the full text of the selected alert', scope: 'alerts' },
  { id: 'filter', keys: ['/'], label: 'filter', description: 'filter the alerts by words (Enter keeps, Esc clears)', scope: 'alerts' },

  { id: 'confirm-yes', keys: ['y', 'Y'], label: 'yes, do it', description: 'accept (Enter alone never accepts)', scope: 'confirm' },
  { id: 'confirm-no', keys: ['n', 'escape', 'q'], label: 'cancel', description: 'cancel', scope: 'confirm' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'previous item', scope: 'picker', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'next item', scope: 'picker', footer: false },
  { id: 'pick', keys: ['enter'], label: 'choose', description: 'choose the highlighted item', scope: 'picker' },
  { id: 'close-overlay', keys: ['escape', 'q'], label: 'cancel', description: 'cancel', scope: 'picker' },

  { id: 'up', keys: ['up'], label: 'up', description: 'previous parameter', scope: 'form', footer: false },
  { id: 'down', keys: ['down'], label: 'down', description: 'next parameter', scope: 'form', footer: false },
  { id: 'form-change', keys: ['left', 'right'], label: 'change', description: 'change a choice (enum, bool) or step a number', scope: 'form' },
  { id: 'form-next', keys: ['enter'], label: 'review', description: 'validate and review before adding', scope: 'form' },
  { id: 'form-back', keys: ['escape'], label: 'back', description: 'back to the previous step', scope: 'form' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'scroll up', scope: 'help', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'scroll down', scope: 'help', footer: false },
  { id: 'page-down', keys: ['pagedown', ' '], label: 'page down', description: 'scroll a page down', scope: 'help' },
  { id: 'page-up', keys: ['pageup', 'b'], label: 'page up', description: 'scroll a page up', scope: 'help', footer: false },
  { id: 'close-overlay', keys: ['escape', '?', 'q'], label: 'close', description: 'close help', scope: 'help' },

  { id: 'close-overlay', keys: ['escape', 'q', 'enter'], label: 'close', description: 'close', scope: 'info' },

  { id: 'form-next', keys: ['enter'], label: 'keep filter', description: 'keep the filter and go back to the list', scope: 'filtering' },
  { id: 'close-overlay', keys: ['escape'], label: 'clear', description: 'clear the filter', scope: 'filtering' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'previous trade', scope: 'trades', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'next trade', scope: 'trades', footer: false },
  { id: 'filter', keys: ['/', 'f'], label: 'filter', description: 'filter by symbol, strategy, side or exit reason (Enter keeps, Esc clears)', scope: 'trades' },
  { id: 'sort-next', keys: ['o'], label: 'sort', description: 'sort by the next column (exit time, P&L, P&L %, symbol, strategy, fees)', scope: 'trades' },
  { id: 'sort-reverse', keys: ['O'], label: 'reverse', description: 'reverse the sort order', scope: 'trades' },
  { id: 'export', keys: ['e'], label: 'export CSV', description: 'write the listed trades (filter and order as shown) to a CSV file', scope: 'trades' },
  { id: 'close-overlay', keys: ['escape', 'q'], label: 'close', description: 'close the trade history', scope: 'trades' },

  { id: 'quit-leave-running', keys: ['l', 'd'], label: 'leave running', description: 'leave the engine trading in the background (tradetui attach comes back)', scope: 'quit' },
  { id: 'quit-stop-engine', keys: ['S'], label: 'stop engine', description: 'stop the engine too (running strategies stop; the account and positions are saved)', scope: 'quit' },
  { id: 'close-overlay', keys: ['escape', 'n'], label: 'cancel', description: 'stay attached', scope: 'quit' },
];

/** Normalises Ink's (input, key) to one name: 'tab', 'shift-tab', 'up', 'enter', 'escape', 'ctrl-c', or the character. */
export function keyName(input: string, key: Key): string {
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  return input;
}

/** The binding for a key in the given scopes, first scope first. */
export function lookup(name: string, scopes: readonly Scope[]): Binding | undefined {
  for (const scope of scopes) {
    const b = KEYMAP.find((k) => k.scope === scope && k.keys.includes(name));
    if (b) return b;
  }
  return undefined;
}

export function displayKey(k: string, unicode = true): string {
  switch (k) {
    case 'enter':
      return 'Enter';
    case 'escape':
      return 'Esc';
    case 'tab':
      return 'Tab';
    case 'shift-tab':
      return 'S-Tab';
    case 'ctrl-c':
      return 'C-c';
    case 'up':
      return unicode ? '↑' : 'Up';
    case 'down':
      return unicode ? '↓' : 'Down';
    case 'left':
      return unicode ? '←' : 'Left';
    case 'right':
      return unicode ? '→' : 'Right';
    case 'end':
      return 'End';
    case 'pageup':
      return 'PgUp';
    case 'pagedown':
      return 'PgDn';
    case ' ':
      return 'Space';
    default:
      return k;
  }
}

export function bindingsFor(scope: Scope): Binding[] {
  return KEYMAP.filter((b) => b.scope === scope);
}

/** Footer entries: the focused pane's keys then the global ones (or the overlay's keys only). */
export function footerBindings(scopes: readonly Scope[], readonly = false): Binding[] {
  const out: Binding[] = [];
  for (const s of scopes) for (const b of bindingsFor(s)) if (b.footer !== false && !(readonly && MUTATING.has(b.id)) && !out.some((o) => o.id === b.id)) out.push(b);
  return out;
}

/** Actions that change trading state; a read-only TUI (--readonly) refuses them and leaves them out of the footer. */
export const MUTATING: ReadonlySet<ActionId> = new Set<ActionId>(['toggle-strategy', 'add-instance', 'close-position', 'kill', 'pause', 'resume', 'speed-up', 'speed-down', 'backtest']);
