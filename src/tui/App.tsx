// The TUI root: reads the batched view snapshot, lays out the panes for the terminal size, routes keys through the
// keymap (overlays first) and turns actions into engine Commands. No trading logic lives here.
// The whole screen is composed here as styled lines (status bar, panes side by side, footer, overlays) and handed to
// the frame sink (the ScreenWriter) after each commit; Ink hosts the React tree, reads keys and reports resizes, but
// renders nothing itself, so a frame costs no text measuring or ANSI re-parsing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type default as React, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useInput, useStdout } from 'ink';
import type { Command } from '../core/events.js';
import type { TuiApi } from '../engine/viewer-api.js';
import { parseDate } from '../core/time.js';
import type { ClosedTrade } from '../core/trading.js';
import { accountTradesCsv } from '../backtest/trades-csv.js';
import { accountSummary, pnlByPeriod } from '../view/account.js';
import { confirmCancelOrder, confirmReplayRestart } from '../view/confirm.js';
import { money } from '../view/format.js';
import { TRADE_SORTS } from '../view/trades.js';
import { type ActionContext, paletteComplete, paletteEntries, paletteMatches, runAction, selectRow } from './actions.js';
import { footerLines, helpLines, helpScrollHint, statusLine, tabLine } from './components/chrome.js';
import { frame } from './components/frame.js';
import { type Line, block, fit, seg, textWidth, wrapText } from './components/line.js';
import { scrollStart } from './components/table.js';
import { addFormBody, backtestBody, confirmBody, infoBody, listBody } from './components/overlays.js';
import { tradesBody, visibleTrades } from './components/trades.js';
import { accountBody, logBody, nextLogLevel, ordersBody, paletteBody, visibleLog, waitingOrders } from './components/windows.js';
import { parityBody, parityKey, reconcileBody, reconcileKey } from './components/live-windows.js';
import { type ActionId, type Keymap, type PaneId, type Scope, KEYMAP, PANES, PANE_TITLES, keyName, lookup, typedText } from './keys/keymap.js';
import { MIN_COLS, MIN_ROWS, computeLayout, hitTest } from './layout/layout.js';
import type { MouseEvent, MouseInput } from './mouse.js';
import { renderAlerts } from './panes/alerts.js';
import { chartTitleRight, renderChart } from './panes/chart.js';
import { renderPositions } from './panes/positions.js';
import { renderSignals } from './panes/signals.js';
import { renderStrategies } from './panes/strategies.js';
import type { PaneProps } from './panes/types.js';
import { type AddForm, engineCheckFor, formKey, formRefused, withEngineCheck } from './store/add-form.js';
import { listKeys, positionsOf, selectedIndex, selectedInstance, shownCount, timeframesOf } from './store/selectors.js';
import { type UiAction, type UiState, initialUi, uiReducer } from './store/ui-state.js';
import type { ViewSnapshot, ViewStore } from './store/view-store.js';
import type { FrameSink } from './screen-writer.js';
import type { Theme } from './theme/theme.js';

/** Closed trades the history window reads (newest first from the store). */
const TRADE_HISTORY_LIMIT = 5000;
/** Daily equity marks the account view reads (a year and a bit). */
const ACCOUNT_DAYS = 400;
/** Log lines the log window holds. */
const LOG_LINES = 500;
/** Windows the wheel scrolls (as their up/down keys), and how many lines a notch moves in the long texts. */
const WHEEL_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['help', 'log', 'account', 'trades', 'orders']);
const WHEEL_LINES = 3;
/** Typing pause after which an attached form asks the engine to check its params (validate-params). */
const ENGINE_CHECK_DELAY_MS = 150;
import { detailsOf, goneText } from './details.js';

export interface AppProps {
  api: TuiApi;
  store: ViewStore;
  theme: Theme;
  /** Receives every composed frame (the ScreenWriter; tests keep the last one). */
  frames: FrameSink;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  cols?: number;
  rows?: number;
  onQuit: () => void;
  /** --readonly: watch only; every key that would trade or change the engine is refused. */
  readonly?: boolean;
  /** Key bindings in force (the config's tui.keys applied); the defaults when absent. */
  keymap?: Keymap;
  /** Attached to a background engine: d detaches, and q asks whether to stop the engine too. */
  onDetach?: () => void;
  onStopEngine?: () => void;
  /** Mouse events (tui.mouse / --mouse): a click focuses a pane and selects a row, the wheel scrolls. */
  mouse?: MouseInput;
}

const RENDERERS: Record<PaneId, (p: PaneProps) => Line[]> = {
  chart: renderChart,
  strategies: renderStrategies,
  positions: renderPositions,
  signals: renderSignals,
  alerts: renderAlerts,
};

function useTerminalSize(fixedCols?: number, fixedRows?: number): { cols: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { cols: number; rows: number } => ({ cols: fixedCols ?? stdout.columns ?? 80, rows: fixedRows ?? stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixedCols !== undefined && fixedRows !== undefined) {
      setSize({ cols: fixedCols, rows: fixedRows });
      return;
    }
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fixedCols, fixedRows]);
  return size;
}

export function App({ api, store, theme, frames, cols: fixedCols, rows: fixedRows, onQuit, onDetach, onStopEngine, readonly = false, keymap = KEYMAP, mouse }: AppProps): React.ReactElement | null {
  const view = useSyncExternalStore(store.subscribe, store.get);
  const [ui, setUi] = useState<UiState>(initialUi);
  const uiRef = useRef(ui);
  const dispatch = useCallback((a: UiAction): void => {
    const next = uiReducer(uiRef.current, a);
    if (next === uiRef.current) return;
    uiRef.current = next;
    setUi(next);
  }, []);
  const [form, setForm] = useState<AddForm | null>(null);
  const formRef = useRef(form);
  /** A validate-params question waiting out the typing pause (one at a time: a new key restarts the wait). */
  const engineCheckTimer = useRef<NodeJS.Timeout | null>(null);
  const setFormNow = (f: AddForm | null): void => {
    formRef.current = f;
    setForm(f);
    askEngineCheck(f);
  };
  /**
   * Attached to the engine, the strategy's cross-parameter rule is answered by the engine (validate-params): asked
   * once typing pauses, never waited for by a key; the answer lands only if the form still holds the values asked.
   */
  const askEngineCheck = (f: AddForm | null): void => {
    if (engineCheckTimer.current) clearTimeout(engineCheckTimer.current);
    engineCheckTimer.current = null;
    const q = f && api.validateParams ? engineCheckFor(f) : null;
    if (!q) return;
    engineCheckTimer.current = setTimeout(() => {
      engineCheckTimer.current = null;
      api.validateParams!(q.strategy, q.params).then(
        (error) => {
          const cur = formRef.current;
          const next = cur && withEngineCheck(cur, q.key, error);
          if (next && next !== cur) setFormNow(next);
        },
        // the connection is gone or the engine cannot check: the engine still checks on y
        () => undefined,
      );
    }, ENGINE_CHECK_DELAY_MS);
  };
  useEffect(
    () => () => {
      if (engineCheckTimer.current) clearTimeout(engineCheckTimer.current);
    },
    [],
  );
  const { cols, rows } = useTerminalSize(fixedCols, fixedRows);
  const layout = computeLayout(cols, rows, ui.focus);
  const sizeRef = useRef({ cols, rows });
  sizeRef.current = { cols, rows };
  /** The backtest whose result the open overlay waits for; cleared when the overlay closes. */
  const backtestFor = useRef<string | null>(null);
  /** Speed asked for but not yet seen in the view, so quick repeated +/- compound instead of repeating. */
  const speedAsked = useRef<number | null>(null);
  useEffect(() => {
    speedAsked.current = null;
  }, [view.engine.feed.speed]);

  const send = useCallback(
    async (commands: Command[]): Promise<boolean> => {
      let ok = true;
      for (const c of commands) {
        try {
          const r = await api.send(c);
          dispatch({ type: 'message', message: { text: r.message, severity: r.ok ? 'info' : 'error' } });
          ok = r.ok;
        } catch (err) {
          dispatch({ type: 'message', message: { text: `${c.type} failed: ${err instanceof Error ? err.message : String(err)}`, severity: 'error' } });
          ok = false;
        }
        if (!ok) break;
      }
      store.touch();
      return ok;
    },
    [api, store, dispatch],
  );

  /** The wizard closes only when the engine accepts; a refusal goes back to the params with the input kept. */
  const sendAdd = async (command: Command): Promise<void> => {
    let result: { ok: boolean; message: string };
    try {
      result = await api.send(command);
    } catch (err) {
      result = { ok: false, message: `add-instance failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    store.touch();
    const f = formRef.current;
    if (result.ok) {
      setFormNow(null);
      if (uiRef.current.overlay?.kind === 'add') dispatch({ type: 'overlay', overlay: null });
      dispatch({ type: 'message', message: { text: result.message, severity: 'info' } });
    } else if (f) setFormNow(formRefused(f, result.message));
    else dispatch({ type: 'message', message: { text: result.message, severity: 'error' } });
  };

  const readTrades = (): ClosedTrade[] => {
    try {
      return api.trades({ limit: TRADE_HISTORY_LIMIT });
    } catch {
      return [];
    }
  };

  const readLog = (): ReturnType<NonNullable<TuiApi['logs']>> | null => {
    if (!api.logs) return null;
    try {
      return api.logs({ limit: LOG_LINES });
    } catch {
      return [];
    }
  };

  const say = (text: string, severity: 'info' | 'warn' | 'error' = 'warn'): void => dispatch({ type: 'message', message: { text, severity } });

  const startBacktest = (id: string): void => {
    dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'running' } });
    backtestFor.current = id;
    api.backtest!(id).then(
      (result) => {
        if (backtestFor.current === id) dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'done', result } });
      },
      (err: unknown) => {
        const error = err instanceof Error ? err.message : String(err);
        if (backtestFor.current === id) dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'error', error } });
      },
    );
  };

  // Keys are handled against the latest state (refs), not the render's: keys that arrive in one chunk (fast typing,
  // paste, a busy event loop) are parsed into several key presses in the same tick, before React re-renders.
  const handleKey = (name: string): void => {
    const ui = uiRef.current;
    const view = store.get();
    const form = formRef.current;

    const ctx = (key: string | null): ActionContext => ({
      api,
      view,
      ui,
      key,
      layout: computeLayout(sizeRef.current.cols, sizeRef.current.rows, ui.focus),
      dispatch,
      say,
      send,
      quit: onQuit,
      ...(onDetach ? { detach: onDetach } : {}),
      openForm: (f) => {
        setFormNow(f);
        dispatch({ type: 'overlay', overlay: { kind: 'add' } });
      },
      openDetails: () => openDetails(),
      startBacktest,
      speedAsked,
    });
    const act = (id: ActionId, key: string | null): void => runAction(id, ctx(key), readonly);

    const openDetails = (): void => {
      if (ui.focus === 'chart') return;
      const keys = listKeys(view, ui.focus, ui);
      const key = keys[selectedIndex(view, ui, ui.focus, keys)];
      if (key === undefined) return;
      const subject = { pane: ui.focus, key };
      const d = detailsOf(view, subject);
      if (d) dispatch({ type: 'overlay', overlay: { kind: 'info', ...d, subject } });
    };

    const onOverlayKey = (name: string): void => {
      const o = ui.overlay!;
      switch (o.kind) {
        case 'help': {
          const b = lookup(name, ['help'], keymap);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up') dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
          else if (b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, scroll: o.scroll + 1 } });
          else if (b?.id === 'page-down' || b?.id === 'page-up') {
            // a page is the visible help less one line of overlap; clamp to the real end so page-up works at once
            const { cols, rows } = sizeRef.current;
            const page = Math.max(1, rows - 1 - 2 - 2 - 1);
            const max = Math.max(0, helpLines(theme, cols - 2, keymap).length - (rows - 1 - 2 - 2));
            const from = Math.min(o.scroll, max);
            dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, Math.min(max, from + (b.id === 'page-down' ? page : -page))) } });
          }
          return;
        }
        case 'confirm': {
          const b = lookup(name, ['confirm'], keymap);
          if (b?.id === 'confirm-yes') {
            dispatch({ type: 'overlay', overlay: null });
            void send(o.commands);
          } else if (b?.id === 'confirm-no') {
            dispatch({ type: 'overlay', overlay: null });
            say('cancelled', 'info');
          }
          return;
        }
        case 'symbol': {
          const b = lookup(name, ['picker'], keymap);
          if (b?.id === 'up' || b?.id === 'down') {
            const index = Math.max(0, Math.min(o.items.length - 1, o.index + (b.id === 'up' ? -1 : 1)));
            dispatch({ type: 'overlay', overlay: { ...o, index } });
          } else if (b?.id === 'pick') {
            const symbol = o.items[o.index]!;
            dispatch({ type: 'overlay', overlay: null });
            const tfs = timeframesOf(api, view, symbol);
            const keep = ui.chart.timeframe && tfs.includes(ui.chart.timeframe) ? ui.chart.timeframe : (view.engine.instances.find((i) => i.symbol === symbol)?.timeframe ?? tfs[0] ?? null);
            dispatch({ type: 'chart', patch: { symbol, timeframe: keep, pan: 0 } });
          } else if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          return;
        }
        case 'info':
        case 'backtest': {
          if (lookup(name, ['info'], keymap)?.id === 'close-overlay') {
            backtestFor.current = null;
            dispatch({ type: 'overlay', overlay: null });
          }
          return;
        }
        case 'add':
          return;
        case 'trades': {
          if (o.editing) {
            const filter = typedText(o.filter, name);
            if (name === 'enter') dispatch({ type: 'overlay', overlay: { ...o, editing: false } });
            else if (name === 'escape') dispatch({ type: 'overlay', overlay: { ...o, editing: false, filter: '', index: 0 } });
            else if (filter !== null) dispatch({ type: 'overlay', overlay: { ...o, filter, index: 0 } });
            return;
          }
          const b = lookup(name, ['trades'], keymap);
          const n = visibleTrades(readTrades(), o).length;
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up' || b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, index: Math.max(0, Math.min(n - 1, o.index + (b.id === 'up' ? -1 : 1))) } });
          else if (b?.id === 'filter') dispatch({ type: 'overlay', overlay: { ...o, editing: true } });
          else if (b?.id === 'sort-next') {
            const sort = TRADE_SORTS[(TRADE_SORTS.indexOf(o.sort) + 1) % TRADE_SORTS.length]!;
            // text columns read best A→Z, numbers largest first
            dispatch({ type: 'overlay', overlay: { ...o, sort, desc: sort !== 'symbol' && sort !== 'strategy', index: 0 } });
          } else if (b?.id === 'sort-reverse') dispatch({ type: 'overlay', overlay: { ...o, desc: !o.desc, index: 0 } });
          else if (b?.id === 'export') {
            const list = visibleTrades(readTrades(), o);
            if (list.length === 0) return say('no trades to export');
            const stamp = new Date(view.now).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
            const file = join(api.exportDir ?? process.cwd(), `tradetui-trades-${stamp}.csv`);
            try {
              writeFileSync(file, accountTradesCsv(list), { flag: 'wx' });
              say(`wrote ${list.length} trade${list.length === 1 ? '' : 's'} to ${file}`, 'info');
            } catch (err) {
              const code = (err as NodeJS.ErrnoException).code;
              say(code === 'EEXIST' ? `${file} exists; not overwritten (try again in a minute)` : `cannot write ${file}: ${code ?? String(err)}`, 'error');
            }
          }
          return;
        }
        case 'palette': {
          const b = lookup(name, ['palette'], keymap);
          const typed = typedText(o.text, name);
          const matches = paletteMatches(paletteEntries(keymap, readonly), o.text);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up' || b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, index: Math.max(0, Math.min(matches.length - 1, o.index + (b.id === 'up' ? -1 : 1))) } });
          else if (b?.id === 'complete') {
            const text = paletteComplete(matches, o.text, o.index);
            dispatch({ type: 'overlay', overlay: { ...o, text, index: 0 } });
          } else if (b?.id === 'pick') {
            // an exact name wins over the highlighted match (":kill" Enter runs kill even if another was highlighted)
            const chosen = matches.find((m) => m.id === o.text.trim()) ?? matches[Math.min(o.index, matches.length - 1)];
            dispatch({ type: 'overlay', overlay: null });
            if (!chosen) return say(`no action "${o.text}": Tab lists the actions`);
            act(chosen.id, null);
          } else if (typed !== null) dispatch({ type: 'overlay', overlay: { ...o, text: typed, index: 0 } });
          return;
        }
        case 'orders': {
          const b = lookup(name, ['orders'], keymap);
          const list = waitingOrders(view.engine.orders);
          const cur = o.key !== null && list.some((x) => x.id === o.key) ? list.findIndex((x) => x.id === o.key) : Math.min(o.index, Math.max(0, list.length - 1));
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up' || b?.id === 'down') {
            const index = Math.max(0, Math.min(list.length - 1, cur + (b.id === 'up' ? -1 : 1)));
            dispatch({ type: 'overlay', overlay: { ...o, index, key: list[index]?.id ?? null } });
          } else if (b?.id === 'cancel-order') {
            if (readonly) return say('read-only (--readonly): this screen only watches; start tradetui without --readonly to act');
            const order = list[cur];
            if (!order) return say('no waiting order selected');
            const q = confirmCancelOrder(order, 'keyboard');
            dispatch({ type: 'overlay', overlay: { kind: 'confirm', title: q.title, lines: q.lines, commands: q.commands } });
          }
          return;
        }
        case 'log': {
          if (o.editing) {
            const filter = typedText(o.filter, name);
            if (name === 'enter') dispatch({ type: 'overlay', overlay: { ...o, editing: false } });
            else if (name === 'escape') dispatch({ type: 'overlay', overlay: { ...o, editing: false, filter: '', scroll: 0 } });
            else if (filter !== null) dispatch({ type: 'overlay', overlay: { ...o, filter, scroll: 0 } });
            return;
          }
          const b = lookup(name, ['log'], keymap);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up') dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.min(o.scroll + 1, Math.max(0, visibleLog(readLog() ?? [], o.level, o.filter).length - 1)) } });
          else if (b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
          else if (b?.id === 'log-level') dispatch({ type: 'overlay', overlay: { ...o, level: nextLogLevel(o.level), scroll: 0 } });
          else if (b?.id === 'filter') dispatch({ type: 'overlay', overlay: { ...o, editing: true } });
          return;
        }
        case 'jump': {
          const b = lookup(name, ['jump'], keymap);
          const typed = typedText(o.text, name);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'pick') {
            let to: number;
            try {
              to = parseDate(o.text, 'date');
            } catch {
              return dispatch({ type: 'overlay', overlay: { ...o, error: `"${o.text}" is not a date: type 2024-01-31 or 2024-01-31 14:00 (UTC)` } });
            }
            // An earlier date (or the palette's restart) starts a new account there: asked first, in words.
            const at = view.engine.feed.lastCandleTime;
            if (at !== null && to <= at) {
              const q = confirmReplayRestart(view.engine, to, 'keyboard');
              if (typeof q === 'string') return dispatch({ type: 'overlay', overlay: { ...o, error: q } });
              return dispatch({ type: 'overlay', overlay: { kind: 'confirm', title: q.title, lines: q.lines, commands: q.commands } });
            }
            dispatch({ type: 'overlay', overlay: null });
            void send([{ type: 'replay', action: 'jump', to, by: 'keyboard' }]);
          } else if (typed !== null) dispatch({ type: 'overlay', overlay: { ...o, text: typed, error: null } });
          return;
        }
        case 'account': {
          const b = lookup(name, ['account'], keymap);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up') dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
          else if (b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, scroll: o.scroll + 1 } });
          else if (b?.id === 'sort-next') dispatch({ type: 'overlay', overlay: { ...o, period: o.period === 'day' ? 'week' : 'day', scroll: 0 } });
          return;
        }
        case 'parity': {
          const next = parityKey(o, lookup(name, ['parity'], keymap)?.id, view.engine.live?.parity ?? []);
          if (next !== undefined) dispatch({ type: 'overlay', overlay: next });
          return;
        }
        case 'reconcile': {
          const r = reconcileKey(o, lookup(name, ['reconcile'], keymap)?.id, view.engine.live, readonly);
          if (!r) return;
          if ('confirm' in r) dispatch({ type: 'overlay', overlay: { kind: 'confirm', title: r.confirm.title, lines: r.confirm.lines, commands: r.confirm.commands } });
          else if ('overlay' in r) dispatch({ type: 'overlay', overlay: r.overlay });
          else if ('send' in r) {
            say(r.say, 'info');
            void send([r.send]);
          } else say(r.say, r.severity);
          return;
        }
        case 'quit': {
          const b = lookup(name, ['quit'], keymap);
          if (b?.id === 'quit-leave-running') onDetach?.();
          else if (b?.id === 'quit-stop-engine') {
            dispatch({ type: 'overlay', overlay: null });
            onStopEngine?.();
          } else if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          return;
        }
      }
    };

    if (ui.message) dispatch({ type: 'message', message: null });
    if (ui.overlay?.kind === 'add') {
      if (!form) return;
      const r = formKey(form, name);
      setFormNow(r.form);
      if (!r.form) dispatch({ type: 'overlay', overlay: null });
      if (r.command) void sendAdd(r.command);
      return;
    }
    if (computeLayout(sizeRef.current.cols, sizeRef.current.rows, ui.focus).kind === 'too-small') {
      if (lookup(name, ['global'], keymap)?.id === 'quit') onQuit();
      return;
    }
    if (ui.overlay) return onOverlayKey(name);
    if (ui.filtering) {
      // typing a pane's filter: every printable key is text; Enter keeps the filter, Esc clears it
      const pane = ui.filtering;
      const text = ui.filter[pane];
      if (name === 'enter') dispatch({ type: 'filter', pane, text, typing: false });
      else if (name === 'escape') dispatch({ type: 'filter', pane, text: '', typing: false });
      else if (name === 'ctrl-c') onQuit();
      else {
        const typed = typedText(text, name);
        if (typed !== null) dispatch({ type: 'filter', pane, text: typed, typing: true });
      }
      return;
    }
    const b = lookup(name, [ui.focus, 'global'], keymap);
    if (b) act(b.id, name);
  };

  /**
   * A click focuses the pane under it and selects the row clicked; the wheel moves the selection of the list under
   * it, or scrolls the open window (help, log, account, trades, orders). Clicks in a window or a form do nothing.
   */
  const handleMouse = (e: MouseEvent): void => {
    const ui = uiRef.current;
    const view = store.get();
    const wheel = e.kind === 'wheel-up' ? -1 : e.kind === 'wheel-down' ? 1 : 0;
    if (ui.overlay) {
      const scope = overlayScope(ui.overlay, formRef.current);
      if (wheel === 0 || !WHEEL_SCOPES.has(scope)) return;
      const lines = scope === 'help' || scope === 'log' || scope === 'account' ? WHEEL_LINES : 1;
      for (let i = 0; i < lines; i++) handleKey(wheel < 0 ? 'up' : 'down');
      return;
    }
    if (ui.filtering || (e.kind !== 'press' && wheel === 0) || (e.kind === 'press' && e.button !== 0)) return;
    const { cols, rows } = sizeRef.current;
    const layout = computeLayout(cols, rows, ui.focus);
    const tabWidths = PANES.map((p, i) => textWidth(` ${i + 1} ${PANE_TITLES[p]} `) + 1);
    const hit = hitTest(layout, ui.focus, ui.maximised, e.x, e.y, tabWidths, PANES);
    if (!hit) return;
    if ('tab' in hit) {
      if (wheel === 0) dispatch({ type: 'focus', pane: hit.tab });
      return;
    }
    const pane = hit.pane;
    if (pane === 'chart') {
      if (wheel === 0) dispatch({ type: 'focus', pane });
      return;
    }
    const c = { view, ui, dispatch };
    if (wheel !== 0) return selectRow(c, pane, selectedIndex(view, ui, pane) + wheel);
    if (ui.focus !== pane) dispatch({ type: 'focus', pane });
    // the table's first body row is its header; rows scroll to keep the selection in view (table.ts scrollStart)
    const body = hit.height - 2;
    const footer = pane === 'strategies' && selectedInstance(view, ui) && body >= 4 ? 1 : 0;
    const count = listKeys(view, pane, ui).length;
    const row = hit.row - 1;
    if (row < 0 || row >= body - footer - 1) return;
    const start = scrollStart(count, Math.max(0, Math.min(selectedIndex(view, ui, pane), count - 1)), body - footer - 1);
    if (start + row < count) selectRow(c, pane, start + row);
  };
  const mouseRef = useRef(handleMouse);
  mouseRef.current = handleMouse;
  useEffect(() => mouse?.on((e) => mouseRef.current(e)), [mouse]);

  useInput((input, key) => {
    // Ink passes a chunk of plain characters (typed ahead, pasted, or read late) as one input: split it
    const chunk = [...input];
    if (chunk.length > 1 && !input.includes('\x1b') && !key.ctrl && !key.meta) {
      for (const ch of chunk) handleKey(charKey(ch));
      return;
    }
    const name = keyName(input, key);
    if (name) handleKey(name);
  });

  const screen = composeScreen();
  // after each commit: the sink coalesces commits of one event-loop turn into one terminal write
  useLayoutEffect(() => {
    frames.writeLines(screen, theme);
  });
  return null;

  function composeScreen(): Line[] {
    if (layout.kind === 'too-small') {
      const x = theme.unicode ? '×' : 'x';
      return [`tradetui needs at least ${MIN_COLS}${x}${MIN_ROWS}`, `this terminal is ${layout.cols}${x}${layout.rows}: make it larger, or q to quit`]
        .flatMap((t) => wrapText(t, cols))
        .map((t) => [seg(t)]);
    }
    const width = cols;
    const scopes: Scope[] = ui.overlay ? [overlayScope(ui.overlay, form)] : ui.filtering ? ['filtering'] : [ui.focus, 'global'];
    const out: Line[] = [fit(statusLine(view, theme, width, readonly), width)];
    const paneProps = (pane: PaneId, w: number, h: number): PaneProps => ({ api, view, ui, theme, width: Math.max(0, w - 2), height: Math.max(0, h - 2), focused: ui.focus === pane });
    const paneLines = (pane: PaneId, w: number, h: number): Line[] => {
      const body = RENDERERS[pane](paneProps(pane, w, h));
      const n = PANES.indexOf(pane) + 1;
      const right = pane === 'chart' ? chartTitleRight(paneProps(pane, w, h)) : filterTitle(view, ui, pane) ?? (pane === 'positions' ? `${positionsOf(view).length} open` : undefined);
      return frame({ title: `${n} ${PANE_TITLES[pane]}`, focused: ui.focus === pane, width: w, height: h, theme, body, right });
    };
    const contentHeight = layout.height - 2;
    if (ui.overlay) {
      out.push(...overlayLines(ui, form, view, theme, width, contentHeight, { trades: readTrades, api, keymap, readonly }));
    } else if (ui.maximised) {
      // the focused pane alone, over the whole content area (tabs or grid alike)
      out.push(...block(paneLines(ui.focus, width, contentHeight), width, contentHeight));
    } else if (layout.kind === 'grid') {
      // panes of one layout row side by side, each exactly its rect's width
      for (const row of layout.rows) {
        const blocks = row.map((rect) => block(paneLines(rect.pane, rect.width, rect.height), rect.width, rect.height));
        const h = Math.max(...row.map((rect) => rect.height));
        for (let i = 0; i < h; i++) out.push(fit(blocks.flatMap((b) => b[i] ?? []), width));
      }
    } else {
      out.push(fit(tabLine(ui.focus, theme, width), width));
      out.push(...block(paneLines(ui.focus, width, layout.contentHeight), width, layout.contentHeight));
    }
    // a message longer than the footer takes rows above it, over the bottom of the panes, until the next key
    const footer = footerLines(scopes, ui.message, theme, width, readonly, keymap);
    out.splice(Math.max(1, out.length - (footer.length - 1)), footer.length - 1);
    out.push(...footer);
    return out;
  }
}

/** A filtered list's title: the filter (with a cursor while typing) and how many rows match. */
function filterTitle(view: ViewSnapshot, ui: UiState, pane: PaneId): string | undefined {
  if (pane === 'chart') return undefined;
  const text = ui.filter[pane];
  const typing = ui.filtering === pane;
  if (!text && !typing) return undefined;
  const { shown, total } = shownCount(view, ui, pane);
  return `/${text}${typing ? '_' : ''} ${shown} of ${total}`;
}

function charKey(ch: string): string {
  switch (ch) {
    case '\r':
    case '\n':
      return 'enter';
    case '\t':
      return 'tab';
    case '\x7f':
    case '\b':
      return 'backspace';
    case '\x03':
      return 'ctrl-c';
    default:
      return ch;
  }
}

function overlayScope(o: NonNullable<UiState['overlay']>, form: AddForm | null): Scope {
  switch (o.kind) {
    case 'help':
      return 'help';
    case 'confirm':
      return 'confirm';
    case 'symbol':
      return 'picker';
    case 'trades':
      return o.editing ? 'filtering' : 'trades';
    case 'quit':
      return 'quit';
    case 'palette':
      return 'palette';
    case 'orders':
      return 'orders';
    case 'log':
      return o.editing ? 'filtering' : 'log';
    case 'account':
      return 'account';
    case 'jump':
      return 'jump';
    case 'parity':
      return 'parity';
    case 'reconcile':
      return 'reconcile';
    case 'add':
      return form?.step === 'params' ? 'form' : form?.step === 'review' ? 'confirm' : 'picker';
    default:
      return 'info';
  }
}

interface OverlayReads {
  trades: () => ClosedTrade[];
  api: TuiApi;
  keymap: Keymap;
  readonly: boolean;
}

function overlayLines(ui: UiState, form: AddForm | null, view: ViewSnapshot, theme: Theme, width: number, height: number, reads: OverlayReads): Line[] {
  const o = ui.overlay!;
  const inner = width - 2;
  const innerH = height - 2;
  let title: string;
  let body: Line[];
  switch (o.kind) {
    case 'help': {
      const all = helpLines(theme, inner, reads.keymap);
      const max = Math.max(0, all.length - innerH);
      const scroll = Math.min(o.scroll, max);
      title = `Keys${max > 0 ? ` (${scroll + 1}-${Math.min(all.length, scroll + innerH)} of ${all.length}, ${helpScrollHint(reads.keymap, theme.unicode)})` : ''}`;
      body = all.slice(scroll, scroll + innerH);
      break;
    }
    case 'confirm':
      title = o.title;
      body = [[], ...confirmBody(o.lines, inner, theme)];
      break;
    case 'info': {
      // a detail window follows its subject live, and says when it is gone (closed position, removed instance)
      const live = o.subject ? detailsOf(view, o.subject) : { title: o.title, lines: o.lines };
      title = live ? live.title : `${o.title} (gone)`;
      const lines = live ? live.lines : [goneText(o.subject!.pane), '', ...o.lines];
      body = [[], ...infoBody(lines, inner)];
      break;
    }
    case 'symbol':
      title = 'Chart symbol';
      body = listBody(o.items, o.index, inner, innerH, theme, 'Enter choose  Esc cancel');
      break;
    case 'backtest':
      title = `Backtest ${o.instanceId}`;
      body = backtestBody(o.instanceId, o.status, o.result, o.error, inner, innerH, theme);
      break;
    case 'add':
      title = form?.edit ? `Edit ${form.edit.instanceId}` : 'Add a strategy instance';
      body = form ? addFormBody(form, inner, innerH, theme, view.engine) : [];
      break;
    case 'trades':
      title = 'Trade history';
      body = tradesBody(reads.trades(), o, inner, innerH, theme);
      break;
    case 'palette': {
      const matches = paletteMatches(paletteEntries(reads.keymap, reads.readonly), o.text);
      title = `Command palette (${matches.length} action${matches.length === 1 ? '' : 's'})`;
      body = paletteBody(matches, o.text, Math.min(o.index, Math.max(0, matches.length - 1)), inner, innerH, theme);
      break;
    }
    case 'orders': {
      const list = waitingOrders(view.engine.orders);
      const i = o.key !== null && list.some((x) => x.id === o.key) ? list.findIndex((x) => x.id === o.key) : Math.min(o.index, Math.max(0, list.length - 1));
      const gone = o.key !== null && !list.some((x) => x.id === o.key);
      title = `Waiting orders${gone ? ` (${o.key} is no longer waiting)` : ''}`;
      body = ordersBody(list, i, inner, innerH, theme);
      break;
    }
    case 'log': {
      let entries: ReturnType<NonNullable<TuiApi['logs']>> | null = null;
      if (reads.api.logs) {
        try {
          entries = reads.api.logs({ limit: LOG_LINES });
        } catch {
          entries = [];
        }
      }
      title = 'Engine log';
      body = logBody(entries, o, inner, innerH, theme);
      break;
    }
    case 'account': {
      let marks: Array<{ day: number; equity: number }> = [];
      let closed: ClosedTrade[] = [];
      try {
        marks = reads.api.dailyEquity(ACCOUNT_DAYS);
        closed = reads.trades();
      } catch {
        // a read the engine refused shows as no history
      }
      const e = view.engine;
      const summary = accountSummary(e, marks.slice(0, -1));
      const periods = pnlByPeriod(marks, closed, o.period);
      const curve = marks.map((m) => m.equity);
      title = `Account (${e.mode})`;
      body = accountBody(summary, curve, periods, { period: o.period, scroll: Math.min(o.scroll, Math.max(0, periods.length - 1)) }, inner, innerH, theme);
      break;
    }
    case 'jump': {
      const at = view.engine.feed.lastCandleTime;
      const r = view.engine.replay;
      title = 'Replay: jump forward, or restart from an earlier date';
      body = [
        [],
        fit([seg(' date (UTC): ', 'muted'), seg(o.text, 'focus', { inverse: true }), seg(' ')], inner),
        [],
        ...infoBody(
          [
            ...(o.error ? [o.error] : []),
            `The replay is at ${at !== null ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : 'its start'}.`,
            'A later date: every candle up to it goes through the strategies, stops and the account as fast as the machine allows; then the replay holds (P plays it again).',
            r
              ? `An earlier date from ${new Date(r.first).toISOString().slice(0, 10)} to ${new Date(r.last).toISOString().slice(0, 10)}: restarts the replay there on a new paper account with ${money(r.startingBalance)} ${r.currency}; this one is archived, not deleted (asked first).`
              : 'Restarting from an earlier date needs a paper replay engine.',
          ],
          inner,
        ),
      ];
      break;
    }
    case 'parity':
      title = 'Live vs paper: each fill against the simulated fill of the same decision';
      body = parityBody(view.engine.live, o, inner, innerH, theme);
      break;
    case 'reconcile':
      title = 'Reconcile with the exchange';
      body = reconcileBody(view.engine.live, o, view.engine.state, inner, innerH, theme);
      break;
    case 'quit':
      title = 'Quit: leave the engine running?';
      body = [
        [],
        ...infoBody(
          [
            o.running.length > 0 ? `Running strategies: ${o.running.join(', ')}.` : 'No strategy is running.',
            'l (or d): leave the engine trading in the background; come back with tradetui attach.',
            'S: stop the engine too; the account and positions are saved, running strategies stop until the next start.',
            'Esc: stay.',
          ],
          inner,
        ),
      ];
      break;
  }
  return frame({ title, focused: true, width, height, theme, body: block(body, inner, innerH) }).map((l) => fit(l, width));
}

