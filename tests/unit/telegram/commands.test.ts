import { describe, expect, it } from 'vitest';
import { normaliseSymbol, resolveInstance, runCommand } from '../../../src/adapters/notify/telegram/commands.js';
import { backoffMs } from '../../../src/adapters/notify/telegram/sender.js';
import { FakeEngine, instance } from '../../support/fake-engine-telegram.js';

const list = [instance('ma-cross@binance:BTC/USDT:1h'), instance('ma-cross@binance:ETH/USDT:1h'), instance('rsi@binance:BTC/USDT:4h')];

describe('telegram command helpers', () => {
  it('resolves an instance by id, by a unique strategy name, or by a unique id fragment', () => {
    expect(resolveInstance(list, 'MA-CROSS@binance:ETH/USDT:1h')).toMatchObject({ ok: true, instance: { id: 'ma-cross@binance:ETH/USDT:1h' } });
    expect(resolveInstance(list, 'rsi')).toMatchObject({ ok: true, instance: { id: 'rsi@binance:BTC/USDT:4h' } });
    expect(resolveInstance(list, 'eth')).toMatchObject({ ok: true, instance: { id: 'ma-cross@binance:ETH/USDT:1h' } });
  });

  it('lists the candidates when a name is ambiguous and all instances when nothing matches', () => {
    const amb = resolveInstance(list, 'ma-cross');
    expect(amb.ok).toBe(false);
    if (!amb.ok) expect(amb.message).toContain('matches 2 instances');
    const none = resolveInstance(list, 'macd');
    if (!none.ok) expect(none.message.match(/•/g)).toHaveLength(3);
    expect(resolveInstance([], 'x')).toEqual({ ok: false, message: 'No strategy instance "x" (none configured).' });
  });

  it('normalises symbols written without a slash or in lower case', () => {
    expect(normaliseSymbol('btcusdt', ['BTC/USDT'])).toBe('BTC/USDT');
    expect(normaliseSymbol('eth-usdt', ['BTC/USDT', 'ETH/USDT'])).toBe('ETH/USDT');
    expect(normaliseSymbol('sol/usdt', [])).toBe('SOL/USDT');
    expect(normaliseSymbol('solusdt', [])).toBeNull();
  });

  it('asks for confirmation with the engine command attributed to telegram', () => {
    const e = new FakeEngine();
    e.snap.instances = list;
    const a = runCommand('stop', 'rsi', { api: e, timeZone: 'UTC', now: 0, chartPoints: 20, chartHeight: 5 });
    expect(a).toMatchObject({ kind: 'confirm', command: { type: 'stop', instanceId: 'rsi@binance:BTC/USDT:4h', by: 'telegram' } });
    expect(runCommand('resume', '', { api: e, timeZone: 'UTC', now: 0, chartPoints: 20, chartHeight: 5 })).toMatchObject({ kind: 'text' });
  });

  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
