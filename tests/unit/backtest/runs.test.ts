import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../src/adapters/store/sqlite/db.js';
import { computeMetrics } from '../../../src/backtest/metrics.js';
import { getRun, latestRun, listRuns, packFloat64, saveRun, unpackFloat64, type RunInput } from '../../../src/backtest/runs.js';
import type { ClosedTrade } from '../../../src/core/trading.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function sampleInput(symbol = 'BTC/USDT', trades?: ClosedTrade[]): RunInput {
  // Values with no short decimal form, to prove the blobs and REAL columns are bit-exact.
  const equityTimes = Float64Array.from({ length: 5 }, (_, i) => T0 + i * H);
  const equity = Float64Array.from([10000, 10000.1 / 3, Math.PI * 1000, 9999.999999999998, 1e-300]);
  const t: ClosedTrade[] = trades ?? [
    { id: 'x', instanceId: 'i', strategy: 'ma-cross', symbol, side: 'long', qty: 0.1 / 3, entryTime: T0 + H, exitTime: T0 + 3 * H, entryPrice: 42000.123, exitPrice: 43000.987, pnl: 1 / 7, pnlPct: 2 / 9, fees: 0.00123, exitReason: 'take_profit' },
    { id: 'y', instanceId: 'i', strategy: 'ma-cross', symbol, side: 'short', qty: 2, entryTime: T0 + 3 * H, exitTime: T0 + 4 * H, entryPrice: 43000, exitPrice: 43500, pnl: -1000.5, pnlPct: -1.1, fees: 1, exitReason: 'stop_loss' },
  ];
  const result = {
    trades: t,
    equityTimes,
    equity,
    exposureCandles: 3,
    feesPaid: 1.00123,
    riskDecisions: { accepted: 2, resized: 1, rejected: 0 },
    protections: [{ name: 'cooldown', scope: symbol, state: 'triggered' as const, triggeredAt: T0 + 4 * H, releasedAt: null, reason: 'after stop' }],
    decisions: 4,
  };
  const metrics = computeMetrics({ trades: t, equityTimes, equity, initialBalance: 10000, timeframe: '1h', exposureCandles: 3, feesPaid: 1.00123, firstPrice: 42000, lastPrice: 43100 });
  return {
    strategy: 'ma-cross',
    exchange: 'binance',
    symbol,
    timeframe: '1h',
    from: T0,
    to: T0 + 5 * H,
    params: { fast: 10, slow: 30, mode: 'ema', flag: true },
    settings: { initialBalance: 10000, fee: 0.001, slippage: 0, allowShort: true, stakePct: 25, risk: { stakePct: 10, maxPositionPct: 10 }, warmupCandles: 30 },
    result,
    metrics,
    createdAt: T0 + 10 * H,
  };
}

describe('run repository', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
  });
  afterEach(() => db.close());

  it('saves a run and reads back the same params, settings, metrics, trades and equity', () => {
    const input = sampleInput();
    const id = saveRun(db, input);
    const run = getRun(db, id)!;
    expect(run.id).toBe(id);
    expect(run.createdAt).toBe(input.createdAt);
    expect(run).toMatchObject({ strategy: 'ma-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: input.from, to: input.to });
    expect(run.params).toEqual(input.params);
    expect(run.settings).toEqual(input.settings);
    expect(run.metrics).toEqual(input.metrics);
    expect(run.protections).toEqual(input.result.protections);
    expect(run.riskDecisions).toEqual(input.result.riskDecisions);
    expect(run.decisions).toBe(4);
    expect(run.exposureCandles).toBe(3);
    expect(run.feesPaid).toBe(1.00123);
    expect(run.lookahead).toBeNull();
    const strip = ({ id: _id, instanceId: _i, ...rest }: ClosedTrade) => rest;
    expect(run.trades.map(strip)).toEqual(input.result.trades.map(strip));
  });

  it('equity blobs round-trip bit for bit', () => {
    const input = sampleInput();
    const run = getRun(db, saveRun(db, input))!;
    expect(run.equity).toBeInstanceOf(Float64Array);
    expect(Array.from(run.equity)).toEqual(Array.from(input.result.equity));
    expect(Array.from(run.equityTimes)).toEqual(Array.from(input.result.equityTimes));
    expect(Buffer.from(run.equity.buffer).equals(Buffer.from(input.result.equity.buffer))).toBe(true);
  });

  it('packs Float64 little-endian and rejects a blob of the wrong size', () => {
    const b = packFloat64(Float64Array.of(1));
    expect([...b]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(() => unpackFloat64(Buffer.alloc(7))).toThrow(/multiple of 8/);
  });

  it('stores a run with no trades and an empty curve', () => {
    const input = sampleInput('ETH/USDT', []);
    input.result = { ...input.result, equity: new Float64Array(), equityTimes: new Float64Array() };
    const run = getRun(db, saveRun(db, input))!;
    expect(run.trades).toEqual([]);
    expect(run.equity.length).toBe(0);
  });

  it('writes nothing when a trade row fails (one transaction)', () => {
    const input = sampleInput();
    const bad = { ...input.result.trades[0]!, exitReason: null as unknown as 'signal' };
    input.result = { ...input.result, trades: [input.result.trades[0]!, bad] };
    expect(() => saveRun(db, input)).toThrow();
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM run_trades').pluck().get()).toBe(0);
  });

  it('latestRun is the newest, listRuns is newest first and honours the limit, unknown id is null', () => {
    expect(latestRun(db)).toBeNull();
    const a = saveRun(db, sampleInput('BTC/USDT'));
    const b = saveRun(db, sampleInput('ETH/USDT'));
    const c = saveRun(db, sampleInput('SOL/USDT'));
    expect(latestRun(db)!.id).toBe(c);
    expect(listRuns(db).map((r) => r.id)).toEqual([c, b, a]);
    expect(listRuns(db, 2).map((r) => r.symbol)).toEqual(['SOL/USDT', 'ETH/USDT']);
    expect(listRuns(db)[0]!.metrics.trades).toBe(2);
    expect(getRun(db, 999)).toBeNull();
  });

  it('keeps the lookahead outcome', () => {
    const input = { ...sampleInput(), lookahead: { checkedCuts: 3, differences: [{ index: 5, time: T0, cutAt: 6, full: null, cut: { action: 'exit', reason: 'x' } }], truncated: false } };
    expect(getRun(db, saveRun(db, input))!.lookahead).toEqual(input.lookahead);
  });

  it('a large run (curves of over 1,000,000 values) is written with a small page cache, and the connection keeps its own', () => {
    const input = sampleInput();
    const n = 300_000;
    const equity = Float64Array.from({ length: n }, (_, i) => 10000 + Math.sin(i) / 3);
    const result = { ...input.result, equityTimes: Float64Array.from({ length: n }, (_, i) => T0 + i * H), equity, cash: equity.map((v) => v / 2), exposure: equity.map((v) => v / 7) };
    db.pragma('cache_size = -16000');
    const id = saveRun(db, { ...input, result });
    expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
    const run = getRun(db, id)!;
    expect(run.equity).toEqual(equity);
    expect(run.exposure).toEqual(result.exposure);
    expect(run.cash).toEqual(result.cash);
  });
});
