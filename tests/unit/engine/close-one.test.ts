// Closing one position: a `close` command with a positionId closes exactly that position, not the others on the
// same symbol (issue 15: `x` on one ETH row sold both ETH positions).
import { describe, expect, it } from 'vitest';
import { createSimulatedKernel } from '../../../src/backtest/run.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Position } from '../../../src/core/trading.js';

const T = Date.UTC(2024, 2, 1);
function position(id: string, instanceId: string, qty: number): Position {
  return { id, instanceId, symbol: 'ETH/USDT', side: 'long', qty, entryPrice: 2_000, entryTime: T, entryFee: 1, protection: {}, bestPrice: 2_100, candlesHeld: 3, lastPrice: 2_100 };
}

describe('close command', () => {
  const setup = () => {
    const config = parseConfig({});
    const kernel = createSimulatedKernel({ account: { balance: 10_000, fee: 0.001, slippage: 0, allowShort: false }, risk: config.risk, now: () => T });
    kernel.restore({
      cash: 5_000,
      feesPaid: 0,
      realisedPnl: 0,
      positions: [position('pa', 'ma-cross@binance:ETH/USDT:1h', 1), position('pb', 'rsi-macd@binance:ETH/USDT:1h', 0.5)],
      pendingOrders: [],
      trades: [],
      state: 'running',
    });
    return kernel;
  };

  it('with a positionId closes only that position', () => {
    const kernel = setup();
    const r = kernel.handle({ type: 'close', symbol: 'ETH/USDT', positionId: 'pb', by: 'keyboard' });
    expect(r).toEqual({ ok: true, message: 'closing position pb on ETH/USDT' });
    expect([...kernel.portfolio.positions.values()].map((p) => p.id)).toEqual(['pa']);
  });

  it('says when that position is no longer open', () => {
    const kernel = setup();
    kernel.handle({ type: 'close', symbol: 'ETH/USDT', positionId: 'pb', by: 'keyboard' });
    const again = kernel.handle({ type: 'close', symbol: 'ETH/USDT', positionId: 'pb', by: 'keyboard' });
    expect(again).toEqual({ ok: false, message: 'position pb on ETH/USDT is no longer open' });
    expect(kernel.portfolio.positions.size).toBe(1);
  });

  it('without a positionId still closes every position on the symbol', () => {
    const kernel = setup();
    expect(kernel.handle({ type: 'close', symbol: 'ETH/USDT', by: 'telegram' }).message).toBe('closing 2 position(s) on ETH/USDT');
    expect(kernel.portfolio.positions.size).toBe(0);
  });
});

describe('close command over the control socket', () => {
  it('keeps the positionId (a viewer attached to the background engine closes one position too)', async () => {
    const { commandSchema } = await import('../../../src/server/protocol.js');
    expect(commandSchema.parse({ type: 'close', symbol: 'ETH/USDT', positionId: 'pb', by: 'keyboard' })).toEqual({ type: 'close', symbol: 'ETH/USDT', positionId: 'pb', by: 'keyboard' });
    expect(commandSchema.parse({ type: 'close', symbol: 'ETH/USDT', by: 'telegram' })).toEqual({ type: 'close', symbol: 'ETH/USDT', by: 'telegram' });
  });
});
