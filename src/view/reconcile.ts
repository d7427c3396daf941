// What the trader is asked before resolving a difference between tradetui and the exchange (the TUI's
// reconciliation window): one wording per kind of difference and resolution, saying exactly what will happen,
// and the engine command that does it — the same `reconcile` command `tradetui reconcile` and Telegram send.
import type { Actor } from '../core/events.js';
import type { LiveStatus } from '../engine/ports.js';
import type { Confirmation } from './confirm.js';

export type Difference = LiveStatus['differences'][number];
export type Resolution = 'adopt' | 'ignore' | 'cancel' | 'flatten';
export const RESOLUTIONS: readonly Resolution[] = ['adopt', 'ignore', 'cancel', 'flatten'];

const WHAT: Record<string, Partial<Record<Resolution, string>>> = {
  'unknown-order': {
    adopt: 'tradetui takes the order over: it follows it on the exchange and books its fills from now on.',
    cancel: 'tradetui cancels the order on the exchange now (it checks afterwards whether it filled first).',
    ignore: 'The order stays on the exchange and tradetui leaves it alone.',
  },
  'external-trade': {
    adopt: "The trade is booked into tradetui's position on its market (the first instance trading it), at the trade's price.",
    ignore: 'The trade is left out: tradetui keeps its own positions and the coins stay yours.',
  },
  balance: {
    adopt: "The exchange's balance becomes tradetui's position on its market (the first instance trading it).",
    flatten: 'tradetui sells what the exchange holds beyond its positions, at market, now.',
    ignore: "The difference is yours: tradetui keeps its own positions and no longer counts it as a difference.",
  },
  'order-in-doubt': { ignore: 'tradetui stops waiting for this order (check it on the exchange yourself).' },
  'stop-missing': { ignore: 'tradetui goes on without the protective stop on the exchange; the engine still checks it on each candle.' },
};

/** Whether `action` resolves `d` (the engine says which actions each difference takes). */
export function canResolve(d: Difference, action: Resolution): boolean {
  return d.actions.includes(action);
}

export function confirmReconcile(d: Difference, action: Resolution, exchange: string, by: Actor): Confirmation {
  const what = WHAT[d.kind]?.[action] ?? `The difference is resolved by ${action}.`;
  const trades = action === 'flatten' || action === 'cancel' || (action === 'adopt' && d.kind !== 'unknown-order');
  return {
    title: `${action[0]!.toUpperCase()}${action.slice(1)} difference #${d.id} (${d.kind})?`,
    lines: [
      `${d.summary}${d.symbol ? ` (${d.symbol})` : ''}.`,
      what,
      ...(trades && action !== 'adopt' ? [`This sends a real request to ${exchange}.`] : []),
      'Live entries stay halted until every difference is resolved.',
    ],
    commands: [{ type: 'reconcile', differenceId: d.id, action, by }],
  };
}
