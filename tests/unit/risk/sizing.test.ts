import { describe, expect, it } from 'vitest';
import { kellyFraction } from '../../../src/engine/risk/sizing.js';
import { seriesKeys } from '../../../src/engine/risk/series.js';
import { createRiskLayer } from '../../../src/engine/risk/index.js';
import { at0, cfg, intent, position, trade } from './helpers.js';

const wide = { limits: { maxPositionPct: 100, maxSymbolPct: 100 } };

describe('sizing modes', () => {
  it('percent: 10% of equity by default, accepted as asked', () => {
    const v = createRiskLayer(cfg()).vetEntry(intent());
    expect(v.verdict).toBe('accepted');
    expect(v.quote).toBeCloseTo(1000, 9);
    expect(v.requested).toBeCloseTo(1000, 9);
    expect(v.reason).toContain('percent 10% of equity');
  });

  it('fixed: the configured quote amount whatever the equity', () => {
    const v = createRiskLayer(cfg({ sizing: { mode: 'fixed', quote: 250 } })).vetEntry(intent({ equity: 50_000, cash: 50_000 }));
    expect(v.quote).toBe(250);
    expect(v.verdict).toBe('accepted');
  });

  it('atr: size = equity × risk% ÷ (ATR × multiple), in units at the price', () => {
    const c = cfg({ sizing: { mode: 'atr', riskPct: 1, atrMultiple: 2 }, ...wide });
    // 10,000 × 1% = 100 at risk over 2 × ATR 2.5 = 5 per unit → 20 units × price 100 = 2,000 quote
    const v = createRiskLayer(c).vetEntry(intent({ series: at0(seriesKeys.atr(14), 2.5) }));
    expect(v.quote).toBeCloseTo(2000, 9);
    // and the stop sits at the risked distance: a stop-out loses 1% of equity
    expect(v.protection.stop).toBeCloseTo(95, 9);
  });

  it('atr: refused while ATR is still warming up', () => {
    const v = createRiskLayer(cfg({ sizing: { mode: 'atr' } })).vetEntry(intent({ series: at0(seriesKeys.atr(14), NaN) }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toMatch(/ATR\(14\) not available/);
  });

  it('kelly: off (percent sizing) until enough closed trades exist', () => {
    const c = cfg({ sizing: { mode: 'kelly', pct: 5, kelly: { minTrades: 4 } } });
    const v = createRiskLayer(c).vetEntry(intent({ instanceTrades: [trade({ pnl: 10, pnlPct: 10 })] }));
    expect(v.quote).toBeCloseTo(500, 9);
    expect(v.reason).toContain('kelly off until 4 closed trades (have 1)');
  });

  it('kelly: f* = W − (1−W)/R × fraction, capped at maxPct', () => {
    // 3 wins of +10%, 1 loss of −10%: W = 0.75, R = 1 → f* = 0.5; half Kelly = 25%; cap 20%
    const trades = [10, 10, 10, -10].map((p) => trade({ pnl: p, pnlPct: p }));
    expect(kellyFraction(trades)).toBeCloseTo(0.5, 12);
    const c = cfg({ sizing: { mode: 'kelly', kelly: { minTrades: 4, fraction: 0.5, maxPct: 20 } }, ...wide });
    const v = createRiskLayer(c).vetEntry(intent({ instanceTrades: trades }));
    expect(v.quote).toBeCloseTo(2000, 9);
    expect(v.reason).toContain('capped at 20%');
    const uncapped = createRiskLayer(cfg({ sizing: { mode: 'kelly', kelly: { minTrades: 4, fraction: 0.25, maxPct: 20 } }, ...wide })).vetEntry(intent({ instanceTrades: trades }));
    expect(uncapped.quote).toBeCloseTo(1250, 9);
  });

  it('kelly: refuses when the record shows no edge', () => {
    const trades = [5, -10, -10, -10].map((p) => trade({ pnl: p, pnlPct: p }));
    const v = createRiskLayer(cfg({ sizing: { mode: 'kelly', kelly: { minTrades: 4 } } })).vetEntry(intent({ instanceTrades: trades }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toMatch(/no edge/);
  });

  it('confidence: scales the base percent by the signal confidence and refuses below the minimum', () => {
    const layer = createRiskLayer(cfg({ sizing: { mode: 'confidence', pct: 10, minConfidence: 0.3 } }));
    expect(layer.vetEntry(intent({ decision: { action: 'enter-long', reason: 'ml', confidence: 0.5 } })).quote).toBeCloseTo(500, 9);
    const low = layer.vetEntry(intent({ decision: { action: 'enter-long', reason: 'ml', confidence: 0.2 } }));
    expect(low.verdict).toBe('rejected');
    expect(low.reason).toContain('below minimum 0.3');
    expect(layer.vetEntry(intent()).quote).toBeCloseTo(1000, 9);
  });

  it('regime: trending × 1.5, volatile × 0.6 (volatile wins), ranging × 1, from ATR/ADX', () => {
    const c = cfg({ sizing: { mode: 'regime', pct: 10 }, ...wide });
    const layer = createRiskLayer(c);
    const g = c.sizing.regime;
    const s = (atr: number, avg: number, adx: number) => ({
      [seriesKeys.atr(14)]: Float64Array.of(atr),
      [seriesKeys.atrAvg(14, g.volatilityLookback)]: Float64Array.of(avg),
      [seriesKeys.adx(g.adxPeriod)]: Float64Array.of(adx),
    });
    expect(layer.vetEntry(intent({ series: s(1, 1, 30) })).quote).toBeCloseTo(1500, 9);
    expect(layer.vetEntry(intent({ series: s(2, 1, 30) })).quote).toBeCloseTo(600, 9);
    const ranging = layer.vetEntry(intent({ series: s(1, 1, 15) }));
    expect(ranging.quote).toBeCloseTo(1000, 9);
    expect(ranging.reason).toContain('regime ranging');
  });

  it('regime: compute() provides ATR, its average and ADX from candles', () => {
    const n = 300;
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    const close = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      close[i] = 100 + i;
      high[i] = close[i]! + 1;
      low[i] = close[i]! - 1;
    }
    const layer = createRiskLayer(cfg({ sizing: { mode: 'regime' } }));
    const series = layer.compute({ length: n, time: new Float64Array(n), open: close, high, low, close, volume: new Float64Array(n) });
    expect(Object.keys(series).sort()).toEqual(['adx14', 'atr14', 'atr14avg100']);
    expect(series.atr14![n - 1]).toBeCloseTo(2, 6);
    // a steady climb is a strong trend
    const v = layer.vetEntry(intent({ series, index: n - 1 }));
    expect(v.reason).toContain('regime trending');
    expect(createRiskLayer(cfg()).compute({ length: n, time: new Float64Array(n), open: close, high, low, close, volume: new Float64Array(n) })).toEqual({});
  });

  it('a decision or strategy size multiplier scales the size before the clips', () => {
    const layer = createRiskLayer(cfg({ limits: { maxPositionPct: 15 } }));
    const v = layer.vetEntry(intent({ decision: { action: 'enter-long', reason: 'x', sizeMultiplier: 2 } }));
    expect(v.requested).toBeCloseTo(2000, 9);
    expect(v.quote).toBeCloseTo(1500, 9);
    expect(v.verdict).toBe('resized');
  });
});

describe('clips every size', () => {
  it('max position size % of equity (default 10%)', () => {
    const v = createRiskLayer(cfg({ sizing: { pct: 30 } })).vetEntry(intent());
    expect(v.verdict).toBe('resized');
    expect(v.quote).toBeCloseTo(1000, 9);
    expect(v.reason).toContain('clipped to 1000 by max position 10% of equity');
  });

  it('--stake-pct P sizes P% and lifts the max position (and per-symbol) clip to P', () => {
    const v = createRiskLayer(cfg({ sizing: { mode: 'fixed' } }), { stakePct: 40 }).vetEntry(intent());
    expect(v.verdict).toBe('accepted');
    expect(v.quote).toBeCloseTo(4000, 9);
  });

  it('max total exposure: only the headroom left is granted', () => {
    const c = cfg({ sizing: { pct: 10 }, limits: { maxTotalExposurePct: 50 } });
    const v = createRiskLayer(c).vetEntry(intent({ positions: [position('ETH/USDT', 1000), position('SOL/USDT', 1000), position('BNB/USDT', 2400)] }));
    expect(v.verdict).toBe('resized');
    expect(v.quote).toBeCloseTo(600, 9);
    expect(v.reason).toContain('max total exposure 50%');
  });

  it('max open positions refuses the next entry', () => {
    const v = createRiskLayer(cfg({ limits: { maxOpenPositions: 2 } })).vetEntry(intent({ positions: [position('ETH/USDT', 100), position('SOL/USDT', 100)] }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toBe('max open positions 2 reached');
  });

  it('per-symbol concentration counts other instances on the same symbol', () => {
    const v = createRiskLayer(cfg({ limits: { maxSymbolPct: 15 } })).vetEntry(intent({ positions: [position('BTC/USDT', 1000)] }));
    expect(v.quote).toBeCloseTo(500, 9);
    expect(v.reason).toContain('max 15% of equity on BTC/USDT');
  });

  it('entries still working (reserved by the execution layer) share the limits until they are done, not one candle', () => {
    const layer = createRiskLayer(cfg({ limits: { maxOpenPositions: 1 } }));
    expect(layer.vetEntry(intent({ instanceId: 'a' })).verdict).toBe('accepted');
    const working = [{ instanceId: 'a', symbol: 'BTC/USDT', side: 'long' as const, quote: 1000 }];
    expect(layer.vetEntry(intent({ instanceId: 'b', symbol: 'ETH/USDT', reserved: working })).verdict).toBe('rejected');
    // a candle later the entry is still working: it still counts
    const later = intent().time + 3_600_000;
    expect(layer.vetEntry(intent({ instanceId: 'b', symbol: 'ETH/USDT', time: later, reserved: working })).verdict).toBe('rejected');
    // filled: it is a position now
    expect(layer.vetEntry(intent({ instanceId: 'b', symbol: 'ETH/USDT', time: later, positions: [position('BTC/USDT', 1000, 'a')] })).verdict).toBe('rejected');
    // ended without a fill: nothing held any more
    expect(layer.vetEntry(intent({ instanceId: 'b', symbol: 'ETH/USDT', time: later })).verdict).toBe('accepted');
  });

  it('a working entry counts in the total exposure limit', () => {
    const layer = createRiskLayer(cfg({ limits: { maxTotalExposurePct: 50, maxPositionPct: 40 } }));
    const v = layer.vetEntry(intent({ instanceId: 'b', symbol: 'ETH/USDT', reserved: [{ instanceId: 'a', symbol: 'BTC/USDT', side: 'long', quote: 4500 }] }));
    expect(v.verdict).toBe('resized');
    expect(v.granted).toBeCloseTo(500, 9);
    expect(v.reason).toContain('max total exposure 50%');
  });

  it('a long never spends more than the cash there is', () => {
    const v = createRiskLayer(cfg()).vetEntry(intent({ cash: 300 }));
    expect(v.quote).toBeCloseTo(300, 9);
    expect(v.reason).toContain('cash available');
  });

  it('the exchange minimum notional refuses a too-small order (config or market rules)', () => {
    const v = createRiskLayer(cfg({ limits: { minNotional: 10 } })).vetEntry(intent({ equity: 90, cash: 90 }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toContain('below the exchange minimum 10');
    const market = createRiskLayer(cfg(), { markets: () => ({ minNotional: 2000 }) }).vetEntry(intent());
    expect(market.verdict).toBe('rejected');
  });

  it('the exchange amount step rounds the quantity down and the order is sized in units', () => {
    const v = createRiskLayer(cfg({ limits: { amountStep: 0.3 } })).vetEntry(intent({ price: 100 }));
    // 1000 / 100 = 10 units → 9.9 at step 0.3
    expect(v.qty).toBeCloseTo(9.9, 12);
    expect(v.quote).toBeUndefined();
    expect(v.granted).toBeCloseTo(990, 9);
    const tooSmall = createRiskLayer(cfg({ limits: { amountStep: 20, minNotional: 0 } })).vetEntry(intent());
    expect(tooSmall.verdict).toBe('rejected');
  });

  it('no equity, no entry', () => {
    expect(createRiskLayer(cfg()).vetEntry(intent({ equity: 0 })).verdict).toBe('rejected');
  });
});

describe('per-instance overrides', () => {
  it('an instance override changes sizing for that instance only', () => {
    const layer = createRiskLayer(cfg(), { instances: { fast: { sizing: { mode: 'fixed', quote: 50 } } } });
    expect(layer.vetEntry(intent({ instanceId: 'fast' })).quote).toBe(50);
    expect(layer.vetEntry(intent({ instanceId: 'other' })).quote).toBeCloseTo(1000, 9);
    layer.setInstanceRisk!('fast', undefined);
    expect(layer.vetEntry(intent({ instanceId: 'fast', time: intent().time + 1 })).quote).toBeCloseTo(1000, 9);
  });
});

describe('verdicts when no one reads their reason (a backtest without a risk listener)', () => {
  const settings: Array<[string, Parameters<typeof cfg>[0]]> = [
    ['percent sizing, every exit kind', { sizing: { mode: 'percent', pct: 10 }, exits: { stopLossPct: 2, takeProfitPct: 5, trailingPct: 1.5, breakEvenPct: 1, maxCandles: 30 } }],
    ['atr sizing and stops', { sizing: { mode: 'atr', riskPct: 1, atrMultiple: 2 }, exits: { atrStopMultiple: 2, trailingAtrMultiple: 3 } }],
    ['clipped by the position cap', { sizing: { mode: 'percent', pct: 80 }, limits: { maxPositionPct: 20 } }],
    ['fixed size with a multiplier', { sizing: { mode: 'fixed', quote: 500 } }],
  ];
  it.each(settings)('%s: the same verdict, size and exits, without the text', (_, over) => {
    const series = { [seriesKeys.atr(14)]: Float64Array.of(2.5) };
    const base = intent({ series, decision: { action: 'enter-long', reason: 'test', sizeMultiplier: 1.5 } });
    const told = createRiskLayer(cfg(over)).vetEntry(base);
    const quiet = createRiskLayer(cfg(over)).vetEntry({ ...base, explain: false });
    expect(told.verdict).not.toBe('rejected');
    expect(told.reason).not.toBe('');
    expect(quiet).toEqual({ ...told, reason: '' });
  });

  it('a refusal still says why', () => {
    const v = createRiskLayer(cfg({ limits: { maxOpenPositions: 1 } })).vetEntry(intent({ positions: [position('ETH/USDT', 100)], explain: false }));
    expect(v.verdict).toBe('rejected');
    expect(v.reason).toMatch(/max open positions 1/);
  });
});
