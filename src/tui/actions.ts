// The action table: every action a key (or the `:` palette) can trigger outside an open window, as data — its guard
// (why it cannot run now), its confirmation (what the trader is asked, from the shared view texts) and its effect.
// The key handler, the palette, the footer and the help all read this one table through the keymap, and
// `--readonly` refuses the actions marked mutating, whichever way they are invoked.
import type { Command } from '../core/events.js';
import { TIMEFRAME_LIST } from '../core/time.js';
import type { SymbolListing, TuiApi } from '../engine/viewer-api.js';
import { type Confirmation, confirmClosePosition, confirmDeleteInstance, confirmKill, confirmPause, confirmResume, confirmStartStop, deleteRefusal } from '../view/confirm.js';
import { type ActionId, type Binding, type Keymap, PANES, MUTATING } from './keys/keymap.js';
import { type Layout, paneBeside } from './layout/layout.js';
import { type AddForm, cloneForm, editForm, newAddForm } from './store/add-form.js';
import { chartMarket, isReplay, listKeys, selectedIndex, selectedInstance, selectedPosition, symbolList, timeframesOf } from './store/selectors.js';
import type { ListPane, UiAction, UiState } from './store/ui-state.js';
import type { ViewSnapshot } from './store/view-store.js';
import { chartKeyPatch } from './panes/chart.js';

/** What an action may read and do: the latest view and UI state, and the App's effects. */
export interface ActionContext {
  api: TuiApi;
  view: ViewSnapshot;
  ui: UiState;
  /** The key that invoked it (digits choose a pane), or null from the palette. */
  key: string | null;
  layout: Layout;
  dispatch(a: UiAction): void;
  say(text: string, severity?: 'info' | 'warn' | 'error'): void;
  send(commands: Command[]): Promise<boolean>;
  quit(): void;
  /** Present when attached to a background engine. */
  detach?: () => void;
  openForm(form: AddForm): void;
  openDetails(): void;
  startBacktest(instanceId: string): void;
  /** Speed asked for but not yet seen in the view, so quick repeated +/- compound. */
  speedAsked: { current: number | null };
}

export interface Action {
  /** Changes trading state: refused by --readonly, left out of its footer and palette. */
  mutating: boolean;
  /** In the `:` palette (false for moves that need a key: up, down, a pane digit). */
  palette: boolean;
  /** Why the action cannot run now (said in the footer), or null. */
  guard?(c: ActionContext): string | null;
  /** What the trader is asked first; the commands run on y. */
  confirm?(c: ActionContext): Confirmation;
  /** The effect when there is nothing to confirm. */
  run?(c: ActionContext): void;
}

const chartPatch = (c: ActionContext, patch: Partial<UiState['chart']>): void => c.dispatch({ type: 'chart', patch });

function move(c: ActionContext, delta: number): void {
  const { ui, view } = c;
  if (ui.focus === 'chart') return;
  selectRow(c, ui.focus, selectedIndex(view, ui, ui.focus) + delta);
}

/** Selects row `index` (clamped) of a list: the keys' move and the mouse's click and wheel. */
export function selectRow(c: Pick<ActionContext, 'view' | 'ui' | 'dispatch'>, pane: ListPane, index: number): void {
  const { ui, view } = c;
  const keys = listKeys(view, pane, ui);
  const cur = selectedIndex(view, ui, pane, keys);
  const next = Math.max(0, Math.min(keys.length - 1, index));
  c.dispatch({ type: 'select', pane, index: next, key: keys[next] ?? null });
  // the chart follows the selected instance
  if (pane === 'strategies' && next !== cur) c.dispatch({ type: 'chart', patch: { symbol: null, timeframe: null, pan: 0 } });
}

function stepTimeframe(c: ActionContext, dir: 1 | -1): string | null {
  const m = chartMarket(c.api, c.view, c.ui);
  if (!m) return 'nothing on the chart';
  const tfs = timeframesOf(c.api, c.view, m.symbol);
  if (tfs.length <= 1) return `only ${m.timeframe} candles for ${m.symbol}`;
  const i = tfs.indexOf(m.timeframe);
  chartPatch(c, { symbol: m.symbol, timeframe: tfs[(i + dir + tfs.length) % tfs.length]!, pan: 0 });
  return null;
}

function setSpeed(c: ActionContext, up: boolean): void {
  const f = c.view.engine.feed;
  if (!isReplay(f) || f.speed === null) return c.say('speed applies to a replay feed only');
  const base = c.speedAsked.current ?? f.speed;
  const next = up ? Math.min(1000, base * 2) : Math.max(0.25, base / 2);
  if (next === base) return c.say(`replay speed is already ${base} candles/s`);
  c.speedAsked.current = next;
  void c.send([{ type: 'set-speed', candlesPerSecond: next, by: 'keyboard' }]).then((ok) => {
    if (!ok) c.speedAsked.current = null;
  });
}

const view = (fn: (c: ActionContext) => void): Action => ({ mutating: false, palette: true, run: fn });
const move_ = (fn: (c: ActionContext) => void): Action => ({ mutating: false, palette: false, run: fn });

/** Top-level actions (no window open). Window-only actions (confirm-yes, pick, sort-next …) are handled by their window. */
export const ACTIONS: Partial<Record<ActionId, Action>> = {
  quit: view((c) => {
    if (!c.detach) return c.quit();
    c.dispatch({ type: 'overlay', overlay: { kind: 'quit', running: c.view.engine.instances.filter((i) => i.running).map((i) => i.id) } });
  }),
  detach: {
    mutating: false,
    palette: true,
    guard: (c) => (c.detach ? null : 'this TUI runs its own engine: there is nothing to detach from'),
    run: (c) => c.detach?.(),
  },
  'focus-next': view((c) => c.dispatch({ type: 'focus-step', delta: 1 })),
  'focus-prev': view((c) => c.dispatch({ type: 'focus-step', delta: -1 })),
  'focus-left': move_((c) => {
    const beside = paneBeside(c.layout, c.ui.focus, -1, PANES);
    if (beside) c.dispatch({ type: 'focus', pane: beside });
  }),
  'focus-right': move_((c) => {
    const beside = paneBeside(c.layout, c.ui.focus, 1, PANES);
    if (beside) c.dispatch({ type: 'focus', pane: beside });
  }),
  'focus-pane': move_((c) => {
    const pane = PANES[Number(c.key) - 1];
    if (pane) c.dispatch({ type: 'focus', pane });
  }),
  up: move_((c) => move(c, -1)),
  down: move_((c) => move(c, 1)),
  details: { mutating: false, palette: true, guard: (c) => (c.ui.focus === 'chart' ? 'details: focus a list first (Strategies, Positions, Signals or Alerts)' : null), run: (c) => c.openDetails() },
  'toggle-strategy': {
    mutating: true,
    palette: true,
    guard: (c) => (selectedInstance(c.view, c.ui) ? null : 'no strategy instance selected'),
    confirm: (c) => confirmStartStop(c.view.engine, selectedInstance(c.view, c.ui)!, 'keyboard'),
  },
  backtest: {
    mutating: true,
    palette: true,
    guard: (c) => (!selectedInstance(c.view, c.ui) ? 'no strategy instance selected' : !c.api.backtest ? 'backtest is not available: this app does not expose backtest()' : null),
    run: (c) => c.startBacktest(selectedInstance(c.view, c.ui)!.id),
  },
  'add-instance': {
    mutating: true,
    palette: true,
    guard: (c) => {
      const strategies = c.api.strategies?.();
      if (!strategies) return 'adding strategies is not available: this app does not list strategies()';
      if (strategies.length === 0) return 'no strategies are installed';
      return addSymbols(c).length === 0 ? 'no symbols with cached candles' : null;
    },
    run: (c) => c.openForm(newAddForm(c.api.strategies!(), addSymbols(c))),
  },
  'clone-instance': {
    mutating: true,
    palette: true,
    guard: (c) => {
      const inst = selectedInstance(c.view, c.ui);
      if (!inst) return 'no strategy instance selected';
      const strategies = c.api.strategies?.();
      if (!strategies) return 'cloning is not available: this app does not list strategies()';
      return cloneForm(strategies, addSymbols(c), inst) ? null : `cannot clone ${inst.id}: its strategy or market is no longer offered`;
    },
    run: (c) => c.openForm(cloneForm(c.api.strategies!(), addSymbols(c), selectedInstance(c.view, c.ui)!)!),
  },
  'delete-instance': {
    mutating: true,
    palette: true,
    guard: (c) => {
      const inst = selectedInstance(c.view, c.ui);
      return inst ? deleteRefusal(c.view.engine, inst.id) : 'no strategy instance selected';
    },
    confirm: (c) => confirmDeleteInstance(selectedInstance(c.view, c.ui)!, 'keyboard'),
  },
  'edit-instance': {
    mutating: true,
    palette: true,
    guard: (c) => {
      const inst = selectedInstance(c.view, c.ui);
      if (!inst) return 'no strategy instance selected';
      const strategies = c.api.strategies?.();
      if (!strategies) return 'editing is not available: this app does not list strategies()';
      return editForm(strategies, inst) ? null : `cannot edit ${inst.id}: its strategy is no longer offered`;
    },
    run: (c) => {
      const inst = selectedInstance(c.view, c.ui)!;
      c.openForm(editForm(c.api.strategies!(), inst)!);
    },
  },
  'close-position': {
    mutating: true,
    palette: true,
    guard: (c) => (selectedPosition(c.view, c.ui) ? null : 'no open position selected'),
    confirm: (c) => confirmClosePosition(c.view.engine, selectedPosition(c.view, c.ui)!, 'keyboard'),
  },
  kill: { mutating: true, palette: true, confirm: (c) => confirmKill(c.view.engine, 'keyboard') },
  pause: { mutating: true, palette: true, confirm: () => confirmPause('keyboard') },
  resume: {
    mutating: true,
    palette: true,
    guard: (c) => (confirmResume(c.view.engine, 'keyboard') ? null : 'nothing to resume: entries are not paused, halted or held by a protection'),
    confirm: (c) => confirmResume(c.view.engine, 'keyboard')!,
  },
  'tf-prev': { mutating: false, palette: true, guard: (c) => stepTimeframe(c, -1), run: () => undefined },
  'tf-next': { mutating: false, palette: true, guard: (c) => stepTimeframe(c, 1), run: () => undefined },
  'pick-symbol': {
    mutating: false,
    palette: true,
    guard: (c) => (symbolList(c.api, c.view).length === 0 ? 'no symbols to chart' : null),
    run: (c) => {
      const items = symbolList(c.api, c.view);
      const cur = chartMarket(c.api, c.view, c.ui)?.symbol;
      c.dispatch({ type: 'overlay', overlay: { kind: 'symbol', items, index: Math.max(0, items.indexOf(cur ?? '')) } });
    },
  },
  'chart-mode': view((c) => chartPatch(c, { mode: c.ui.chart.mode === 'candles' ? 'line' : 'candles' })),
  // cursor, zoom, panels and pan: the chart pane turns each into a patch of its state (panes/chart.ts)
  'pan-left': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'pan-left'))),
  'pan-right': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'pan-right'))),
  'pan-reset': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'pan-reset'))),
  'cursor-left': move_((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'cursor-left'))),
  'cursor-right': move_((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'cursor-right'))),
  'zoom-in': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'zoom-in'))),
  'zoom-out': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'zoom-out'))),
  'chart-panels': view((c) => chartPatch(c, chartKeyPatch(c.api, c.ui.chart, 'chart-panels'))),
  'speed-up': { mutating: true, palette: true, run: (c) => setSpeed(c, true) },
  'speed-down': { mutating: true, palette: true, run: (c) => setSpeed(c, false) },
  help: view((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'help', scroll: 0 } })),
  maximise: view((c) => c.dispatch({ type: 'maximise', on: !c.ui.maximised })),
  filter: {
    mutating: false,
    palette: true,
    guard: (c) => (c.ui.focus === 'chart' ? 'filter: focus a list first (the chart picks its symbol with m)' : null),
    run: (c) => {
      if (c.ui.focus !== 'chart') c.dispatch({ type: 'filter', pane: c.ui.focus, text: c.ui.filter[c.ui.focus], typing: true });
    },
  },
  trades: view((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'trades', index: 0, sort: 'exit', desc: true, filter: '', editing: false } })),
  orders: view((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'orders', index: 0, key: null } })),
  log: view((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'log', level: 'info', scroll: 0, filter: '', editing: false } })),
  account: view((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'account', period: 'day', scroll: 0 } })),
  parity: { mutating: false, palette: true, guard: liveOnly, run: (c) => c.dispatch({ type: 'overlay', overlay: { kind: 'parity', index: null } }) },
  reconcile: { mutating: false, palette: true, guard: liveOnly, run: (c) => c.dispatch({ type: 'overlay', overlay: { kind: 'reconcile', index: 0, key: null } }) },
  'replay-toggle': {
    mutating: true,
    palette: true,
    guard: replayOnly,
    run: (c) => void c.send([{ type: 'replay', action: c.view.engine.feed.paused ? 'resume' : 'pause', by: 'keyboard' }]),
  },
  'replay-step': { mutating: true, palette: true, guard: replayOnly, run: (c) => void c.send([{ type: 'replay', action: 'step', by: 'keyboard' }]) },
  'replay-jump': {
    mutating: true,
    palette: true,
    guard: replayOnly,
    run: (c) => c.dispatch({ type: 'overlay', overlay: { kind: 'jump', text: '', error: null } }),
  },
  palette: move_((c) => c.dispatch({ type: 'overlay', overlay: { kind: 'palette', text: '', index: 0 } })),
};

function liveOnly(c: ActionContext): string | null {
  return c.view.engine.live ? null : 'live trading only (tradetui --live): paper has no exchange account';
}

function replayOnly(c: ActionContext): string | null {
  return isReplay(c.view.engine.feed) ? null : 'replay control applies to a replay feed only';
}

function addSymbols(c: ActionContext): SymbolListing[] {
  return c.api.symbols?.() ?? symbolList(c.api, c.view).map((s) => ({ symbol: s, timeframes: [...TIMEFRAME_LIST] }));
}

const READONLY_REFUSAL = 'read-only (--readonly): this screen only watches; start tradetui without --readonly to act';

/** Runs an action: readonly refusal, then its guard, then its confirmation or its effect. */
export function runAction(id: ActionId, c: ActionContext, readonly: boolean): void {
  const a = ACTIONS[id];
  if (!a) return;
  if (readonly && (a.mutating || MUTATING.has(id))) return c.say(READONLY_REFUSAL);
  const why = a.guard?.(c) ?? null;
  if (why !== null) return c.say(why, why.includes('not available') ? 'error' : why.startsWith('nothing to resume') ? 'info' : 'warn');
  if (a.confirm) {
    const q = a.confirm(c);
    c.dispatch({ type: 'overlay', overlay: { kind: 'confirm', title: q.title, lines: q.lines, commands: q.commands } });
    return;
  }
  a.run?.(c);
}

export interface PaletteEntry {
  id: ActionId;
  /** The first binding (keys shown, description). */
  binding: Binding;
}

/** Every action the palette offers, in keymap order, with its first binding (readonly: watching actions only). */
export function paletteEntries(keymap: Keymap, readonly: boolean): PaletteEntry[] {
  const out: PaletteEntry[] = [];
  for (const b of keymap) {
    const a = ACTIONS[b.id];
    if (!a?.palette || out.some((e) => e.id === b.id)) continue;
    if (readonly && (a.mutating || MUTATING.has(b.id))) continue;
    out.push({ id: b.id, binding: b });
  }
  return out;
}

/** Entries matching the typed text: names starting with it first, then names or descriptions containing it. */
export function paletteMatches(entries: readonly PaletteEntry[], text: string): PaletteEntry[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...entries];
  const starts = entries.filter((e) => e.id.startsWith(q));
  const contains = entries.filter((e) => !e.id.startsWith(q) && (e.id.includes(q) || e.binding.description.toLowerCase().includes(q)));
  return [...starts, ...contains];
}

/** Tab completion: the longest prefix all names starting with the text share, else the highlighted match's name. */
export function paletteComplete(matches: readonly PaletteEntry[], text: string, index: number): string {
  const q = text.trim().toLowerCase();
  const starting = matches.filter((e) => e.id.startsWith(q)).map((e) => e.id);
  if (starting.length > 1) {
    let p: string = starting[0]!;
    for (const s of starting) while (!s.startsWith(p)) p = p.slice(0, -1);
    if (p.length > q.length) return p;
  }
  return matches[Math.min(index, matches.length - 1)]?.id ?? text;
}
