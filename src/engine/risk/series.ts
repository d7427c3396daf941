// The indicator series the risk layer reads (ATR for ATR sizing/stops/trailing, ADX and the ATR's own
// average for the regime), computed once per candle buffer like a strategy's, and only those some
// configuration in force needs: percent sizing with fixed stops costs nothing here.
import type { RiskConfig } from './schema.js';
import type { CandleSeries } from '../../core/candle.js';
import { fromFirstFinite, type Indicators } from '../../strategy/indicators.js';

export const seriesKeys = {
  atr: (period: number) => `atr${period}`,
  adx: (period: number) => `adx${period}`,
  atrAvg: (period: number, lookback: number) => `atr${period}avg${lookback}`,
};

export function needsAtr(cfg: RiskConfig): boolean {
  return cfg.sizing.mode === 'atr' || cfg.sizing.mode === 'regime' || cfg.exits.atrStopMultiple !== null || cfg.exits.trailingAtrMultiple !== null;
}

export function computeRiskSeries(configs: Iterable<RiskConfig>, c: CandleSeries, ta: Indicators): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const atr = (period: number): Float64Array => {
    const k = seriesKeys.atr(period);
    return (out[k] ??= c.length > period ? ta.atr(c.high, c.low, c.close, period) : new Float64Array(c.length).fill(NaN));
  };
  for (const cfg of configs) {
    if (needsAtr(cfg)) atr(cfg.atrPeriod);
    if (cfg.sizing.mode === 'regime') {
      const g = cfg.sizing.regime;
      const ak = seriesKeys.atrAvg(cfg.atrPeriod, g.volatilityLookback);
      out[ak] ??= fromFirstFinite(atr(cfg.atrPeriod), (v) =>
        v.length >= g.volatilityLookback ? ta.sma(v, g.volatilityLookback) : new Float64Array(v.length).fill(NaN),
      );
      const dk = seriesKeys.adx(g.adxPeriod);
      out[dk] ??= c.length >= 2 * g.adxPeriod ? ta.adx(c.high, c.low, c.close, g.adxPeriod) : new Float64Array(c.length).fill(NaN);
    }
  }
  return out;
}
