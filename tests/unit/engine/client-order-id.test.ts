// Client order ids are how an exchange (and a restart) recognise an intent: hashing the parts one by one (no
// joined string per order, the backtest hot path) must give exactly the ids the joined identity string gave.
import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../../src/engine/execution.js';
import type { OrderRequest } from '../../../src/core/trading.js';

/** The id as first specified: FNV-1a (two seeds) over the joined identity string. */
function reference(req: Omit<OrderRequest, 'id' | 'clientId'>, prefix = 'tt'): string {
  const identity = `${req.instanceId}|${req.purpose}|${req.side}|${req.positionId ?? ''}|${req.exitReason ?? ''}|${req.createdAt}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < identity.length; i++) {
    const c = identity.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  const hex8 = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `${prefix}-${Math.max(0, Math.floor(req.createdAt)).toString(36)}-${hex8(a)}${hex8(b)}`;
}

describe('clientOrderId', () => {
  it('equals the joined-string hash for entries, exits, odd names and times', () => {
    const base = { symbol: 'BTC/USDT', type: 'market', qty: 1, reason: 'x' } as const;
    const reqs: Array<Omit<OrderRequest, 'id' | 'clientId'>> = [
      { ...base, instanceId: 'ma-cross:binance:BTC/USDT:1h', purpose: 'entry', side: 'buy', createdAt: 1_700_000_000_000 },
      { ...base, instanceId: 'ma-cross:binance:BTC/USDT:1h', purpose: 'exit', side: 'sell', positionId: 'p12', exitReason: 'stop_loss', createdAt: 1_700_000_060_000 },
      { ...base, instanceId: 'é—ünïcødé 🚀', purpose: 'exit', side: 'buy', positionId: '', exitReason: 'signal', createdAt: 0 },
      { ...base, instanceId: 'i', purpose: 'entry', side: 'sell', createdAt: 1.5 },
      { ...base, instanceId: 'i', purpose: 'entry', side: 'sell', createdAt: -5 },
      { ...base, instanceId: '', purpose: 'exit', side: 'sell', positionId: 'x'.repeat(300), createdAt: 253_402_300_799_999 },
      // Times are fed digit by digit without a string: the edges of that.
      ...[9, 10, 99, 100, 1e15, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e21, NaN].map((createdAt) => ({ ...base, instanceId: 'i', purpose: 'entry' as const, side: 'buy' as const, createdAt })),
    ];
    for (const r of reqs) {
      expect(clientOrderId(r)).toBe(reference(r));
      expect(clientOrderId(r, 'ab12')).toBe(reference(r, 'ab12'));
    }
    // Hex digits keep their leading zeros.
    for (let t = 0; t < 2000; t++) {
      const r = { ...reqs[0]!, createdAt: 1_700_000_000_000 + t * 60_000 };
      expect(clientOrderId(r)).toBe(reference(r));
    }
  });
});
