// Status bar, tab bar and footer lines. The footer is generated from the keymap for the keys that work now.
import { type Binding, type Keymap, type PaneId, type Scope, PANES, PANE_TITLES, displayKey, footerBindings, KEYMAP } from '../keys/keymap.js';
import type { Message } from '../store/ui-state.js';
import type { ViewSnapshot } from '../store/view-store.js';
import type { Theme } from '../theme/theme.js';
import { isReplay } from '../store/selectors.js';
import { age, dateTime, hhmm, money, signed } from '../format.js';
import { type Line, type Seg, fit, lineWidth, seg, textWidth, wrapText } from './line.js';
import { holds, holdsBadge } from '../../view/protections.js';

export function statusLine(view: ViewSnapshot, theme: Theme, width: number, readonly = false): Line {
  const e = view.engine;
  const f = e.feed;
  const narrow = width < 100;
  // Live says so on every screen with the account it trades; without colour a glyph carries the warning.
  const liveText = ` ${theme.color ? '' : '!! '}LIVE ${e.live ? `${e.live.exchange}${e.live.sandbox ? ' testnet' : ''} ` : ''}`;
  const mode = e.mode === 'live' ? seg(liveText, 'live', { bold: true, inverse: true }) : seg(e.mode === 'paper' ? 'PAPER' : e.mode.toUpperCase(), 'accent', { bold: true });
  const replay = isReplay(f);
  const jumping = replay && /^REPLAY jumping/.test(f.detail);
  const src = jumping ? 'REPLAY jumping' : replay && f.paused ? 'REPLAY paused' : replay ? `REPLAY ${f.speed !== null ? `${fmtSpeed(f.speed)}/s` : ''}`.trim() : f.source;
  const feedRole = f.status === 'connected' || f.status === 'replay' ? 'up' : f.status === 'retrying' ? 'warn' : f.status === 'down' ? 'error' : 'muted';
  const feedGlyph = f.status === 'connected' || f.status === 'replay' ? theme.g.running : theme.g.stopped;
  const feedWord = f.status === 'replay' ? (f.paused ? 'held' : 'playing') : f.status;
  // the close time, as alerts and signals carry it (a decision is made when its candle closes); said in the label
  const closed = f.lastCandleClose ?? null;
  const last =
    f.lastCandleTime === null
      ? 'no candle yet'
      : closed === null
        ? replay
          ? narrow ? dateTime(f.lastCandleTime) : `candle ${dateTime(f.lastCandleTime)}`
          : `last ${age(view.now - f.lastCandleTime)} ago`
        : replay
          ? narrow ? dateTime(closed) : `closed ${dateTime(closed)}`
          : `closed ${age(view.now - closed)} ago`;
  // groups in order of display; when the line is too narrow the highest `drop` goes first
  const groups: Array<{ segs: Line; drop: number }> = [
    { segs: readonly ? [mode, seg(' READ-ONLY', 'muted', { bold: true })] : [mode], drop: 0 },
    { segs: [seg(src, undefined, { bold: true }), seg(' '), seg(narrow ? feedGlyph : `${feedGlyph} ${feedWord}`, feedRole), seg(` ${last}`, 'muted')], drop: 0 },
    { segs: [seg(narrow ? 'eq ' : 'equity '), seg(money(e.equity), undefined, { bold: true })], drop: 0 },
    { segs: [seg('today '), signed(theme, e.equity - e.dayStartEquity)], drop: 0 },
    { segs: [seg(`${narrow ? 'exp' : 'exposure'} ${money(e.exposure)}`)], drop: 2 },
  ];
  const tg = view.telegram;
  if (tg) {
    const ok = tg.state === 'connected';
    const role = ok ? 'up' : tg.state === 'down' ? 'error' : 'warn';
    const queued = tg.queue > 0 ? ` ${tg.queue}q` : '';
    // Compact: a connected bot is just a dot; trouble says what and how much is waiting.
    groups.push({ segs: [seg('TG '), seg(ok ? theme.g.running : `${theme.g.stopped} ${tg.state}${queued}`, role)], drop: 1 });
  }
  // every pause, halt and active protection is visible: the first (halts first) and how many more
  const held = holds(e);
  const badge = holdsBadge(held);
  if (badge) groups.push({ segs: [seg(badge, held[0]!.halt ? 'error' : 'warn', { bold: true })], drop: 0 });
  // The clock outranks the droppable groups (exposure, Telegram): try it long, then short, dropping those first.
  const clocks = [seg(` ${hhmm(view.now)} UTC`, 'muted'), seg(` ${hhmm(view.now)}`, 'muted')].slice(narrow ? 1 : 0);
  const sepW = 3;
  const widthOf = (l: Line): number => l.reduce((a, s) => a + [...s.text].length, 0);
  let kept = groups;
  const total = (): number => kept.reduce((a, g) => a + widthOf(g.segs), 0) + sepW * (kept.length - 1);
  let clock: Seg | null = null;
  for (const d of [Infinity, 2, 1]) {
    kept = kept.filter((g) => g.drop < d);
    clock = clocks.find((c) => total() + widthOf([c]) <= width) ?? null;
    if (clock) break;
  }
  const line: Line = [];
  kept.forEach((g, i) => {
    if (i > 0) line.push(seg(` ${theme.g.sep} `, 'muted'));
    line.push(...g.segs);
  });
  const used = widthOf(line);
  if (clock) line.push(seg(' '.repeat(width - used - widthOf([clock]))), clock);
  return fit(line, width);
}

function fmtSpeed(s: number): string {
  return Number.isInteger(s) ? String(s) : String(Number(s.toPrecision(3)));
}

export function tabLine(focus: PaneId, theme: Theme, width: number): Line {
  const line: Line = [];
  PANES.forEach((p, i) => {
    const on = p === focus;
    line.push(seg(on ? `${theme.g.focus}${i + 1} ${PANE_TITLES[p]} ` : ` ${i + 1} ${PANE_TITLES[p]} `, on ? 'focus' : 'muted', { inverse: on, bold: on }));
    line.push(seg(' '));
  });
  return fit(line, width);
}

/**
 * The footer: a message and the keys in force on one line when the message fits beside a separator; a longer message
 * is wrapped on lines of its own above the keys (never cut: a refusal's reason is often at its end).
 */
export function footerLines(scopes: readonly Scope[], message: Message | null, theme: Theme, width: number, readonly = false, keymap: Keymap = KEYMAP): Line[] {
  if (!message) return [footerLine(scopes, null, theme, width, readonly, keymap)];
  const text = `${message.severity === 'info' ? '' : '! '}${message.text}`;
  if (textWidth(text) + 3 <= width) return [footerLine(scopes, message, theme, width, readonly, keymap)];
  const role = message.severity === 'error' ? 'error' : message.severity === 'warn' ? 'warn' : 'accent';
  return [...wrapText(text, width).map((t) => fit([seg(t, role, { bold: true })], width)), footerLine(scopes, null, theme, width, readonly, keymap)];
}

export function footerLine(scopes: readonly Scope[], message: Message | null, theme: Theme, width: number, readonly = false, keymap: Keymap = KEYMAP): Line {
  const line: Line = [];
  if (message) {
    const role = message.severity === 'error' ? 'error' : message.severity === 'warn' ? 'warn' : 'accent';
    const tag = message.severity === 'error' ? '! ' : message.severity === 'warn' ? '! ' : '';
    line.push(seg(`${tag}${message.text}`, role, { bold: true }), seg(` ${theme.g.sep} `, 'muted'));
  }
  const bindings = footerBindings(scopes, readonly, keymap);
  // help and quit first among the global keys, so they survive truncation on narrow screens
  const rank = (b: Binding): number => (b.scope !== 'global' ? 0 : b.id === 'help' ? 1 : b.id === 'quit' || b.id === 'detach' ? 2 : 3);
  bindings.sort((a, b) => rank(a) - rank(b));
  // whole key+label pairs only: a pair that does not fit is left out, never cut in the middle (help lists all)
  let used = lineWidth(line);
  for (const b of bindings) {
    const key = keyLabel(b, theme);
    const w = textWidth(key) + textWidth(` ${b.label}`);
    if (used + w > width) continue;
    line.push(seg(key, 'accent', { bold: true }), seg(` ${b.label}  `));
    used += w + 2;
  }
  return fit(line, width);
}

function keyLabel(b: Binding, theme: Theme): string {
  if (b.id === 'focus-pane') return '1-5';
  return displayKey(b.keys[0]!, theme.unicode);
}

const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Everywhere',
  chart: 'Chart pane (1)',
  strategies: 'Strategies pane (2)',
  positions: 'Positions pane (3)',
  signals: 'Signals pane (4)',
  alerts: 'Alerts pane (5)',
  confirm: 'Confirmations',
  picker: 'Pickers',
  form: 'Parameter form (type digits to edit numbers, Backspace deletes)',
  help: 'This help',
  info: 'Detail windows',
  trades: 'Trade history (t)',
  filtering: 'Typing a filter (/ in a list)',
  quit: 'Quit (attached to a background engine)',
  palette: 'Command palette (:)',
  orders: 'Orders window (o)',
  log: 'Log window (L)',
  account: 'Account view (A)',
  jump: 'Replay jump (J)',
  parity: 'Parity window, live (S)',
  reconcile: 'Reconciliation window, live (R)',
};

/** Every binding in force (the config's keys applied), grouped by where it works. */
export function helpLines(theme: Theme, width: number, keymap: Keymap = KEYMAP): Line[] {
  const out: Line[] = [];
  const scopes: Scope[] = ['global', 'chart', 'strategies', 'positions', 'signals', 'alerts', 'filtering', 'trades', 'orders', 'log', 'account', 'parity', 'reconcile', 'palette', 'jump', 'confirm', 'picker', 'form', 'help', 'info', 'quit'];
  for (const s of scopes) {
    const bs = keymap.filter((b) => b.scope === s);
    if (bs.length === 0) continue;
    if (out.length) out.push([]);
    out.push(fit([seg(SCOPE_TITLES[s], 'accent', { bold: true })], width));
    for (const b of bs) {
      const keys = b.keys.map((k) => displayKey(k, theme.unicode)).join(' ');
      // descriptions wrap under their own column instead of being cut at narrow widths
      const indent = 17;
      const wrapped = wrapText(b.description, Math.max(10, width - indent));
      out.push(fit([seg('  '), seg(keys.padEnd(14), undefined, { bold: true }), seg(' '), seg(wrapped[0] ?? '')], width));
      for (const more of wrapped.slice(1)) out.push(fit([seg(' '.repeat(indent)), seg(more)], width));
    }
  }
  return out;
}

/**
 * The help window's scroll hint from the keymap (after the config's overrides): "j/k line, Space page" with the
 * defaults. A printable key is preferred to an arrow, which the trader knows anyway.
 */
export function helpScrollHint(keymap: Keymap, unicode: boolean): string {
  const key = (id: Binding['id']): string | null => {
    const keys = keymap.find((b) => b.scope === 'help' && b.id === id)?.keys ?? [];
    const k = keys.find((x) => [...x].length === 1) ?? keys[0];
    return k === undefined ? null : k === ' ' ? 'Space' : displayKey(k, unicode);
  };
  const down = key('down');
  const up = key('up');
  const page = key('page-down');
  return [down && up ? `${down}/${up} line` : null, page ? `${page} page` : null].filter(Boolean).join(', ');
}
