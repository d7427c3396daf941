// What holds new entries back, in words a trader reads at a glance: the engine's pause/halt state and every
// active protection (drawdown guard, kill switch, cooldown, daily loss, stop-loss guard, low profit). The TUI's
// status bar, instance rows, detail window and resume dialog read this, so they always agree.
import type { InstanceInfo, ProtectionEvent } from '../core/events.js';
import type { EngineSnapshot } from '../engine/ports.js';

export interface Hold {
  /** Short word for a table cell: halt, pause, cool, loss, guard, lock. */
  word: string;
  /** Status-bar badge: HALTED drawdown, COOLDOWN BTC/USDT, ... */
  badge: string;
  /** A halt lasts until a person resumes; other holds end by themselves. */
  halt: boolean;
  /** The full sentence (the protection's reason). */
  reason: string;
  scope: string;
}

const NAMES: Record<string, { word: string; badge: string; halt: boolean }> = {
  maxDrawdown: { word: 'halt', badge: 'HALTED drawdown', halt: true },
  killSwitch: { word: 'halt', badge: 'HALTED kill switch', halt: true },
  dailyLossLimit: { word: 'loss', badge: 'DAILY LOSS', halt: false },
  cooldown: { word: 'cool', badge: 'COOLDOWN', halt: false },
  stoplossGuard: { word: 'guard', badge: 'STOP GUARD', halt: false },
  lowProfit: { word: 'lock', badge: 'LOW PROFIT', halt: false },
};

export function holdOf(p: ProtectionEvent): Hold {
  const n = NAMES[p.name] ?? { word: 'hold', badge: p.name.toUpperCase(), halt: false };
  return { word: n.word, badge: p.scope === 'global' ? n.badge : `${n.badge} ${p.scope}`, halt: n.halt, reason: `${p.name}: ${p.reason}`, scope: p.scope };
}

/** Everything holding entries back account-wide or anywhere, halts first; the engine's own pause/halt too. */
export function holds(engine: Pick<EngineSnapshot, 'state' | 'protections'>): Hold[] {
  const out = engine.protections.filter((p) => p.state === 'triggered').map(holdOf);
  const haltedByProtection = out.some((h) => h.halt && h.scope === 'global');
  if (engine.state === 'paused') out.unshift({ word: 'pause', badge: 'PAUSED', halt: true, reason: 'new entries paused by a person', scope: 'global' });
  else if (engine.state === 'halted' && !haltedByProtection) out.unshift({ word: 'halt', badge: 'HALTED', halt: true, reason: 'the engine halted entries', scope: 'global' });
  else if (engine.state === 'stopped') out.unshift({ word: 'stop', badge: 'STOPPED', halt: true, reason: 'the engine is stopped', scope: 'global' });
  return out.sort((a, b) => Number(b.halt) - Number(a.halt));
}

/** The holds that refuse entries of one instance: account-wide ones, its symbol's, its own. */
export function holdsOn(engine: Pick<EngineSnapshot, 'state' | 'protections'>, inst: Pick<InstanceInfo, 'id' | 'symbol'>): Hold[] {
  return holds(engine).filter((h) => h.scope === 'global' || h.scope === inst.symbol || h.scope === inst.id);
}

/** One status-bar badge for all holds: the first (halts first) and how many more. */
export function holdsBadge(list: readonly Hold[]): string | null {
  if (list.length === 0) return null;
  return list.length === 1 ? list[0]!.badge : `${list[0]!.badge} +${list.length - 1}`;
}
