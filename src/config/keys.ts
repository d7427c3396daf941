// Key bindings as data: every action a key can trigger, where it works (its scope) and its default keys. The TUI's
// keymap, footer, `?` help and `:` palette are built from this table after the config's `tui.keys` overrides, which
// are checked here (unknown action, unknown key name, a key that clashes) so `config check` and the program agree.
// Pure data (no terminal library), so the config schema can validate against it.
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
export type Scope = 'global' | PaneId | 'help' | 'confirm' | 'picker' | 'form' | 'info' | 'trades' | 'filtering' | 'quit' | 'palette' | 'orders' | 'log' | 'account' | 'jump' | 'parity' | 'reconcile';

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
  | 'form-change'
  | 'palette'
  | 'complete'
  | 'orders'
  | 'cancel-order'
  | 'log'
  | 'log-level'
  | 'account'
  | 'replay-toggle'
  | 'replay-step'
  | 'replay-jump'
  | 'clone-instance'
  | 'parity'
  | 'reconcile'
  | 'reconcile-adopt'
  | 'reconcile-ignore'
  | 'reconcile-cancel'
  | 'reconcile-flatten'
  | 'reconcile-check'
  | 'edit-instance'
  | 'delete-instance';

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

export const DEFAULT_KEYMAP: readonly Binding[] = [
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
  { id: 'replay-toggle', keys: ['P'], label: 'hold replay', description: 'replay: hold or play the replay itself (candles stop arriving; entries are not paused)', scope: 'global', footer: false },
  { id: 'replay-step', keys: ['.'], label: 'step', description: 'replay: deliver the next candle, then hold', scope: 'global', footer: false },
  { id: 'replay-jump', keys: ['J'], label: 'jump', description: 'replay: run forward to a date (every candle still traded), then hold; an earlier date restarts the replay there on a new paper account, the current one archived (asks first)', scope: 'global', footer: false },
  { id: 'maximise', keys: ['z'], label: 'zoom', description: 'maximise the focused pane to the whole screen; z again restores the layout', scope: 'global', footer: false },
  { id: 'trades', keys: ['t'], label: 'trades', description: 'trade history: closed trades with P&L, fees and totals; sort and filter', scope: 'global' },
  { id: 'orders', keys: ['o'], label: 'orders', description: 'waiting orders of every instance, with cancel', scope: 'global', footer: false },
  { id: 'account', keys: ['A'], label: 'account', description: 'account: balance, equity curve over time, P&L by day and week', scope: 'global', footer: false },
  { id: 'log', keys: ['L'], label: 'log', description: "the engine's log, newest last, filterable by level", scope: 'global', footer: false },
  { id: 'parity', keys: ['S'], label: 'parity', description: 'live: each fill against the paper fill of the same decision (slippage, fees, delay, total)', scope: 'global', footer: false },
  { id: 'reconcile', keys: ['R'], label: 'reconcile', description: 'live: differences with the exchange; adopt, ignore, cancel or flatten each (asks first)', scope: 'global', footer: false },
  { id: 'palette', keys: [':'], label: 'command', description: 'command palette: type an action (Tab completes, Enter runs)', scope: 'global' },
  { id: 'help', keys: ['?'], label: 'help', description: 'show every key', scope: 'global' },
  { id: 'quit', keys: ['q', 'ctrl-c'], label: 'quit', description: 'quit (the paper account and positions are saved)', scope: 'global' },
  // daemon (#11): the engine runs in its own process; the TUI is one of its viewers
  { id: 'detach', keys: ['d'], label: 'detach', description: 'detach: the engine keeps trading in the background; come back with tradetui attach', scope: 'global' },

  { id: 'chart-mode', keys: ['c'], label: 'candles/line', description: 'switch between candles and a line chart', scope: 'chart' },
  { id: 'pick-symbol', keys: ['/'], label: 'symbol', description: 'search the symbol to chart', scope: 'chart', footer: false },
  { id: 'cursor-left', keys: ['left', 'h'], label: 'cursor', description: 'cursor one candle left (older): reads its OHLCV and indicator values; scrolls at the edge', scope: 'chart' },
  { id: 'cursor-right', keys: ['right', 'l'], label: 'cursor right', description: 'cursor one candle right (newer)', scope: 'chart', footer: false },
  { id: 'pan-left', keys: ['pageup', '{'], label: 'older', description: 'scroll the chart back in time (10 columns)', scope: 'chart', footer: false },
  { id: 'pan-right', keys: ['pagedown', '}'], label: 'newer', description: 'scroll the chart forward in time (10 columns)', scope: 'chart', footer: false },
  { id: 'zoom-out', keys: ['<'], label: 'zoom out', description: 'zoom out: 2, 4, 8, 16 candles to a column', scope: 'chart' },
  { id: 'zoom-in', keys: ['>'], label: 'zoom in', description: 'zoom in, back to one candle a column', scope: 'chart', footer: false },
  { id: 'chart-panels', keys: ['v'], label: 'panels', description: 'panels under the price: volume, + RSI, + MACD, none', scope: 'chart' },
  { id: 'pan-reset', keys: ['escape', 'end', '0'], label: 'latest', description: 'back to the latest candle, cursor off', scope: 'chart', footer: false },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'select the previous row', scope: 'strategies', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'select the next row', scope: 'strategies', footer: false },
  { id: 'toggle-strategy', keys: ['s'], label: 'start/stop', description: 'start or stop the selected strategy instance (asks first)', scope: 'strategies' },
  { id: 'filter', keys: ['/'], label: 'filter', description: 'filter the instances by words (Enter keeps, Esc clears)', scope: 'strategies' },
  { id: 'clone-instance', keys: ['C'], label: 'clone', description: 'clone the selected instance: the add wizard filled in with its strategy, market and params', scope: 'strategies', footer: false },
  { id: 'edit-instance', keys: ['e'], label: 'edit', description: 'edit params and risk overrides; the instance restarts keeping its position', scope: 'strategies', footer: false },
  { id: 'delete-instance', keys: ['D'], label: 'delete', description: 'delete the selected instance (asks; not while it holds a position; history kept)', scope: 'strategies', footer: false },
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

  { id: 'up', keys: ['up'], label: 'up', description: 'previous match', scope: 'palette', footer: false },
  { id: 'down', keys: ['down'], label: 'down', description: 'next match', scope: 'palette', footer: false },
  { id: 'complete', keys: ['tab'], label: 'complete', description: 'complete the action name (the highlighted match)', scope: 'palette' },
  { id: 'pick', keys: ['enter'], label: 'run', description: 'run the highlighted action', scope: 'palette' },
  { id: 'close-overlay', keys: ['escape'], label: 'cancel', description: 'close the palette', scope: 'palette' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'previous order', scope: 'orders', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'next order', scope: 'orders', footer: false },
  { id: 'cancel-order', keys: ['x'], label: 'cancel order', description: 'cancel the selected waiting order (asks first)', scope: 'orders' },
  { id: 'close-overlay', keys: ['escape', 'q', 'o'], label: 'close', description: 'close the orders window', scope: 'orders' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'scroll up (older lines)', scope: 'log', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'scroll down (newer lines)', scope: 'log', footer: false },
  { id: 'log-level', keys: ['v'], label: 'level', description: 'cycle the lowest level shown: debug, info, warn, error', scope: 'log' },
  { id: 'filter', keys: ['/', 'f'], label: 'filter', description: 'filter the lines by words (Enter keeps, Esc clears)', scope: 'log' },
  { id: 'close-overlay', keys: ['escape', 'q', 'L'], label: 'close', description: 'close the log', scope: 'log' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'scroll up', scope: 'account', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'scroll down', scope: 'account', footer: false },
  { id: 'sort-next', keys: ['w'], label: 'day/week', description: 'switch the P&L table between days and weeks', scope: 'account' },
  { id: 'close-overlay', keys: ['escape', 'q', 'A'], label: 'close', description: 'close the account view', scope: 'account' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'previous fill', scope: 'parity', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'next fill', scope: 'parity', footer: false },
  { id: 'close-overlay', keys: ['escape', 'q', 'S'], label: 'close', description: 'close the parity window', scope: 'parity' },

  { id: 'up', keys: ['up', 'k'], label: 'up', description: 'previous difference', scope: 'reconcile', footer: false },
  { id: 'down', keys: ['down', 'j'], label: 'down', description: 'next difference', scope: 'reconcile', footer: false },
  { id: 'reconcile-adopt', keys: ['a'], label: 'adopt', description: 'adopt: tradetui takes over the order, trade or balance (asks first)', scope: 'reconcile' },
  { id: 'reconcile-ignore', keys: ['i'], label: 'ignore', description: 'ignore: leave it to you; tradetui stops counting it (asks first)', scope: 'reconcile' },
  { id: 'reconcile-cancel', keys: ['c'], label: 'cancel', description: 'cancel the unknown order on the exchange (asks first)', scope: 'reconcile' },
  { id: 'reconcile-flatten', keys: ['f'], label: 'flatten', description: "flatten: sell at market what the exchange holds beyond tradetui's positions (asks first)", scope: 'reconcile' },
  { id: 'reconcile-check', keys: ['r'], label: 'check now', description: 'check the account against the exchange now', scope: 'reconcile', footer: false },
  { id: 'close-overlay', keys: ['escape', 'q', 'R'], label: 'close', description: 'close the reconciliation window', scope: 'reconcile' },

  { id: 'pick', keys: ['enter'], label: 'jump', description: 'run the replay forward to the typed date (YYYY-MM-DD or YYYY-MM-DD HH:MM, UTC), or restart it there when earlier (asks first)', scope: 'jump' },
  { id: 'close-overlay', keys: ['escape'], label: 'cancel', description: 'cancel the jump', scope: 'jump' },

  { id: 'quit-leave-running', keys: ['l', 'd'], label: 'leave running', description: 'leave the engine trading in the background (tradetui attach comes back)', scope: 'quit' },
  { id: 'quit-stop-engine', keys: ['S'], label: 'stop engine', description: 'stop the engine too (running strategies stop; the account and positions are saved)', scope: 'quit' },
  { id: 'close-overlay', keys: ['escape', 'n'], label: 'cancel', description: 'stay attached', scope: 'quit' },
];


/** Named keys a binding may use besides one printable character; `space` stands for ' ', `ctrl-x` for Ctrl+letter. */
export const NAMED_KEYS: readonly string[] = ['enter', 'escape', 'tab', 'shift-tab', 'up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'backspace', 'space'];

/** A key name as the input handler sees it ('space' → ' '), or null when it is not a key name. */
export function normaliseKeyName(k: string): string | null {
  if (k === 'space') return ' ';
  if (NAMED_KEYS.includes(k)) return k;
  if (/^ctrl-[a-z]$/.test(k)) return k;
  if ([...k].length === 1 && k > ' ' && k !== '\x7f') return k;
  return null;
}

/** The `tui.keys` section: action id → one key or a list of keys, replacing that action's keys wherever it is bound. */
export type KeyOverrides = Record<string, string | readonly string[]>;

export interface KeyIssue {
  /** Path inside `tui.keys` (the action, then the index of the key in a list). */
  path: Array<string | number>;
  message: string;
}

/** Scopes active together with `scope` when a key is looked up (a pane's keys shadow global ones by design). */
function overlapping(scope: Scope): Scope[] {
  if (scope === 'global') return ['global', ...PANES];
  if ((PANES as readonly string[]).includes(scope)) return [scope, 'global'];
  return [scope];
}

/**
 * What is wrong with a set of overrides: an unknown action, a key name that is no key, or a key that another
 * action already uses where the overridden action works. Empty when the overrides can be applied.
 */
export function keyOverrideIssues(overrides: KeyOverrides, base: readonly Binding[] = DEFAULT_KEYMAP): KeyIssue[] {
  const issues: KeyIssue[] = [];
  const ids = new Set(base.map((b) => b.id));
  for (const [action, raw] of Object.entries(overrides)) {
    if (!ids.has(action as ActionId)) {
      issues.push({ path: [action], message: `unknown action "${action}"; actions: ${[...ids].sort().join(', ')}` });
      continue;
    }
    const list = typeof raw === 'string' ? [raw] : raw;
    if (list.length === 0) issues.push({ path: [action], message: 'needs at least one key' });
    list.forEach((k, i) => {
      if (normaliseKeyName(k) === null)
        issues.push({ path: typeof raw === 'string' ? [action] : [action, i], message: `"${k}" is not a key: use one character, ctrl-<letter>, or one of ${NAMED_KEYS.join(', ')}` });
    });
  }
  if (issues.length > 0) return issues;
  const applied = applyKeyOverrides(overrides, base);
  for (const [action, raw] of Object.entries(overrides)) {
    const list = typeof raw === 'string' ? [raw] : raw;
    list.forEach((k, i) => {
      const key = normaliseKeyName(k)!;
      for (const b of applied.filter((x) => x.id === action)) {
        // a key the action already had there by default shadows or is shadowed by design (h: pane left / chart pan)
        if (base.find((x) => x.id === action && x.scope === b.scope)?.keys.includes(key)) continue;
        const clash = applied.find((o) => o.id !== action && overlapping(b.scope).includes(o.scope) && o.keys.includes(key));
        if (clash) {
          issues.push({
            path: typeof raw === 'string' ? [action] : [action, i],
            message: `key "${k}" clashes with "${clash.id}" (${clash.scope === 'global' ? 'everywhere' : `in ${clash.scope}`}); bind "${clash.id}" to another key too, or pick another key`,
          });
          return;
        }
      }
    });
  }
  return issues;
}

/** The bindings with the overrides applied (assumed checked by keyOverrideIssues). */
export function applyKeyOverrides(overrides: KeyOverrides, base: readonly Binding[] = DEFAULT_KEYMAP): Binding[] {
  return base.map((b) => {
    const raw = overrides[b.id];
    if (raw === undefined) return b;
    const keys = (typeof raw === 'string' ? [raw] : raw).map((k) => normaliseKeyName(k) ?? k);
    return { ...b, keys };
  });
}
