// The two windows of a live engine: the parity window (each live fill next to the simulated fill of the same
// decision, slippage, fees, delay and the running total) and the reconciliation window (the differences with
// the exchange that halt live entries, each resolved by adopt / ignore / cancel / flatten after a confirmation,
// through the engine's `reconcile` command). Bodies and key handling are pure functions of the live status and
// the window's state; the App frames them and sends what they return.
import { currenciesOf } from '../../core/trading.js';
import type { LiveStatus, ParityRow } from '../../engine/ports.js';
import { bps, delay, liveOutcome, simOutcome } from '../../view/parity.js';
import { type Confirmation } from '../../view/confirm.js';
import { type Difference, type Resolution, canResolve, confirmReconcile } from '../../view/reconcile.js';
import type { ActionId } from '../keys/keymap.js';
import { dateTime, money, price, qty, shortDateTime, signed } from '../format.js';
import type { Theme } from '../theme/theme.js';
import { type Line, type Seg, fit, seg, wrapText } from './line.js';
import { type Column, renderTable } from './table.js';

export interface ParityWindow {
  kind: 'parity';
  /** Selected row; null follows the newest. */
  index: number | null;
}

export interface ReconcileWindow {
  kind: 'reconcile';
  index: number;
  /** The selected difference's id, so the selection stays on it as others are resolved. */
  key: number | null;
}

const PARITY_COLUMNS: Column[] = [
  { title: 'Time (UTC)', width: 11 },
  { title: 'Symbol', width: 9, drop: 4 },
  { title: 'Side', width: 6 },
  { title: 'For', width: 5, drop: 6 },
  { title: 'Decision', width: 10, align: 'right', drop: 3 },
  { title: 'Live', width: 10, align: 'right' },
  { title: 'Paper', width: 10, align: 'right' },
  { title: 'Slip bp', width: 7, align: 'right' },
  { title: 'vs pap', width: 7, align: 'right', drop: 2 },
  { title: 'Fee bp l/p', width: 10, align: 'right', drop: 5 },
  { title: 'Delay', width: 7, align: 'right', drop: 1 },
  { title: 'Total', width: 10, align: 'right' },
];

/** A number of bps as a segment: a cost reads as down (red, ▼ with NO_COLOR), a gain as up. */
function bpsSeg(theme: Theme, x: number | null): Seg {
  if (x === null || !Number.isFinite(x)) return seg('-', 'muted');
  const text = bps(x);
  return x > 0.05 ? seg(text, 'down') : x < -0.05 ? seg(text, 'up') : seg(text);
}

/** Money paid (positive) as a cost: the trader's P&L sign, so a cost shows ▼ −. */
function costSeg(theme: Theme, x: number | null): Seg {
  return x === null ? seg('-', 'muted') : signed(theme, -x);
}

export function selectedParityIndex(rows: readonly ParityRow[], index: number | null): number {
  return rows.length === 0 ? 0 : index === null ? rows.length - 1 : Math.min(index, rows.length - 1);
}

export function parityBody(live: LiveStatus | undefined, w: ParityWindow, width: number, height: number, theme: Theme): Line[] {
  if (!live) return [[], ...wrapText('The parity meter runs beside live trading: each live fill is compared with the simulated broker\'s fill of the same decision. This engine trades paper (start tradetui --live to trade for real).', width - 2).map((t) => fit([seg(` ${t}`)], width))];
  const rows = live.parity;
  const s = live.paritySummary;
  // The quote currency of the markets traded (one account currency).
  const currency = rows.length ? currenciesOf(rows[0]!.symbol).quote : '';
  const out: Line[] = [];
  out.push(
    fit(
      [
        seg(` ${s?.trades ?? rows.filter((r) => r.livePrice !== null).length} live fill(s)`, undefined, { bold: true }),
        seg(` (${s?.paired ?? 0} paired)  `, 'muted'),
        seg('slippage paid ', 'muted'),
        costSeg(theme, s?.totalSlippage ?? 0),
        seg('  vs paper ', 'muted'),
        costSeg(theme, s?.totalVsSim ?? 0),
        seg(` ${currency}`, 'muted'),
      ],
      width,
    ),
  );
  if (s) out.push(fit([seg(' realised: live ', 'muted'), signed(theme, s.liveRealised), seg('  paper ', 'muted'), signed(theme, s.simRealised), ...(s.simOnly ? [seg(`   ${s.simOnly} decision(s) filled on paper only`, 'warn')] : [])], width));
  const detailH = 3;
  const tableH = Math.max(2, height - out.length - detailH - 1);
  const sel = selectedParityIndex(rows, w.index);
  const tableRows: Seg[][] = rows.map((r) => [
    seg(shortDateTime(r.time)),
    seg(r.symbol),
    seg(r.side === 'buy' ? `${theme.g.buy} buy` : `${theme.g.sell} sell`, r.side === 'buy' ? 'up' : 'down'),
    seg(r.purpose),
    seg(price(r.reference)),
    r.livePrice !== null ? seg(price(r.livePrice)) : seg(liveOutcome(r), 'warn'),
    r.simPrice !== null ? seg(price(r.simPrice)) : seg(simOutcome(r) === 'waiting for the next open' ? 'next open' : simOutcome(r), 'muted'),
    bpsSeg(theme, r.slippageBps),
    bpsSeg(theme, r.vsSimBps),
    seg(`${r.liveFeeBps !== null ? r.liveFeeBps.toFixed(1) : '-'}/${r.simFeeBps !== null ? r.simFeeBps.toFixed(1) : '-'}`),
    seg(delay(r.delayMs)),
    costSeg(theme, r.totalSlippage),
  ]);
  out.push(...renderTable({ columns: PARITY_COLUMNS, rows: tableRows, width, height: tableH, selected: rows.length ? sel : null, focused: true, theme, empty: ' no live order yet: each live fill appears here beside the simulated fill of the same decision' }));
  while (out.length < height - detailH) out.push([]);
  const r = rows[sel];
  const detail = r ? parityDetail(r, currency) : 'Slippage is in basis points (1 bp = 0.01%) against the decision price (the decision candle\'s close, a stop\'s level); + is a cost.';
  for (const t of wrapText(detail, width - 2).slice(0, detailH)) out.push(fit([seg(` ${t}`, r ? undefined : 'muted')], width));
  return out.slice(0, height);
}

/** The selected row in words (every figure, whatever columns the width left out). */
export function parityDetail(r: ParityRow, currency: string): string {
  const what = `${r.purpose}${r.exitReason && r.purpose === 'exit' ? ` (${r.exitReason.replace('_', ' ')})` : ''} ${r.side} ${qty(r.qty)} ${r.symbol} of ${r.instanceId.split('@')[0]}`;
  const decided = `decided ${dateTime(r.time)} at ${price(r.reference)}`;
  const live = r.livePrice !== null ? `live ${price(r.livePrice)} (${bps(r.slippageBps)} bp, ${money(r.slippage ?? 0)} ${currency}; fee ${money(r.liveFee ?? 0)}) after ${delay(r.delayMs)}` : `live: ${liveOutcome(r)}`;
  const paper = r.simPrice !== null ? `paper ${price(r.simPrice)} (live ${bps(r.vsSimBps)} bp vs paper; fee ${money(r.simFee ?? 0)})` : `paper: ${simOutcome(r)}`;
  return `${what}: ${decided}; ${live}; ${paper}; running total ${money(r.totalSlippage)} ${currency} paid.`;
}

/** The parity window's keys: move the selection, or close. */
export function parityKey(w: ParityWindow, id: ActionId | undefined, rows: readonly ParityRow[]): ParityWindow | null | undefined {
  if (id === 'close-overlay') return null;
  if (id !== 'up' && id !== 'down') return undefined;
  const cur = selectedParityIndex(rows, w.index);
  const next = Math.max(0, Math.min(rows.length - 1, cur + (id === 'up' ? -1 : 1)));
  return { ...w, index: next >= rows.length - 1 ? null : next };
}

const DIFF_COLUMNS: Column[] = [
  { title: '#', width: 4, align: 'right' },
  { title: 'Kind', width: 14 },
  { title: 'Symbol', width: 9, drop: 2 },
  { title: 'Since (UTC)', width: 11, drop: 3 },
  { title: 'Resolve with', width: 22, drop: 1 },
  { title: 'What', width: 12, flex: true },
];

const RESOLUTION_KEYS: Record<Resolution, string> = { adopt: 'a', ignore: 'i', cancel: 'c', flatten: 'f' };

export function selectedDifference(live: LiveStatus | undefined, w: ReconcileWindow): { list: Difference[]; index: number } {
  const list = live?.differences ?? [];
  const byKey = w.key !== null ? list.findIndex((d) => d.id === w.key) : -1;
  return { list, index: byKey >= 0 ? byKey : Math.min(w.index, Math.max(0, list.length - 1)) };
}

export function reconcileBody(live: LiveStatus | undefined, w: ReconcileWindow, state: string, width: number, height: number, theme: Theme): Line[] {
  if (!live) return [[], fit([seg(' This engine trades paper: there is no exchange account to reconcile.')], width)];
  const { list, index } = selectedDifference(live, w);
  const account = `${live.exchange}${live.sandbox ? ' testnet' : ''}`;
  const out: Line[] = [];
  out.push(
    fit(
      [
        seg(` ${theme.color ? '' : '!! '}LIVE ${account}`, 'live', { bold: true }),
        seg(`  engine ${state}   last checked ${live.lastReconcileAt !== null ? dateTime(live.lastReconcileAt) : 'never'}`, 'muted'),
      ],
      width,
    ),
  );
  if (live.brokerHalt) out.push(fit([seg(` live trading halted: ${live.brokerHalt}`, 'error')], width));
  out.push(
    fit(
      list.length === 0
        ? [seg(` no differences with ${account}: what tradetui believes matches the exchange`, 'up')]
        : [seg(` ${list.length} difference(s) waiting: live entries are halted until each is resolved`, 'warn', { bold: true })],
      width,
    ),
  );
  const detailH = 4;
  const tableH = Math.max(2, height - out.length - detailH - 1);
  const rows: Seg[][] = list.map((d) => [
    seg(String(d.id)),
    seg(d.kind, 'warn'),
    seg(d.symbol ?? '-'),
    seg(shortDateTime(d.createdAt)),
    seg(d.actions.join(' ')),
    seg(d.summary),
  ]);
  out.push(...renderTable({ columns: DIFF_COLUMNS, rows, width, height: tableH, selected: list.length ? index : null, focused: true, theme, empty: ' nothing to resolve (r checks the account against the exchange now)' }));
  while (out.length < height - detailH) out.push([]);
  const d = list[index];
  const text = d ? `#${d.id} ${d.kind}${d.symbol ? ` on ${d.symbol}` : ''}: ${d.summary}. Resolve with ${d.actions.map((a) => `${RESOLUTION_KEYS[a as Resolution] ?? '?'} (${a})`).join(', ')}; each asks first.` : 'The same differences are listed by tradetui reconcile and Telegram /reconcile; resolving one here sends the same engine command.';
  for (const t of wrapText(text, width - 2).slice(0, detailH)) out.push(fit([seg(` ${t}`, d ? undefined : 'muted')], width));
  return out.slice(0, height);
}

const RESOLVE: Partial<Record<ActionId, Resolution>> = { 'reconcile-adopt': 'adopt', 'reconcile-ignore': 'ignore', 'reconcile-cancel': 'cancel', 'reconcile-flatten': 'flatten' };

export type ReconcileKeyResult =
  | { overlay: ReconcileWindow | null }
  | { confirm: Confirmation }
  | { send: { type: 'reconcile'; by: 'keyboard' }; say: string }
  | { say: string; severity: 'info' | 'warn' };

/** The reconciliation window's keys: move, resolve the selected difference (asks first), check now, close. */
export function reconcileKey(w: ReconcileWindow, id: ActionId | undefined, live: LiveStatus | undefined, readonly: boolean): ReconcileKeyResult | undefined {
  if (id === 'close-overlay') return { overlay: null };
  const { list, index } = selectedDifference(live, w);
  if (id === 'up' || id === 'down') {
    const next = Math.max(0, Math.min(list.length - 1, index + (id === 'up' ? -1 : 1)));
    return { overlay: { ...w, index: next, key: list[next]?.id ?? null } };
  }
  const action = id ? RESOLVE[id] : undefined;
  if (!action && id !== 'reconcile-check') return undefined;
  if (readonly) return { say: 'read-only (--readonly): this screen only watches; start tradetui without --readonly to act', severity: 'warn' };
  if (!live) return { say: 'this engine trades paper: there is nothing to reconcile', severity: 'warn' };
  if (id === 'reconcile-check') return { send: { type: 'reconcile', by: 'keyboard' }, say: `checking the account against ${live.exchange}…` };
  const d = list[index];
  if (!d) return { say: 'no difference selected', severity: 'info' };
  if (!canResolve(d, action!)) return { say: `difference #${d.id} (${d.kind}) can be resolved by ${d.actions.join(', ')}, not ${action}`, severity: 'warn' };
  return { confirm: confirmReconcile(d, action!, `${live.exchange}${live.sandbox ? ' testnet' : ''}`, 'keyboard') };
}
