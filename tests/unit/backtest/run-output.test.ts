// The backtest command's store-and-print path: a stored run is returned as `getRun` would read it back
// (without reading it back), and `--json` streams the equity curves byte for byte as JSON.stringify would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../src/adapters/store/sqlite/db.js';
import { backtestAndStore } from '../../../src/backtest/record.js';
import { runJson, writeRunsJson } from '../../../src/backtest/report.js';
import { getRun, type StoredRun } from '../../../src/backtest/runs.js';
import { parseConfig } from '../../../src/config/load.js';
import { seriesSlice } from '../../../src/core/candle.js';
import { builtinStrategies } from '../../../src/strategy/registry.js';
import { resolveParams } from '../../../src/strategy/params.js';
import { loadCsvSeries } from '../../support/candles.js';

const M = 60_000;

function storedRun(id: number, times: number[], equity: number[], opts: { cash?: number[] | null; exposure?: number[] | null; lookahead?: boolean } = {}): StoredRun {
  const n = times.length;
  return {
    id,
    createdAt: 1_700_000_000_000,
    strategy: 'ma-cross',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    from: times[0] ?? 0,
    to: (times[n - 1] ?? 0) + M,
    params: { fast: 10, slow: 30, mode: 'ema' },
    settings: { initialBalance: 1000, fee: 0.001, slippage: 0, allowShort: false, stakePct: null, risk: {}, warmupCandles: 3 },
    metrics: { finalEquity: equity[n - 1] ?? 1000, sharpe: null, profitFactor: Infinity, maxDrawdownStart: null, maxDrawdownEnd: null } as unknown as StoredRun['metrics'],
    trades: [{ id: 'a', instanceId: 'i', strategy: 'ma-cross', symbol: 'BTC/USDT', side: 'long', qty: 0.1 / 3, entryTime: times[0] ?? 0, exitTime: times[1] ?? 0, entryPrice: 100.5, exitPrice: 101, pnl: 1 / 7, pnlPct: 0.5, fees: 0.01, exitReason: 'signal' }],
    equityTimes: Float64Array.from(times),
    equity: Float64Array.from(equity),
    cash: opts.cash === null ? null : Float64Array.from(opts.cash ?? equity),
    exposure: opts.exposure === null ? null : Float64Array.from(opts.exposure ?? equity.map(() => 0)),
    exposureCandles: 1,
    feesPaid: 0.01,
    riskDecisions: { accepted: 1, resized: 0, rejected: 0 },
    protections: [{ name: 'cooldown', scope: 'BTC/USDT', state: 'triggered', triggeredAt: times[0] ?? 0, releasedAt: null, reason: 'after stop' }],
    decisions: 2,
    lookahead: opts.lookahead ? { checkedCuts: 4, differences: [{ index: 1, time: times[1] ?? 0, cutAt: 2, full: 'long', cut: null }], truncated: false } : null,
  };
}

function streamed(runs: StoredRun[], extra: Record<string, unknown> = {}): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeRunsJson(runs, extra, (c) => chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')));
  return { text: chunks.join(''), chunks: chunks.length };
}

const expected = (runs: StoredRun[], extra: Record<string, unknown> = {}): string => `${JSON.stringify({ runs: runs.map(runJson), ...extra }, null, 2)}\n`;

describe('streamed --json output', () => {
  it('equals JSON.stringify of runJson across days, repeats, NaN, -0, nulls and several runs', () => {
    // Three days of minutes with a gap, odd milliseconds, flat stretches (repeated values) and odd values.
    const t0 = Date.UTC(2024, 1, 28, 23, 58, 59, 7);
    const times = Array.from({ length: 6 * 1440 }, (_, i) => t0 + i * M + (i > 2000 ? 37 * M : 0));
    const equity = times.map((_, i) => (i % 500 < 250 ? 1000 : 1000 + Math.sin(i) / 3));
    equity[5] = NaN;
    equity[6] = -0;
    equity[7] = Infinity;
    const cash = equity.map((e, i) => (i % 500 < 250 ? e : 500.1));
    const exposure = equity.map((e, i) => e - cash[i]!);
    const runs = [
      storedRun(1, times, equity, { cash, exposure, lookahead: true }),
      storedRun(2, times.slice(0, 3), [1, 2, 3], { cash: null, exposure: null }),
      storedRun(3, [], []),
    ];
    const extra = { mlBaselines: [{ run: 1, strategy: 'ml-classifier', symbol: 'BTC/USDT', totalReturnPct: 1.5, buyHoldReturnPct: null, randomSignals: null }] };
    const out = streamed(runs, extra);
    expect(out.text).toBe(expected(runs, extra));
    expect(out.chunks).toBeGreaterThan(2);
  });

  it('prints times outside the usual years exactly as Date does', () => {
    const times = [-86_400_000 * 3 + 5, -1, 0, 1, 253_402_300_799_999, 253_402_300_800_000, 8.64e15 - M];
    const runs = [storedRun(4, times, times.map((_, i) => i))];
    expect(streamed(runs).text).toBe(expected(runs));
  });
});

describe('backtestAndStore', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.close());

  it('returns the run exactly as getRun reads it back', () => {
    const all = loadCsvSeries('binance_BTCUSDT_1h.csv');
    const candles = seriesSlice(all, 0, 5000);
    const strategy = builtinStrategies().find((s) => s.name === 'rsi-macd')!;
    const config = parseConfig({});
    const spec = {
      strategy,
      params: resolveParams(strategy),
      key: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' as const },
      candles,
      tradeFrom: 100,
      account: { balance: 10_000, fee: 0.001, slippage: 0.0005, allowShort: false },
      risk: config.risk,
    };
    const lookahead = { checkedCuts: 3, guardedDecisions: 10, isolated: true, ms: 12.5, differences: [], truncated: false };
    const { id, run } = backtestAndStore(db, spec, { lookahead });
    expect(run.trades.length).toBeGreaterThan(2 * 64); // several insert batches and a remainder
    const read = getRun(db, id)!;
    expect(run).toEqual(read);
    expect(run.equity).toEqual(read.equity);
    expect(expected([run])).toBe(expected([read]));
  });
});
