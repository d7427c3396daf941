// Golden numbers: each built-in strategy with its default parameters and the default risk settings over 2023
// of the shipped real BTC/USDT 1h candles (300 warm-up candles before it), 10,000 balance, 0.1% fee, 0.05%
// slippage. A change to the engine, the broker, the portfolio, the risk layer or a strategy that moves any of
// these numbers changes what a trader was told: it must be deliberate, and this file updated with the reason.
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { seriesSlice } from '../../../src/core/candle.js';
import { builtinStrategies } from '../../../src/strategy/registry.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { loadCsvSeries } from '../../support/candles.js';

interface Golden {
  trades: number;
  finalEquity: number;
  fees: number;
  /** First trade: entry time, quantity, P&L. */
  first: [number, number, number];
  /** Last trade: exit time, quantity, P&L. */
  last: [number, number, number];
  decisions: number;
  risk: { accepted: number; resized: number; rejected: number };
}

const GOLDEN: Record<string, Golden> = {
  'ma-cross': { trades: 178, finalEquity: 10208.809341682736, fees: 362.6094745660342, first: [1672599600000, 0.060182067651332515, 5.345240015775082], last: [1704063600000, 0.02404942269421555, -6.1223120093529175], decisions: 355, risk: { accepted: 178, resized: 0, rejected: 0 } },
  'rsi-macd': { trades: 286, finalEquity: 9543.14624252885, fees: 558.6393763583551, first: [1672574400000, 0.06030816288592843, 6.564661696741554], last: [1704060000000, 0.02254455502212316, 3.176528569808574], decisions: 572, risk: { accepted: 286, resized: 0, rejected: 0 } },
  'adaptive-ema': { trades: 157, finalEquity: 10169.627270472309, fees: 321.3549103289305, first: [1672588800000, 0.060300623787388034, 2.124770418911165], last: [1704063600000, 0.023893199913701944, -9.09736326690775], decisions: 313, risk: { accepted: 157, resized: 0, rejected: 0 } },
  enhanced: { trades: 316, finalEquity: 9455.218138033848, fees: 615.3813604942746, first: [1672578000000, 0.0602913026779276, -3.819053499876411], last: [1704060000000, 0.02222513753041479, -12.896458845383009], decisions: 571, risk: { accepted: 316, resized: 0, rejected: 0 } },
  'bollinger-reversion': { trades: 89, finalEquity: 9700.76194215843, fees: 174.26992111778983, first: [1673006400000, 0.05965214515112461, 3.0417696991588823], last: [1703941200000, 0.023166015246185896, 1.3481461864797453], decisions: 178, risk: { accepted: 89, resized: 0, rejected: 0 } },
  'high-risk': { trades: 351, finalEquity: 9278.738878997166, fees: 680.8879527085966, first: [1672574400000, 0.06030816288592843, 3.996977655613742], last: [1704063600000, 0.02193352260397194, -2.6659283718121842], decisions: 607, risk: { accepted: 0, resized: 351, rejected: 0 } },
};

const WARMUP = 300;

function year2023() {
  const all = loadCsvSeries('binance_BTCUSDT_1h.csv');
  let from = 0;
  while (all.time[from]! < Date.parse('2023-01-01T00:00:00Z')) from++;
  let to = from;
  while (to < all.length && all.time[to]! < Date.parse('2024-01-01T00:00:00Z')) to++;
  return seriesSlice(all, from - WARMUP, to);
}

describe('golden numbers of the built-in strategies on real BTC/USDT 1h candles, 2023', () => {
  const candles = year2023();
  const config = parseConfig({});
  const strategies = builtinStrategies().filter((s) => s.name in GOLDEN);

  it('covers the original six built-ins', () => {
    expect(strategies.map((s) => s.name).sort()).toEqual(Object.keys(GOLDEN).sort());
  });

  it.each(Object.entries(GOLDEN))('%s', (name, golden) => {
    const strategy = strategies.find((s) => s.name === name)!;
    const r = runBacktest({
      strategy,
      params: resolveParams(strategy),
      key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' },
      candles,
      tradeFrom: WARMUP,
      account: { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: config.account.allowShort },
      risk: config.risk,
    });
    const first = r.trades[0]!;
    const last = r.trades[r.trades.length - 1]!;
    expect({ trades: r.trades.length, decisions: r.decisions, risk: r.riskDecisions }).toEqual({ trades: golden.trades, decisions: golden.decisions, risk: golden.risk });
    expect(r.equity[r.equity.length - 1]).toBeCloseTo(golden.finalEquity, 6);
    expect(r.feesPaid).toBeCloseTo(golden.fees, 6);
    expect(first.entryTime).toBe(golden.first[0]);
    expect(first.qty).toBeCloseTo(golden.first[1], 12);
    expect(first.pnl).toBeCloseTo(golden.first[2], 8);
    expect(last.exitTime).toBe(golden.last[0]);
    expect(last.qty).toBeCloseTo(golden.last[1], 12);
    expect(last.pnl).toBeCloseTo(golden.last[2], 8);
  });
});
