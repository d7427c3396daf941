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
import { TIMEFRAME_LIST } from '../core/time.js';
import { unrealisedPnl } from '../core/trading.js';
import type { SymbolListing, TuiApi } from '../engine/viewer-api.js';
import { footerLine, helpLines, statusLine, tabLine } from './components/chrome.js';
import { frame } from './components/frame.js';
import { type Line, block, fit, seg, wrapText } from './components/line.js';
import { addFormBody, backtestBody, confirmBody, infoBody, listBody } from './components/overlays.js';
import { money, paramsText, price, qty } from './format.js';
import { type ActionId, type PaneId, type Scope, MUTATING, PANES, PANE_TITLES, keyName, lookup } from './keys/keymap.js';
import { MIN_COLS, MIN_ROWS, computeLayout, paneBeside } from './layout/layout.js';
import { renderAlerts } from './panes/alerts.js';
import { chartKeyPatch, chartTitleRight, renderChart } from './panes/chart.js';
import { renderPositions } from './panes/positions.js';
import { renderSignals } from './panes/signals.js';
import { renderStrategies } from './panes/strategies.js';
import type { PaneProps } from './panes/types.js';
import { type AddForm, formKey, formRefused, newAddForm } from './store/add-form.js';
import { chartMarket, isReplay, listKeys, positionsOf, selectedIndex, shownCount, selectedInstance, selectedPosition, symbolList, timeframesOf } from './store/selectors.js';
import { type UiAction, type UiState, initialUi, uiReducer } from './store/ui-state.js';
import type { ViewSnapshot, ViewStore } from './store/view-store.js';
import type { FrameSink } from './screen-writer.js';
import type { Theme } from './theme/theme.js';
import type { ClosedTrade } from '../core/trading.js';
import { TRADE_SORTS } from '../view/trades.js';
import { accountTradesCsv } from '../backtest/trades-csv.js';
import { tradesBody, visibleTrades } from './components/trades.js';

/** Closed trades the history window reads (newest first from the store). */
const TRADE_HISTORY_LIMIT = 5000;
import { holds } from '../view/protections.js';
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
  /** Attached to a background engine: d detaches, and q asks whether to stop the engine too. */
  onDetach?: () => void;
  onStopEngine?: () => void;
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

export function App({ api, store, theme, frames, cols: fixedCols, rows: fixedRows, onQuit, onDetach, onStopEngine, readonly = false }: AppProps): React.ReactElement | null {
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
  const setFormNow = (f: AddForm | null): void => {
    formRef.current = f;
    setForm(f);
  };
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
    [api, store],
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

  const confirm = (title: string, lines: string[], commands: Command[]): void => dispatch({ type: 'overlay', overlay: { kind: 'confirm', title, lines, commands } });
  const say = (text: string, severity: 'info' | 'warn' | 'error' = 'warn'): void => dispatch({ type: 'message', message: { text, severity } });

  // Keys are handled against the latest state (refs), not the render's: keys that arrive in one chunk (fast typing,
  // paste, a busy event loop) are parsed into several key presses in the same tick, before React re-renders.
  const handleKey = (name: string): void => {
    const ui = uiRef.current;
    const view = store.get();
    const form = formRef.current;

    const act = (id: ActionId, name: string): void => {
      if (readonly && MUTATING.has(id)) return say('read-only (--readonly): this screen only watches; start tradetui without --readonly to act');
      const inst = selectedInstance(view, ui);
      switch (id) {
        case 'quit':
          if (!onDetach) return onQuit();
          dispatch({ type: 'overlay', overlay: { kind: 'quit', running: view.engine.instances.filter((i) => i.running).map((i) => i.id) } });
          return;
        case 'detach':
          if (!onDetach) return say('this TUI runs its own engine: there is nothing to detach from');
          onDetach();
          return;
        case 'focus-next':
          dispatch({ type: 'focus-step', delta: 1 });
          return;
        case 'focus-prev':
          dispatch({ type: 'focus-step', delta: -1 });
          return;
        case 'focus-left':
        case 'focus-right': {
          const beside = paneBeside(computeLayout(sizeRef.current.cols, sizeRef.current.rows, ui.focus), ui.focus, id === 'focus-left' ? -1 : 1, PANES);
          if (beside) dispatch({ type: 'focus', pane: beside });
          return;
        }
        case 'focus-pane':
          dispatch({ type: 'focus', pane: PANES[Number(name) - 1]! });
          return;
        case 'up':
        case 'down': {
          if (ui.focus === 'chart') return;
          const keys = listKeys(view, ui.focus, ui);
          const n = keys.length;
          const cur = selectedIndex(view, ui, ui.focus, keys);
          const next = Math.max(0, Math.min(n - 1, cur + (id === 'up' ? -1 : 1)));
          dispatch({ type: 'select', pane: ui.focus, index: next, key: keys[next] ?? null });
          // the chart follows the selected instance
          if (ui.focus === 'strategies' && next !== cur) dispatch({ type: 'chart', patch: { symbol: null, timeframe: null, pan: 0 } });
          return;
        }
        case 'details':
          openDetails();
          return;
        case 'toggle-strategy': {
          if (!inst) return say('no strategy instance selected');
          const pos = view.engine.positions.filter((p) => p.instanceId === inst.id);
          const posText = pos.length
            ? `Its open position (${pos.map((p) => `${p.side} ${qty(p.qty)} ${p.symbol}`).join(', ')}) stays open with its stop and take-profit; close it with x in Positions.`
            : 'It has no open position.';
          if (inst.running)
            confirm(`Stop ${inst.strategy} on ${inst.symbol} ${inst.timeframe}?`, [`${inst.id} will stop acting on its signals: no new entries and no signal exits.`, posText], [
              { type: 'stop', instanceId: inst.id, by: 'keyboard' },
            ]);
          else
            confirm(
              `Start ${inst.strategy} on ${inst.symbol} ${inst.timeframe}?`,
              [
                `${inst.id} will act on its signals from the next closed candle: entries sized and vetted by the risk layer go to the ${view.engine.mode === 'live' ? 'LIVE exchange (real money)' : `${view.engine.mode} broker`}.`,
                `Params: ${paramsText(inst.params) || 'defaults'}.`,
              ],
              [{ type: 'start', instanceId: inst.id, by: 'keyboard' }],
            );
          return;
        }
        case 'backtest': {
          if (!inst) return say('no strategy instance selected');
          if (!api.backtest) return say('backtest is not available: this app does not expose backtest()', 'error');
          const id = inst.id;
          dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'running' } });
          backtestFor.current = id;
          api.backtest(id).then(
            (result) => {
              if (backtestFor.current === id) dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'done', result } });
            },
            (err: unknown) => {
              const error = err instanceof Error ? err.message : String(err);
              if (backtestFor.current === id) dispatch({ type: 'overlay', overlay: { kind: 'backtest', instanceId: id, status: 'error', error } });
            },
          );
          return;
        }
        case 'add-instance': {
          const strategies = api.strategies?.();
          if (!strategies) return say('adding strategies is not available: this app does not list strategies()', 'error');
          if (strategies.length === 0) return say('no strategies are installed');
          const symbols: SymbolListing[] =
            api.symbols?.() ?? symbolList(api, view).map((s) => ({ symbol: s, timeframes: [...TIMEFRAME_LIST] }));
          if (symbols.length === 0) return say('no symbols with cached candles');
          setFormNow(newAddForm(strategies, symbols));
          dispatch({ type: 'overlay', overlay: { kind: 'add' } });
          return;
        }
        case 'close-position': {
          const p = selectedPosition(view, ui);
          if (!p) return say('no open position selected');
          const pnl = unrealisedPnl(p, p.lastPrice);
          const verb = p.side === 'long' ? 'Sells' : 'Buys back';
          const others = view.engine.positions.filter((x) => x.symbol === p.symbol && x.id !== p.id).length;
          confirm(
            `Close ${p.side} ${qty(p.qty)} ${p.symbol} at market?`,
            [
              `${verb} ${qty(p.qty)} ${p.symbol} of ${p.instanceId} at market, about ${price(p.lastPrice)} (last price).`,
              `Unrealised P&L of ${pnl >= 0 ? '+' : '-'}${money(Math.abs(pnl))} becomes realised (before fees).`,
              ...(others > 0 ? [`The other ${others} position${others === 1 ? '' : 's'} on ${p.symbol} stay${others === 1 ? 's' : ''} open.`] : []),
            ],
            [{ type: 'close', symbol: p.symbol, positionId: p.id, by: 'keyboard' }],
          );
          return;
        }
        case 'kill': {
          const running = view.engine.instances.filter((i) => i.running).length;
          const open = view.engine.positions.length;
          confirm(
            'KILL SWITCH: stop everything?',
            [
              `Stops all ${running} running strateg${running === 1 ? 'y' : 'ies'} and closes all ${open} open position${open === 1 ? '' : 's'} at market (exposure ${money(view.engine.exposure)}).`,
              'New entries stay halted until you resume (r) and start strategies again (s).',
            ],
            [{ type: 'kill', by: 'keyboard' }],
          );
          return;
        }
        case 'pause':
          confirm('Pause new entries?', ['No strategy opens a position until you resume (r).', 'Open positions keep their stops and take-profits; strategies may still exit.'], [{ type: 'pause', by: 'keyboard' }]);
          return;
        case 'resume': {
          const held = holds(view.engine);
          if (held.length === 0) return say('nothing to resume: entries are not paused, halted or held by a protection', 'info');
          confirm(
            'Resume entries?',
            [...held.map((x) => `Lifts ${x.badge}: ${x.reason}.`), 'Running strategies may open positions again from the next candle.'],
            [{ type: 'resume', by: 'keyboard' }],
          );
          return;
        }
        case 'tf-prev':
        case 'tf-next': {
          const m = chartMarket(api, view, ui);
          if (!m) return say('nothing on the chart');
          const tfs = timeframesOf(api, view, m.symbol);
          if (tfs.length <= 1) return say(`only ${m.timeframe} candles for ${m.symbol}`);
          const i = tfs.indexOf(m.timeframe);
          const next = tfs[(i + (id === 'tf-next' ? 1 : -1) + tfs.length) % tfs.length]!;
          dispatch({ type: 'chart', patch: { symbol: m.symbol, timeframe: next, pan: 0 } });
          return;
        }
        case 'pick-symbol': {
          const items = symbolList(api, view);
          if (items.length === 0) return say('no symbols to chart');
          const cur = chartMarket(api, view, ui)?.symbol;
          dispatch({ type: 'overlay', overlay: { kind: 'symbol', items, index: Math.max(0, items.indexOf(cur ?? '')) } });
          return;
        }
        case 'chart-mode':
          dispatch({ type: 'chart', patch: { mode: ui.chart.mode === 'candles' ? 'line' : 'candles' } });
          return;
        case 'pan-left':
        case 'pan-right':
        case 'pan-reset':
        case 'cursor-left':
        case 'cursor-right':
        case 'zoom-in':
        case 'zoom-out':
        case 'chart-panels':
          dispatch({ type: 'chart', patch: chartKeyPatch(api, ui.chart, id) });
          return;
        case 'speed-up':
        case 'speed-down': {
          const f = view.engine.feed;
          if (!isReplay(f) || f.speed === null) return say('speed applies to a replay feed only');
          const base = speedAsked.current ?? f.speed;
          const next = id === 'speed-up' ? Math.min(1000, base * 2) : Math.max(0.25, base / 2);
          if (next === base) return say(`replay speed is already ${base} candles/s`);
          speedAsked.current = next;
          void send([{ type: 'set-speed', candlesPerSecond: next, by: 'keyboard' }]).then((ok) => {
            if (!ok) speedAsked.current = null;
          });
          return;
        }
        case 'help':
          dispatch({ type: 'overlay', overlay: { kind: 'help', scroll: 0 } });
          return;
        case 'maximise':
          dispatch({ type: 'maximise', on: !ui.maximised });
          return;
        case 'filter':
          if (ui.focus !== 'chart') dispatch({ type: 'filter', pane: ui.focus, text: ui.filter[ui.focus], typing: true });
          return;
        case 'trades':
          dispatch({ type: 'overlay', overlay: { kind: 'trades', index: 0, sort: 'exit', desc: true, filter: '', editing: false } });
          return;
        default:
          return;
      }
    };

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
          const b = lookup(name, ['help']);
          if (b?.id === 'close-overlay') dispatch({ type: 'overlay', overlay: null });
          else if (b?.id === 'up') dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
          else if (b?.id === 'down') dispatch({ type: 'overlay', overlay: { ...o, scroll: o.scroll + 1 } });
          else if (b?.id === 'page-down' || b?.id === 'page-up') {
            // a page is the visible help less one line of overlap; clamp to the real end so page-up works at once
            const { cols, rows } = sizeRef.current;
            const page = Math.max(1, rows - 1 - 2 - 2 - 1);
            const max = Math.max(0, helpLines(theme, cols - 2).length - (rows - 1 - 2 - 2));
            const from = Math.min(o.scroll, max);
            dispatch({ type: 'overlay', overlay: { ...o, scroll: Math.max(0, Math.min(max, from + (b.id === 'page-down' ? page : -page))) } });
          }
          return;
        }
        case 'confirm': {
          const b = lookup(name, ['confirm']);
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
          const b = lookup(name, ['picker']);
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
          if (lookup(name, ['info'])?.id === 'close-overlay') {
            backtestFor.current = null;
            dispatch({ type: 'overlay', overlay: null });
          }
          return;
        }
        case 'add':
          return;
        case 'trades': {
          if (o.editing) {
            if (name === 'enter') dispatch({ type: 'overlay', overlay: { ...o, editing: false } });
            else if (name === 'escape') dispatch({ type: 'overlay', overlay: { ...o, editing: false, filter: '', index: 0 } });
            else if (name === 'backspace') dispatch({ type: 'overlay', overlay: { ...o, filter: o.filter.slice(0, -1), index: 0 } });
            else if ([...name].length === 1 && name >= ' ') dispatch({ type: 'overlay', overlay: { ...o, filter: o.filter + name, index: 0 } });
            return;
          }
          const b = lookup(name, ['trades']);
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
        case 'quit': {
          const b = lookup(name, ['quit']);
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
      if (lookup(name, ['global'])?.id === 'quit') onQuit();
      return;
    }
    if (ui.overlay) return onOverlayKey(name);
    if (ui.filtering) {
      // typing a pane's filter: every printable key is text; Enter keeps the filter, Esc clears it
      const pane = ui.filtering;
      const text = ui.filter[pane];
      if (name === 'enter') dispatch({ type: 'filter', pane, text, typing: false });
      else if (name === 'escape') dispatch({ type: 'filter', pane, text: '', typing: false });
      else if (name === 'backspace') dispatch({ type: 'filter', pane, text: text.slice(0, -1), typing: true });
      else if (name === 'ctrl-c') onQuit();
      else if ([...name].length === 1 && name >= ' ') dispatch({ type: 'filter', pane, text: text + name, typing: true });
      return;
    }
    const b = lookup(name, [ui.focus, 'global']);
    if (b) act(b.id, name);
  };

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
    const scopes: Scope[] = ui.overlay ? [overlayScope(ui.overlay.kind, form)] : ui.filtering ? ['filtering'] : [ui.focus, 'global'];
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
      out.push(...overlayLines(ui, form, view, theme, width, contentHeight, readTrades));
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
    out.push(fit(footerLine(scopes, ui.message, theme, width, readonly), width));
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

function overlayScope(kind: NonNullable<UiState['overlay']>['kind'], form: AddForm | null): Scope {
  switch (kind) {
    case 'help':
      return 'help';
    case 'confirm':
      return 'confirm';
    case 'symbol':
      return 'picker';
    case 'trades':
      return 'trades';
    case 'quit':
      return 'quit';
    case 'add':
      return form?.step === 'params' ? 'form' : form?.step === 'review' ? 'confirm' : 'picker';
    default:
      return 'info';
  }
}

function overlayLines(ui: UiState, form: AddForm | null, view: ViewSnapshot, theme: Theme, width: number, height: number, trades: () => ClosedTrade[]): Line[] {
  const o = ui.overlay!;
  const inner = width - 2;
  const innerH = height - 2;
  let title: string;
  let body: Line[];
  switch (o.kind) {
    case 'help': {
      const all = helpLines(theme, inner);
      const max = Math.max(0, all.length - innerH);
      const scroll = Math.min(o.scroll, max);
      title = `Keys${max > 0 ? ` (${scroll + 1}-${Math.min(all.length, scroll + innerH)} of ${all.length}, j/k line, Space page)` : ''}`;
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
      title = 'Add a strategy instance';
      body = form ? addFormBody(form, inner, innerH, theme) : [];
      break;
    case 'trades':
      title = 'Trade history';
      body = tradesBody(trades(), o, inner, innerH, theme);
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

