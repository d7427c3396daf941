// Exit levels for an entry, from the configuration and the strategy's proposals. Stops: the tightest of
// the fixed %, the ATR stop, the ATR sizing's stop, the strategy's hint and its decided stop wins, and no
// stop is wider than exits.maxStopPct. Levels are computed from the decision candle's close (the reference
// price the order is sized at); the kernel then applies them to each candle's high/low (engine/exits.ts).
import type { RiskConfig } from './schema.js';
import type { Protection } from '../../core/trading.js';
import { seriesKeys } from './series.js';
import { fmt } from './sizing.js';
import type { EntryIntent } from './types.js';

export interface StopPlan {
  protection: Protection;
  /** "stop 95 (atr 2×), tp 110 (strategy), trailing 2%": what the trader reads with the verdict. */
  summary: string;
  /** Notes on proposals that were ignored or tightened. */
  notes: string[];
}

export function planExits(cfg: RiskConfig, intent: EntryIntent): StopPlan {
  const e = cfg.exits;
  const long = intent.side === 'long';
  const ref = intent.price;
  const dir = long ? 1 : -1;
  const notes: string[] = [];
  // The summary and notes are for the verdict's reason: built only when someone reads it (intent.explain).
  const say = intent.explain !== false;
  const atrKey = seriesKeys.atr(cfg.atrPeriod);
  const atr = intent.series[atrKey]?.[intent.index];
  const haveAtr = atr !== undefined && atr > 0;

  // Stop candidates, each as a price on the losing side of ref.
  const candidates: Array<{ level: number; from: string }> = [];
  const at = (distance: number) => ref - dir * distance;
  if (e.stopLossPct !== null) candidates.push({ level: at((ref * e.stopLossPct) / 100), from: say ? `${fmt(e.stopLossPct)}%` : '' });
  if (e.atrStopMultiple !== null) {
    if (haveAtr) candidates.push({ level: at(atr * e.atrStopMultiple), from: say ? `${fmt(e.atrStopMultiple)}×ATR` : '' });
    else if (say) notes.push('ATR stop skipped: ATR warming up');
  }
  if (cfg.sizing.mode === 'atr' && haveAtr) candidates.push({ level: at(atr * cfg.sizing.atrMultiple), from: say ? `atr sizing ${fmt(cfg.sizing.atrMultiple)}×ATR` : '' });
  const hintPct = intent.hints?.stopLossPct;
  if (hintPct !== undefined && hintPct > 0) candidates.push({ level: at(ref * hintPct), from: 'strategy default' });
  const proposed = intent.decision.stop;
  if (proposed !== undefined) {
    if (Number.isFinite(proposed) && (long ? proposed < ref : proposed > ref)) candidates.push({ level: proposed, from: 'strategy' });
    else if (say) notes.push(`strategy stop ${fmt(proposed)} ignored: not ${long ? 'below' : 'above'} the price ${fmt(ref)}`);
  }

  const p: Protection = {};
  const parts: string[] = [];
  let best: { level: number; from: string } | undefined;
  for (const c of candidates) if (!best || (long ? c.level > best.level : c.level < best.level)) best = c;
  const widest = at((ref * e.maxStopPct) / 100);
  if (best && (long ? best.level < widest : best.level > widest)) {
    if (say) notes.push(`stop ${fmt(best.level)} (${best.from}) wider than ${fmt(e.maxStopPct)}%: tightened`);
    best = { level: widest, from: say ? `max ${fmt(e.maxStopPct)}%` : '' };
  }
  if (best) {
    p.stop = best.level;
    if (say) parts.push(`stop ${fmt(best.level)} (${best.from})`);
  }

  // Take-profit: the strategy's decided target wins; otherwise the nearer of its hint and the config's.
  const tpProposed = intent.decision.takeProfit;
  if (tpProposed !== undefined && Number.isFinite(tpProposed) && (long ? tpProposed > ref : tpProposed < ref)) {
    p.takeProfit = tpProposed;
    if (say) parts.push(`tp ${fmt(tpProposed)} (strategy)`);
  } else {
    if (tpProposed !== undefined) notes.push(`strategy target ${fmt(tpProposed)} ignored: not ${long ? 'above' : 'below'} the price`);
    const tps: Array<{ level: number; from: string }> = [];
    if (e.takeProfitPct !== null) tps.push({ level: ref + (dir * ref * e.takeProfitPct) / 100, from: say ? `${fmt(e.takeProfitPct)}%` : '' });
    const hintTp = intent.hints?.takeProfitPct;
    if (hintTp !== undefined && hintTp > 0) tps.push({ level: ref + dir * ref * hintTp, from: 'strategy default' });
    let tp: (typeof tps)[number] | undefined;
    for (const c of tps) if (!tp || (long ? c.level < tp.level : c.level > tp.level)) tp = c;
    if (tp) {
      p.takeProfit = tp.level;
      if (say) parts.push(`tp ${fmt(tp.level)} (${tp.from})`);
    }
  }

  // Trailing: the tighter of %, ATR × multiple and the strategy's hint, compared as distances at ref.
  const trails: Array<{ pct?: number; distance?: number; d: number; label: string }> = [];
  if (e.trailingPct !== null) trails.push({ pct: e.trailingPct / 100, d: (ref * e.trailingPct) / 100, label: say ? `${fmt(e.trailingPct)}%` : '' });
  const hintTrail = intent.hints?.trailingPct;
  if (hintTrail !== undefined && hintTrail > 0) trails.push({ pct: hintTrail, d: ref * hintTrail, label: say ? `${fmt(hintTrail * 100)}% (strategy)` : '' });
  if (e.trailingAtrMultiple !== null) {
    if (haveAtr) trails.push({ distance: atr * e.trailingAtrMultiple, d: atr * e.trailingAtrMultiple, label: say ? `${fmt(e.trailingAtrMultiple)}×ATR = ${fmt(atr * e.trailingAtrMultiple)}` : '' });
    else if (say) notes.push('ATR trailing skipped: ATR warming up');
  }
  let trail: (typeof trails)[number] | undefined;
  for (const t of trails) if (!trail || t.d < trail.d) trail = t;
  if (trail) {
    if (trail.pct !== undefined) p.trailingPct = trail.pct;
    else p.trailingDistance = trail.distance;
    if (say) parts.push(`trailing ${trail.label}`);
  }

  if (e.breakEvenPct !== null) {
    p.breakEvenPct = e.breakEvenPct / 100;
    if (say) parts.push(`break-even after +${fmt(e.breakEvenPct)}%`);
  }
  if (e.maxCandles !== null) {
    p.maxCandles = e.maxCandles;
    if (say) parts.push(`exit after ${e.maxCandles} candles`);
  }
  return { protection: p, summary: parts.join(', '), notes };
}
