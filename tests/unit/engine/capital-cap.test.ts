// live.maxCapital: entries are sized from at most the cap, however much the account holds, and an entry
// never takes the positions past it.
import { describe, expect, it } from 'vitest';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import { EventBus } from '../../../src/engine/bus.js';
import { hourly, scripted } from '../../support/scripted-strategy.js';

const flat = hourly(Array.from({ length: 8 }, () => [100, 100, 100, 100] as [number, number, number, number]));

function run(capitalCap: number | null, pct: number) {
  const bus = new EventBus();
  const fills: number[] = [];
  bus.on('fill', (e) => fills.push(e.fill.qty * e.fill.price));
  const risk = parseConfig({ risk: { sizing: { pct }, limits: { maxPositionPct: 100, maxSymbolPct: 100, maxTotalExposurePct: 100 } } }).risk;
  const kernel = createSimulatedKernel({ account: { balance: 10_000, fee: 0, slippage: 0, allowShort: false }, risk, bus, now: () => 0, capitalCap });
  const key = { exchange: 'test', symbol: 'BTC/USDT', timeframe: '1h' as const };
  kernel.addInstance({ id: 'a', strategy: scripted({ 1: 'enter-long' }, 'a'), params: {}, key, running: true, tradeFrom: 0 });
  kernel.addInstance({ id: 'b', strategy: scripted({ 3: 'enter-long' }, 'b'), params: {}, key, running: true, tradeFrom: 0 });
  for (let i = 0; i < flat.length; i++) kernel.onCandle(key, { time: flat.time[i]!, open: 100, high: 100, low: 100, close: 100, volume: 1 });
  return { fills, exposure: kernel.portfolio.exposure() };
}

describe('capital cap (live.maxCapital)', () => {
  it('sizes from the cap, not the account: 10% of 1,000 although the account holds 10,000', () => {
    expect(run(1_000, 10).fills).toEqual([100, 100]);
    expect(run(null, 10).fills).toEqual([1_000, 1_000]);
  });

  it('an entry gets only what the cap leaves after open positions', () => {
    const r = run(1_000, 70);
    expect(r.fills[0]).toBeCloseTo(700, 6);
    expect(r.fills[1]).toBeCloseTo(300, 6);
    expect(r.exposure).toBeLessThanOrEqual(1_000 + 1e-9);
  });
});
