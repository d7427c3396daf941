// What a trader is asked before an action that trades or stops trading, in one wording for every view: the TUI's
// confirmation dialogs and Telegram's confirmations read these (Telegram escapes and joins the lines). Each returns
// the title, the sentences that say exactly what will happen, and the engine command(s) that do it.
import type { Actor, Command, InstanceInfo } from '../core/events.js';
import type { Order, Position } from '../core/trading.js';
import { unrealisedPnl } from '../core/trading.js';
import type { EngineSnapshot } from '../engine/ports.js';
import { money, price, qty } from './format.js';
import { holds } from './protections.js';

export interface Confirmation {
  title: string;
  lines: string[];
  commands: Command[];
}

function paramsText(p: Record<string, number | string | boolean>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Closing exactly one position at market. */
export function confirmClosePosition(s: Pick<EngineSnapshot, 'positions'>, p: Position, by: Actor): Confirmation {
  const pnl = unrealisedPnl(p, p.lastPrice);
  const verb = p.side === 'long' ? 'Sells' : 'Buys back';
  const others = s.positions.filter((x) => x.symbol === p.symbol && x.id !== p.id).length;
  return {
    title: `Close ${p.side} ${qty(p.qty)} ${p.symbol} at market?`,
    lines: [
      `${verb} ${qty(p.qty)} ${p.symbol} of ${p.instanceId} at market, about ${price(p.lastPrice)} (last price).`,
      `Unrealised P&L of ${pnl >= 0 ? '+' : '-'}${money(Math.abs(pnl))} becomes realised (before fees).`,
      ...(others > 0 ? [`The other ${others} position${others === 1 ? '' : 's'} on ${p.symbol} stay${others === 1 ? 's' : ''} open.`] : []),
    ],
    commands: [{ type: 'close', symbol: p.symbol, positionId: p.id, by }],
  };
}

export function confirmKill(s: Pick<EngineSnapshot, 'instances' | 'positions' | 'exposure'>, by: Actor): Confirmation {
  const running = s.instances.filter((i) => i.running).length;
  const open = s.positions.length;
  return {
    title: 'KILL SWITCH: stop everything?',
    lines: [
      `Stops all ${running} running strateg${running === 1 ? 'y' : 'ies'} and closes all ${open} open position${open === 1 ? '' : 's'} at market (exposure ${money(s.exposure)}).`,
      'New entries stay halted until you resume and start strategies again.',
    ],
    commands: [{ type: 'kill', by }],
  };
}

export function confirmPause(by: Actor): Confirmation {
  return {
    title: 'Pause new entries?',
    lines: ['No strategy opens a position until you resume.', 'Open positions keep their stops and take-profits; strategies may still exit.'],
    commands: [{ type: 'pause', by }],
  };
}

/** Null when nothing holds entries back (nothing to resume). */
export function confirmResume(s: Pick<EngineSnapshot, 'state' | 'protections'>, by: Actor): Confirmation | null {
  const held = holds(s);
  if (held.length === 0) return null;
  return {
    title: 'Resume entries?',
    lines: [...held.map((x) => `Lifts ${x.badge}: ${x.reason}.`), 'Running strategies may open positions again from the next candle.'],
    commands: [{ type: 'resume', by }],
  };
}

/** Starting or stopping an instance (whichever it is not doing now). */
export function confirmStartStop(s: Pick<EngineSnapshot, 'positions' | 'mode'>, inst: InstanceInfo, by: Actor): Confirmation {
  if (inst.running) {
    const pos = s.positions.filter((p) => p.instanceId === inst.id);
    const posText = pos.length
      ? `Its open position (${pos.map((p) => `${p.side} ${qty(p.qty)} ${p.symbol}`).join(', ')}) stays open with its stop and take-profit; close it from Positions.`
      : 'It has no open position.';
    return {
      title: `Stop ${inst.strategy} on ${inst.symbol} ${inst.timeframe}?`,
      lines: [`${inst.id} will stop acting on its signals: no new entries and no signal exits.`, posText],
      commands: [{ type: 'stop', instanceId: inst.id, by }],
    };
  }
  return {
    title: `Start ${inst.strategy} on ${inst.symbol} ${inst.timeframe}?`,
    lines: [
      `${inst.id} will act on its signals from the next closed candle: entries sized and vetted by the risk layer go to the ${s.mode === 'live' ? 'LIVE exchange (real money)' : `${s.mode} broker`}.`,
      `Params: ${paramsText(inst.params) || 'defaults'}.`,
    ],
    commands: [{ type: 'start', instanceId: inst.id, by }],
  };
}

/** Cancelling one waiting order. */
export function confirmCancelOrder(o: Order, by: Actor): Confirmation {
  const size = o.qty !== undefined ? `${qty(Math.max(0, o.qty - o.filledQty))} ${o.symbol}` : `${money(o.quote ?? 0)} of ${o.symbol}`;
  return {
    title: `Cancel the ${o.purpose} order: ${o.side} ${size}?`,
    lines: [
      `Cancels order ${o.id} (${o.type}${o.price !== undefined ? ` at ${price(o.price)}` : ''}, ${o.reason}) of ${o.instanceId}; ${o.filledQty > 0 ? `the ${qty(o.filledQty)} already filled stays booked` : 'nothing of it has filled'}.`,
      o.purpose === 'entry' ? 'The entry is dropped and the cash it reserved is freed.' : 'The position it would close stays open without it.',
      'A fill that arrives before the cancel is still booked.',
    ],
    commands: [{ type: 'cancel-order', orderId: o.id, by }],
  };
}

/** What an instance holds in the market (its positions, else its waiting orders), or null when nothing. */
export function instanceHoldings(s: Pick<EngineSnapshot, 'positions' | 'orders'>, instanceId: string): string | null {
  const pos = s.positions.filter((p) => p.instanceId === instanceId);
  if (pos.length > 0) return `Its open position (${pos.map((p) => `${p.side} ${qty(p.qty)} ${p.symbol}`).join(', ')})`;
  const orders = s.orders.filter((o) => o.instanceId === instanceId);
  if (orders.length > 0) return `Its ${orders.length} waiting order${orders.length === 1 ? '' : 's'}`;
  return null;
}

/** Why an instance cannot be deleted now (it holds something), or null; what to do comes first (80 columns). */
export function deleteRefusal(s: Pick<EngineSnapshot, 'positions' | 'orders'>, instanceId: string): string | null {
  const pos = s.positions.filter((p) => p.instanceId === instanceId);
  if (pos.length > 0) return `cannot delete: close its position first (x in Positions): ${pos.map((p) => `${p.side} ${qty(p.qty)} ${p.symbol}`).join(', ')} of ${instanceId}`;
  const orders = s.orders.filter((o) => o.instanceId === instanceId).length;
  if (orders > 0) return `cannot delete: cancel its ${orders} waiting order${orders === 1 ? '' : 's'} first (o, Orders), or let them fill: ${instanceId}`;
  return null;
}

/** Deleting an instance that holds nothing (deleteRefusal is null). */
export function confirmDeleteInstance(inst: InstanceInfo & { trades: number }, by: Actor): Confirmation {
  return {
    title: `Delete ${inst.strategy} on ${inst.symbol} ${inst.timeframe}?`,
    lines: [
      `${inst.id} is removed from the engine${inst.running ? ' (it stops acting on its signals now)' : ''} and is not restored after a restart.`,
      `Its ${inst.trades} closed trade${inst.trades === 1 ? '' : 's'} and its signals stay in the history (t, Signals); nothing else changes.`,
    ],
    commands: [{ type: 'delete-instance', instanceId: inst.id, by }],
  };
}

/** Closing every position on a symbol (Telegram's /close SYMBOL); exactly one position reads as confirmClosePosition. */
export function confirmCloseSymbol(s: Pick<EngineSnapshot, 'positions'>, symbol: string, by: Actor): Confirmation | null {
  const open = s.positions.filter((p) => p.symbol === symbol);
  if (open.length === 0) return null;
  if (open.length === 1) return confirmClosePosition(s, open[0]!, by);
  const pnl = open.reduce((a, p) => a + unrealisedPnl(p, p.lastPrice), 0);
  return {
    title: `Close all ${open.length} positions on ${symbol} at market?`,
    lines: [
      ...open.map((p) => `${p.side === 'long' ? 'Sells' : 'Buys back'} ${qty(p.qty)} ${p.symbol} of ${p.instanceId} at market, about ${price(p.lastPrice)} (last price).`),
      `Unrealised P&L of ${pnl >= 0 ? '+' : '-'}${money(Math.abs(pnl))} becomes realised (before fees).`,
    ],
    commands: [{ type: 'close', symbol, by }],
  };
}

/**
 * Restarting an instance with other params and/or risk overrides (the TUI's edit window, Telegram's /edit). `risk`:
 * the new overrides as `path=value` words (view/risk-text.ts), '' for none, undefined when unchanged.
 */
export function confirmEditInstance(
  instanceId: string,
  params: Record<string, number | string | boolean>,
  risk: { text: string; value: Record<string, unknown> | null } | undefined,
  /** What it holds (instanceHoldings), kept across the restart. */
  held: string | null,
  by: Actor,
): Confirmation {
  return {
    title: `Restart ${instanceId} with ${paramsText(params) || 'no parameters'}?`,
    lines: [
      risk === undefined ? 'Risk overrides unchanged.' : `Risk overrides become: ${risk.text || 'none (the account risk section)'}.`,
      held ? `${held} stays open and is managed by the new settings from the next candle.` : 'It holds no position and no waiting order.',
      'Its candles, trades and history are kept; it keeps running or stopped as it is.',
    ],
    commands: [{ type: 'edit-instance', instanceId, params, ...(risk !== undefined ? { risk: risk.value } : {}), by }],
  };
}

const minute = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Restarting a paper replay from `to` (J with an earlier date): exactly what happens to the account, or why it cannot
 * (a live engine, an exchange feed, a date outside the cached candles — naming the dates that work).
 */
export function confirmReplayRestart(s: Pick<EngineSnapshot, 'replay' | 'equity' | 'positions' | 'orders' | 'feed'>, to: number, by: Actor): Confirmation | string {
  const r = s.replay;
  if (!r) return 'restarting the replay applies to paper trading on a replay of cached candles (not live, not an exchange feed)';
  if (to < r.first || to > r.last) return `no cached candles for every traded market at ${minute(to)}: a restart can start from ${minute(r.first)} to ${minute(r.last)} UTC`;
  // a playing replay keeps trading while the question is open: the numbers are the ones of now, not of y
  const playing = s.feed.paused !== true && s.feed.status !== 'ended';
  const held = [s.positions.length > 0 ? `${s.positions.length} open position${s.positions.length === 1 ? '' : 's'}` : null, s.orders.length > 0 ? `${s.orders.length} waiting order${s.orders.length === 1 ? '' : 's'}` : null].filter(Boolean);
  return {
    title: `Restart the replay from ${minute(to)} UTC?`,
    lines: [
      `The current paper account (equity ${money(s.equity)} ${r.currency}, ${r.trades} closed trade${r.trades === 1 ? '' : 's'}${held.length > 0 ? `, ${held.join(', ')}` : ''}${playing ? ' now; it trades on until you answer' : ''}) is archived, not deleted: its trades, orders, decisions and equity stay readable (tradetui accounts).`,
      `A new paper account starts at ${minute(to)} with ${money(r.startingBalance)} ${r.currency}${held.length > 0 ? '; open positions and waiting orders stay in the archive, none is carried over' : ''}.`,
      'Strategies keep their parameters, risk overrides and running or stopped state, and warm up on the candles before that date. The replay then holds there: P plays it.',
    ],
    commands: [{ type: 'replay', action: 'restart', to, by }],
  };
}
