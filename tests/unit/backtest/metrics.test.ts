import { describe, expect, it } from 'vitest';
import { computeMetrics, type MetricsInput } from '../../../src/backtest/metrics.js';
import type { ClosedTrade, ExitReason } from '../../../src/core/trading.js';

const D = 86_400_000;
const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function input(over: Partial<MetricsInput>): MetricsInput {
  return {
    trades: [],
    equityTimes: new Float64Array(),
    equity: new Float64Array(),
    initialBalance: 100,
    timeframe: '1d',
    exposureCandles: 0,
    feesPaid: 0,
    firstPrice: 50,
    lastPrice: 60,
    ...over,
  };
}

function days(n: number, step = D): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => T0 + i * step);
}

let seq = 0;
function trade(pnl: number, pnlPct: number, entryTime: number, holdMs: number, symbol: string, exitReason: ExitReason): ClosedTrade {
  return {
    id: `t${++seq}`,
    instanceId: 'i',
    strategy: 's',
    symbol,
    side: 'long',
    qty: 1,
    entryTime,
    exitTime: entryTime + holdMs,
    entryPrice: 100,
    exitPrice: 100 + pnl,
    pnl,
    pnlPct,
    fees: 0.1,
    exitReason,
  };
}

describe('computeMetrics on a four-day 1d equity curve 100 → 110, 99, 99, 108.9', () => {
  // Per-candle returns against the previous equity (the starting balance first): +0.1, −0.1, 0, +0.1.
  const m = computeMetrics(
    input({ equityTimes: days(4), equity: Float64Array.from([110, 99, 99, 108.9]), exposureCandles: 2, feesPaid: 3.5 }),
  );

  it('total return and final equity compare the last equity with the starting balance', () => {
    expect(m.finalEquity).toBe(108.9);
    expect(m.totalReturnPct).toBeCloseTo(8.9, 10);
  });

  it('CAGR compounds over the span length: four daily candles are 4 days', () => {
    expect(m.spanMs).toBe(4 * D);
    expect(m.cagrPct).toBeCloseTo((Math.pow(1.089, 365 / 4) - 1) * 100, 6);
  });

  it('Sharpe is mean / sample std of per-candle returns × sqrt(365) for daily candles', () => {
    // mean 0.025; squared deviations 0.075², 0.125², 0.025², 0.075² sum to 0.0275; sample var 0.0275/3.
    expect(m.sharpe).toBeCloseTo((0.025 / Math.sqrt(0.0275 / 3)) * Math.sqrt(365), 9);
    expect(m.sharpe).toBeCloseTo(4.98861, 4);
  });

  it('Sortino divides by sqrt(mean(min(r,0)²)) over all returns', () => {
    // Only −0.1 is negative: sqrt(0.01 / 4) = 0.05; 0.025 / 0.05 = 0.5.
    expect(m.sortino).toBeCloseTo(0.5 * Math.sqrt(365), 9);
  });

  it('max drawdown runs from the 110 peak to the first 99 trough', () => {
    expect(m.maxDrawdownPct).toBeCloseTo(10, 10);
    expect(m.maxDrawdownStart).toBe(T0);
    expect(m.maxDrawdownEnd).toBe(T0 + D);
    expect(m.maxDrawdownDurationMs).toBe(D);
  });

  it('Calmar is CAGR % over max drawdown %', () => {
    expect(m.calmar).toBeCloseTo(m.cagrPct! / 10, 6);
  });

  it('best and worst day come from daily UTC equity', () => {
    expect(m.bestDay).toBeCloseTo(10, 10);
    expect(m.worstDay).toBeCloseTo(-10, 10);
  });

  it('exposure is the share of span candles with a position; fees pass through; buy-and-hold uses first open and last close', () => {
    expect(m.exposurePct).toBe(50);
    expect(m.feesPaid).toBe(3.5);
    expect(m.buyHoldReturnPct).toBeCloseTo(20, 10);
  });
});

describe('computeMetrics trade statistics', () => {
  // Given out of order on purpose; by exit time the outcomes read W W L 0 L L.
  const trades = [
    trade(-15, -6, T0 + 40 * H, 2 * H, 'ETH/USDT', 'stop_loss'),
    trade(10, 5, T0, 1 * H, 'BTC/USDT', 'signal'),
    trade(-1, -0.5, T0 + 50 * H, 6 * H, 'BTC/USDT', 'signal'),
    trade(20, 8, T0 + 10 * H, 3 * H, 'ETH/USDT', 'take_profit'),
    trade(-5, -2.5, T0 + 20 * H, 1 * H, 'BTC/USDT', 'stop_loss'),
    trade(0, 0, T0 + 30 * H, 1 * H, 'BTC/USDT', 'signal'),
  ];
  const m = computeMetrics(input({ trades, equityTimes: days(3), equity: Float64Array.from([100, 100, 109]) }));

  it('counts wins (pnl > 0) and losses (pnl < 0); a zero trade is neither', () => {
    expect(m.trades).toBe(6);
    expect(m.wins).toBe(2);
    expect(m.losses).toBe(3);
    expect(m.winRatePct).toBeCloseTo(100 / 3, 10);
  });

  it('profit factor is gross profit over gross loss: 30 / 21', () => {
    expect(m.grossProfit).toBe(30);
    expect(m.grossLoss).toBe(21);
    expect(m.profitFactor).toBeCloseTo(30 / 21, 12);
  });

  it('expectancy is the mean pnl per trade; averages per winner and loser', () => {
    expect(m.expectancy).toBeCloseTo(9 / 6, 12);
    expect(m.avgWin).toBe(15);
    expect(m.avgLoss).toBe(-7);
  });

  it('best and worst trade are in percent', () => {
    expect(m.bestTrade).toBe(8);
    expect(m.worstTrade).toBe(-6);
  });

  it('streaks follow exit order and a zero trade breaks a losing streak', () => {
    expect(m.maxConsecutiveWins).toBe(2);
    expect(m.maxConsecutiveLosses).toBe(2);
  });

  it('average holding time of winners and losers', () => {
    expect(m.avgWinnerDurationMs).toBe(2 * H);
    expect(m.avgLoserDurationMs).toBe(3 * H);
  });

  it('breaks trades down per symbol and per exit reason, keys sorted', () => {
    expect(m.perSymbol).toEqual({
      'BTC/USDT': { trades: 4, pnl: 4, winRatePct: 25 },
      'ETH/USDT': { trades: 2, pnl: 5, winRatePct: 50 },
    });
    expect(Object.keys(m.perExitReason)).toEqual(['signal', 'stop_loss', 'take_profit']);
    expect(m.perExitReason.signal!.trades).toBe(3);
    expect(m.perExitReason.signal!.pnl).toBe(9);
    expect(m.perExitReason.signal!.winRatePct).toBeCloseTo(100 / 3, 10);
    expect(m.perExitReason.stop_loss).toEqual({ trades: 2, pnl: -20, winRatePct: 0 });
    expect(m.perExitReason.take_profit).toEqual({ trades: 1, pnl: 20, winRatePct: 100 });
  });
});

describe('computeMetrics edge cases', () => {
  it('no trades and flat equity: trade ratios, Sharpe, Sortino and Calmar are null; drawdown is 0', () => {
    const m = computeMetrics(input({ equityTimes: days(3), equity: Float64Array.from([100, 100, 100]) }));
    expect(m.trades).toBe(0);
    for (const k of ['winRatePct', 'profitFactor', 'expectancy', 'avgWin', 'avgLoss', 'bestTrade', 'worstTrade', 'avgWinnerDurationMs', 'avgLoserDurationMs', 'sharpe', 'sortino', 'calmar'] as const) {
      expect(m[k], k).toBeNull();
    }
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.maxDrawdownStart).toBeNull();
    expect(m.maxDrawdownEnd).toBeNull();
    expect(m.maxDrawdownDurationMs).toBe(0);
    expect(m.totalReturnPct).toBe(0);
    expect(m.cagrPct).toBe(0);
    expect(m.maxConsecutiveWins).toBe(0);
    expect(m.perSymbol).toEqual({});
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('only winning trades: profit factor and average loss are null (not Infinity), loss streak 0', () => {
    const m = computeMetrics(input({ trades: [trade(5, 5, T0, H, 'BTC/USDT', 'signal')], equityTimes: days(2), equity: Float64Array.from([100, 105]) }));
    expect(m.profitFactor).toBeNull();
    expect(m.avgLoss).toBeNull();
    expect(m.grossProfit).toBe(5);
    expect(m.maxConsecutiveLosses).toBe(0);
    expect(m.winRatePct).toBe(100);
  });

  it('a rising curve has no downside: Sortino null, Sharpe finite, Calmar null (zero drawdown)', () => {
    const m = computeMetrics(input({ equityTimes: days(3), equity: Float64Array.from([101, 103, 104]) }));
    expect(m.sortino).toBeNull();
    expect(m.sharpe).not.toBeNull();
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.calmar).toBeNull();
  });

  it('an empty span: final equity is the balance, time-based metrics are null, exposure 0', () => {
    const m = computeMetrics(input({ exposureCandles: 0 }));
    expect(m.finalEquity).toBe(100);
    expect(m.spanMs).toBe(0);
    expect(m.cagrPct).toBeNull();
    expect(m.bestDay).toBeNull();
    expect(m.worstDay).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.exposurePct).toBe(0);
  });

  it('a wiped-out account has CAGR −100 % instead of NaN', () => {
    const m = computeMetrics(input({ equityTimes: days(2), equity: Float64Array.from([50, -10]) }));
    expect(m.cagrPct).toBe(-100);
    expect(m.maxDrawdownPct).toBeCloseTo(110, 10);
  });

  it('rejects equity and times of different lengths', () => {
    expect(() => computeMetrics(input({ equityTimes: days(2), equity: Float64Array.from([1]) }))).toThrow(/length/);
  });

  it('buy-and-hold is null without a first price', () => {
    expect(computeMetrics(input({ firstPrice: 0 })).buyHoldReturnPct).toBeNull();
  });
});

describe('computeMetrics drawdown and time conventions', () => {
  it('picks the deepest drawdown, measured from the peak that precedes it', () => {
    const m = computeMetrics(input({ equityTimes: days(5), equity: Float64Array.from([100, 120, 90, 130, 91]) }));
    expect(m.maxDrawdownPct).toBeCloseTo(30, 10);
    expect(m.maxDrawdownStart).toBe(T0 + 3 * D);
    expect(m.maxDrawdownEnd).toBe(T0 + 4 * D);
  });

  it('the starting balance is the first peak', () => {
    const m = computeMetrics(input({ equityTimes: days(2), equity: Float64Array.from([95, 90]) }));
    expect(m.maxDrawdownPct).toBeCloseTo(10, 10);
    expect(m.maxDrawdownStart).toBe(T0);
    expect(m.maxDrawdownEnd).toBe(T0 + D);
  });

  it('a candle belongs to the UTC day it closes in (12h candle opening at 12:00 closes at midnight, same day)', () => {
    // Day 1 ends at 110 (+10 % on 100); day 2 ends at 104.5 (−5 % on 110).
    const m = computeMetrics(input({ timeframe: '12h', equityTimes: days(4, 12 * H), equity: Float64Array.from([105, 110, 99, 104.5]) }));
    expect(m.bestDay).toBeCloseTo(10, 10);
    expect(m.worstDay).toBeCloseTo(-5, 10);
  });

  it('annualises with the timeframe: hourly returns scale by sqrt(8760)', () => {
    const eq = Float64Array.from([110, 99, 99, 108.9]);
    const daily = computeMetrics(input({ equityTimes: days(4), equity: eq }));
    const hourly = computeMetrics(input({ timeframe: '1h', equityTimes: days(4, H), equity: eq }));
    expect(hourly.sharpe! / daily.sharpe!).toBeCloseTo(Math.sqrt(8760 / 365), 9);
    expect(hourly.spanMs).toBe(4 * H);
  });
});
