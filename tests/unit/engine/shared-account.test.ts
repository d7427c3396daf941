import { describe, expect, it } from 'vitest';
import { runPortfolioBacktest } from '../../../src/backtest/portfolio.js';
import { parseConfig } from '../../../src/config/load.js';
import { seriesFromCandles, type Candle } from '../../../src/core/candle.js';
import { EventBus } from '../../../src/engine/bus.js';
import { scripted } from '../../support/scripted-strategy.js';

const H = 3_600_000;
const t0 = Date.UTC(2024, 0, 1);

/** Flat hourly candles at 100 from `start`: exposure moves only with entries. */
function flat(start: number, n: number) {
  const rows: Candle[] = [];
  for (let i = 0; i < n; i++) rows.push({ time: start + i * H, open: 100, high: 100, low: 100, close: 100, volume: 1 });
  return seriesFromCandles(rows);
}

describe('one account, two markets (40% entries, 50% total exposure limit)', () => {
  it('keeps exposure within the limit at every candle: an entry pending on the other market is reserved', () => {
    const risk = parseConfig({ risk: { sizing: { pct: 40 }, limits: { maxPositionPct: 40, maxSymbolPct: 40, maxTotalExposurePct: 50 } } }).risk;
    const bus = new EventBus();
    const samples: Array<{ time: number; ratio: number }> = [];
    const risks: string[] = [];
    bus.on('equity', (e) => samples.push({ time: e.time, ratio: e.exposure / e.equity }));
    bus.on('risk', (e) => risks.push(`${e.instanceId} ${e.verdict}: ${e.reason}`));
    // BTC candles open on the hour, ETH's half an hour later: ETH decides while BTC's entry waits for its open.
    const r = runPortfolioBacktest({
      strategy: scripted({ 2: 'enter-long' }),
      params: {},
      markets: [
        { key: { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' }, candles: flat(t0, 8), tradeFrom: 0 },
        { key: { exchange: 'test', symbol: 'ETH/USDT', timeframe: '1h' }, candles: flat(t0 + H / 2, 8), tradeFrom: 0 },
      ],
      account: { balance: 10_000, fee: 0.001, slippage: 0, allowShort: false },
      risk,
      bus,
    });
    expect(samples.length).toBeGreaterThan(10);
    for (const s of samples) expect(s.ratio, `exposure at ${new Date(s.time).toISOString()}`).toBeLessThanOrEqual(0.5 + 1e-9);
    // Both entries happened: the second was resized to the headroom the first left, and says why.
    expect(r.riskDecisions).toMatchObject({ accepted: 1, resized: 1, rejected: 0 });
    expect(risks[1]).toMatch(/clipped to 1000 by max total exposure 50% of equity/);
    expect(Math.max(...samples.map((s) => s.ratio))).toBeGreaterThan(0.49);
    expect(r.trades).toHaveLength(2);
  });
});
