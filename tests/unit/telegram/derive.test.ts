import { describe, expect, it } from 'vitest';
import { AlertDeriver, DERIVED_CATEGORIES } from '../../../src/alerts/derive.js';
import type { Fill } from '../../../src/core/trading.js';
import { instance, trade } from '../../support/fake-engine-telegram.js';

const fill: Fill = {
  id: 'f', orderId: 'o', instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy', purpose: 'entry',
  qty: 0.1, price: 100, fee: 0.01, time: 1000, reason: 'cross up', positionId: 'p',
};

describe('AlertDeriver', () => {
  it('announces an entry fill as a trade opened, with the strategy looked up by instance', () => {
    const d = new AlertDeriver({ feedDownMs: 1000, strategyOf: () => 'MA Cross' });
    const [a] = d.onEvent({ type: 'fill', fill }, 0);
    expect(a).toMatchObject({ category: 'trade', severity: 'info', time: 1000, data: { kind: 'opened', strategy: 'MA Cross', side: 'long', qty: 0.1, price: 100, reason: 'cross up' } });
  });

  it('announces a close once, from the trade, with the exit fill reason; a stop exit is category stop', () => {
    const d = new AlertDeriver({ feedDownMs: 1000 });
    expect(d.onEvent({ type: 'fill', fill: { ...fill, purpose: 'exit', side: 'sell', reason: 'stop loss at 95', exitReason: 'stop_loss' } }, 0)).toEqual([]);
    const [a] = d.onEvent({ type: 'trade', trade: trade('t', -5, { exitReason: 'stop_loss' }) }, 0);
    expect(a).toMatchObject({ category: 'stop', severity: 'warn', data: { kind: 'closed', reason: 'stop loss at 95' } });
    const [b] = d.onEvent({ type: 'trade', trade: trade('t2', 5) }, 0);
    expect(b).toMatchObject({ category: 'trade', data: { reason: 'signal' } });
  });

  it('says who started or stopped a strategy and ignores added/removed', () => {
    const d = new AlertDeriver({ feedDownMs: 1000 });
    expect(d.onEvent({ type: 'instance', instance: instance('x@b:BTC/USDT:1h'), change: 'stopped', by: 'telegram' }, 5)[0]!.message).toBe('strategy x@b:BTC/USDT:1h stopped by telegram');
    expect(d.onEvent({ type: 'instance', instance: instance('x@b:BTC/USDT:1h'), change: 'added', by: 'config' }, 5)).toEqual([]);
  });

  it('waits feedDownMs before a feed-down alert, then announces the return; a blip says nothing', () => {
    const d = new AlertDeriver({ feedDownMs: 60_000 });
    const down = { type: 'feed' as const, status: 'retrying' as const, detail: 'timeout', lastCandleTime: null };
    const up = { type: 'feed' as const, status: 'connected' as const, detail: '', lastCandleTime: null };
    expect(d.onEvent(down, 0)).toEqual([]);
    expect(d.nextDeadline()).toBe(60_000);
    expect(d.onEvent(up, 30_000)).toEqual([]);
    expect(d.nextDeadline()).toBeNull();
    d.onEvent(down, 100_000);
    expect(d.tick(159_999)).toEqual([]);
    expect(d.tick(160_000)[0]).toMatchObject({ category: 'feed', severity: 'error', message: 'market feed down for 60s: timeout' });
    expect(d.tick(200_000)).toEqual([]);
    expect(d.onEvent(up, 220_000)[0]!.message).toBe('market feed back after 120s down');
  });

  it('produces only the categories it declares as derived', () => {
    const d = new AlertDeriver({ feedDownMs: 0 });
    const cats = [
      ...d.onEvent({ type: 'fill', fill }, 0),
      ...d.onEvent({ type: 'engine', state: 'paused', reason: 'r', by: 'keyboard' }, 0),
      ...d.onEvent({ type: 'protection', protection: { name: 'n', scope: 'global', state: 'triggered', triggeredAt: 0, releasedAt: null, reason: 'r' } }, 0),
      ...d.onEvent({ type: 'feed', status: 'down', detail: '', lastCandleTime: null }, 0),
    ].map((a) => a.category);
    expect(cats).toEqual(['trade', 'engine', 'protection', 'feed']);
    for (const c of cats) expect(DERIVED_CATEGORIES.has(c)).toBe(true);
  });
});
