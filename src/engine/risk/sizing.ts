// Position sizing: how much quote an entry asks for before the limits clip it. One function per mode,
// each returning the amount and the reason a trader reads in the signals pane ("atr: risk 1% of 10,000 over
// 2×ATR 412.5 = 0.24 BTC").
import type { KellyConfig, RegimeConfig, RiskConfig } from './schema.js';
import type { ClosedTrade } from '../../core/trading.js';
import { seriesKeys } from './series.js';
import type { EntryIntent } from './types.js';

export type SizeResult = { ok: true; quote: number; reason: string } | { ok: false; reason: string };

export function sizeEntry(cfg: RiskConfig, intent: EntryIntent, stakePct?: number): SizeResult {
  const s = cfg.sizing;
  const mult = intent.decision.sizeMultiplier ?? intent.hints?.sizeMultiplier ?? 1;
  // Accepted sizes explain themselves only when someone reads it (intent.explain); refusals always do.
  const say = intent.explain !== false;
  if (stakePct !== undefined) return scaled(percent(intent.equity, stakePct, 'stake', say), mult, say);
  switch (s.mode) {
    case 'fixed':
      return scaled({ ok: true, quote: s.quote, reason: say ? `fixed ${fmt(s.quote)} quote` : '' }, mult, say);
    case 'percent':
      return scaled(percent(intent.equity, s.pct, 'percent', say), mult, say);
    case 'atr': {
      const atr = intent.series[seriesKeys.atr(cfg.atrPeriod)]?.[intent.index];
      if (atr === undefined || !(atr > 0)) return { ok: false, reason: `atr sizing: ATR(${cfg.atrPeriod}) not available yet (warm-up)` };
      const distance = atr * s.atrMultiple;
      const qty = (intent.equity * s.riskPct) / 100 / distance;
      return scaled(
        { ok: true, quote: qty * intent.price, reason: say ? `atr: risk ${fmt(s.riskPct)}% of ${fmt(intent.equity)} over ${fmt(s.atrMultiple)}×ATR ${fmt(atr)} = ${fmt(qty)} units` : '' },
        mult,
        say,
      );
    }
    case 'kelly':
      return scaled(kellySize(s.kelly, intent.instanceTrades, intent.equity, s.pct), mult, say);
    case 'confidence': {
      const c = intent.decision.confidence;
      if (c === undefined) return scaled(percent(intent.equity, s.pct, 'confidence: signal carries none, base', say), mult, say);
      if (!(c >= 0 && c <= 1)) return { ok: false, reason: `confidence ${c} is outside 0..1` };
      if (c < s.minConfidence) return { ok: false, reason: `confidence ${fmt(c)} below minimum ${fmt(s.minConfidence)}` };
      return scaled({ ok: true, quote: (intent.equity * s.pct * c) / 100, reason: say ? `confidence ${fmt(c)} × ${fmt(s.pct)}% of equity` : '' }, mult, say);
    }
    case 'regime': {
      const r = detectRegime(cfg, intent.series, intent.index);
      const m = s.regime[r.regime === 'unknown' ? 'ranging' : r.regime];
      if (m === 0) return { ok: false, reason: `regime ${r.regime} (${r.why}): size multiple 0` };
      return scaled({ ok: true, quote: (intent.equity * s.pct * m) / 100, reason: say ? `regime ${r.regime} (${r.why}) × ${fmt(m)} on ${fmt(s.pct)}% of equity` : '' }, mult, say);
    }
  }
}

function percent(equity: number, pct: number, label: string, say = true): SizeResult {
  return { ok: true, quote: (equity * pct) / 100, reason: say ? `${label} ${fmt(pct)}% of equity` : '' };
}

/** A size times the strategy's size multiplier (1: unchanged). */
function scaled(r: SizeResult, mult: number, say: boolean): SizeResult {
  if (!r.ok || mult === 1) return r;
  return { ok: true, quote: r.quote * mult, reason: say ? `${r.reason} × size multiplier ${fmt(mult)}` : '' };
}

/** Kelly fraction f* = W − (1 − W) / R over the instance's closed trades (W win rate, R average win ÷ average loss). */
export function kellyFraction(trades: readonly ClosedTrade[]): number {
  let wins = 0;
  let winSum = 0;
  let losses = 0;
  let lossSum = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++;
      winSum += t.pnlPct;
    } else {
      losses++;
      lossSum -= t.pnlPct;
    }
  }
  const n = wins + losses;
  if (n === 0) return 0;
  const w = wins / n;
  if (losses === 0 || lossSum <= 0) return w;
  if (wins === 0) return -Infinity;
  const r = winSum / wins / (lossSum / losses);
  return w - (1 - w) / r;
}

function kellySize(k: KellyConfig, trades: readonly ClosedTrade[], equity: number, basePct: number): SizeResult {
  if (trades.length < k.minTrades) {
    return percent(equity, basePct, `kelly off until ${k.minTrades} closed trades (have ${trades.length}):`);
  }
  const f = kellyFraction(trades);
  if (!(f > 0)) return { ok: false, reason: `kelly: no edge over ${trades.length} trades (f* ${Number.isFinite(f) ? fmt(f) : '−∞'})` };
  const pct = Math.min(f * k.fraction * 100, k.maxPct);
  const capped = pct === k.maxPct && f * k.fraction * 100 > k.maxPct;
  return {
    ok: true,
    quote: (equity * pct) / 100,
    reason: `kelly f* ${fmt(f)} × ${fmt(k.fraction)} over ${trades.length} trades = ${fmt(pct)}% of equity${capped ? ` (capped at ${fmt(k.maxPct)}%)` : ''}`,
  };
}

export type Regime = 'trending' | 'ranging' | 'volatile' | 'unknown';

/** Volatile wins over trending: a fast-moving market gets the smaller size, the conservative reading. */
export function detectRegime(cfg: RiskConfig, series: Record<string, Float64Array>, i: number): { regime: Regime; why: string } {
  const g: RegimeConfig = cfg.sizing.regime;
  const atr = series[seriesKeys.atr(cfg.atrPeriod)]?.[i];
  const avg = series[seriesKeys.atrAvg(cfg.atrPeriod, g.volatilityLookback)]?.[i];
  const adx = series[seriesKeys.adx(g.adxPeriod)]?.[i];
  if (atr !== undefined && avg !== undefined && Number.isFinite(atr) && avg > 0 && atr / avg >= g.volatileRatio) {
    return { regime: 'volatile', why: `ATR ${fmt(atr / avg)}× its average` };
  }
  if (adx === undefined || !Number.isFinite(adx)) return { regime: 'unknown', why: 'ADX warming up' };
  if (adx >= g.trendAdx) return { regime: 'trending', why: `ADX ${fmt(adx)}` };
  return { regime: 'ranging', why: `ADX ${fmt(adx)}` };
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return Number(n.toPrecision(a >= 1000 ? 8 : 4)).toString();
}
