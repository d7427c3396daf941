// The wire format: line splitting with a bound, candle and indicator encoding, event coalescing, command validation.
import { describe, expect, it } from 'vitest';
import type { Command, EngineEvent } from '../../../src/core/events.js';
import { coalesce } from '../../../src/server/engine-server.js';
import { LineReader, callSchema, decodeIndicators, decodeSeries, encodeIndicators, encodeSeries } from '../../../src/server/protocol.js';
import { makeSeries } from '../../support/fake-engine.js';

describe('LineReader', () => {
  it('joins lines split across chunks and splits several lines in one chunk', () => {
    const lines: string[] = [];
    const r = new LineReader(100, (l) => lines.push(l), () => lines.push('OVERFLOW'));
    r.push(Buffer.from('{"a":'));
    r.push(Buffer.from('1}\n{"b":2}\n\n{"c"'));
    r.push(Buffer.from(':3}\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('reports a line longer than the bound once, skips it to its newline, and reads the next line', () => {
    const lines: string[] = [];
    let overflows = 0;
    const r = new LineReader(10, (l) => lines.push(l), () => overflows++);
    r.push(Buffer.from('x'.repeat(8)));
    r.push(Buffer.from('y'.repeat(50)));
    r.push(Buffer.from('z'.repeat(50)));
    r.push(Buffer.from('zz\nok\n'));
    expect(overflows).toBe(1);
    expect(lines).toEqual(['ok']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const lines: string[] = [];
    const r = new LineReader(100, (l) => lines.push(l), () => undefined);
    const bytes = Buffer.from('"€uro"\n');
    r.push(bytes.subarray(0, 2));
    r.push(bytes.subarray(2));
    expect(lines).toEqual(['"€uro"']);
  });
});

describe('encoding', () => {
  it('round-trips candles and indicators (NaN travels as null)', () => {
    const s = makeSeries(5, 100, 60_000);
    const back = decodeSeries(JSON.parse(JSON.stringify(encodeSeries(s))));
    expect(back.length).toBe(5);
    expect(Array.from(back.close)).toEqual(Array.from(s.close.subarray(0, 5)));
    const ind = decodeIndicators(JSON.parse(JSON.stringify(encodeIndicators({ fast: Float64Array.from([NaN, 1.5, 2]) }))));
    expect(Number.isNaN(ind.fast![0])).toBe(true);
    expect(Array.from(ind.fast!.subarray(1))).toEqual([1.5, 2]);
  });
});

describe('coalesce', () => {
  it('keeps only the last equity event and the last update of each position, everything else in order', () => {
    const pos = (id: string, qty: number): EngineEvent => ({ type: 'position', change: 'updated', position: { instanceId: id, symbol: 'BTC/USDT', qty } as never });
    const eq = (equity: number): EngineEvent => ({ type: 'equity', time: 0, equity, cash: 0, exposure: 0 });
    const alert: EngineEvent = { type: 'alert', alert: { id: 'a1', time: 0, severity: 'info', category: 'system', message: 'x' } };
    const out = coalesce([eq(1), pos('a', 1), alert, eq(2), pos('a', 2), pos('b', 5), eq(3)]);
    expect(out).toEqual([alert, pos('a', 2), pos('b', 5), eq(3)]);
  });
});

describe('call validation', () => {
  it('accepts the EngineApi calls and refuses malformed commands and oversized windows', () => {
    expect(callSchema.safeParse({ type: 'call', id: 1, method: 'send', args: [{ type: 'kill', by: 'keyboard' }] }).success).toBe(true);
    expect(callSchema.safeParse({ type: 'call', id: 1, method: 'send', args: [{ type: 'kill', by: 'root' }] }).success).toBe(false);
    expect(callSchema.safeParse({ type: 'call', id: 1, method: 'send', args: [{ type: 'rm -rf', by: 'keyboard' }] }).success).toBe(false);
    expect(callSchema.safeParse({ type: 'call', id: 2, method: 'candles', args: [{ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, 1e9] }).success).toBe(false);
    expect(callSchema.safeParse({ type: 'call', id: 3, method: 'eval', args: [] }).success).toBe(false);
    expect(callSchema.safeParse({ type: 'call', id: 4, method: 'validate-params', args: ['ma-cross', { fast: 50, slow: 30, type: 'sma', short: false }] }).success).toBe(true);
    expect(callSchema.safeParse({ type: 'call', id: 4, method: 'validate-params', args: ['ma-cross', { fast: { $gt: 1 } }] }).success).toBe(false);
  });

  it('accepts every engine command over the socket (one example per Command type; a type left out fails to compile)', () => {
    const by = 'keyboard' as const;
    const examples: { [T in Command['type']]: Extract<Command, { type: T }> } = {
      start: { type: 'start', instanceId: 'a', by },
      stop: { type: 'stop', instanceId: 'a', by },
      'add-instance': { type: 'add-instance', strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: { fast: 10 }, by },
      close: { type: 'close', symbol: 'BTC/USDT', positionId: 'p1', by },
      pause: { type: 'pause', by },
      resume: { type: 'resume', by },
      kill: { type: 'kill', by },
      'set-speed': { type: 'set-speed', candlesPerSecond: 2, by },
      'cancel-order': { type: 'cancel-order', orderId: 'o1', by },
      replay: { type: 'replay', action: 'jump', to: 1, by },
      'delete-instance': { type: 'delete-instance', instanceId: 'a', by },
      'edit-instance': { type: 'edit-instance', instanceId: 'a', params: { fast: 12 }, risk: { exits: { takeProfitPct: 50 } }, by },
      'reload-strategies': { type: 'reload-strategies', by },
      reconcile: { type: 'reconcile', differenceId: 1, action: 'adopt', by },
    };
    for (const cmd of Object.values(examples)) expect(callSchema.safeParse({ type: 'call', id: 1, method: 'send', args: [cmd] }).success, cmd.type).toBe(true);
    expect(callSchema.safeParse({ type: 'call', id: 1, method: 'send', args: [{ type: 'edit-instance', instanceId: 'a', risk: null, by }] }).success).toBe(true);
  });
});

describe('appendWindow', () => {
  it('appends newer candles and keeps the last `limit`', async () => {
    const { appendWindow } = await import('../../../src/server/remote.js');
    const all = makeSeries(8, 100, 60_000);
    const slice = (a: number, b: number) => ({
      length: b - a,
      time: all.time.slice(a, b),
      open: all.open.slice(a, b),
      high: all.high.slice(a, b),
      low: all.low.slice(a, b),
      close: all.close.slice(a, b),
      volume: all.volume.slice(a, b),
    });
    const out = appendWindow(slice(0, 5), slice(5, 7), 5);
    expect(Array.from(out.time)).toEqual(Array.from(all.time.slice(2, 7)));
    expect(Array.from(out.close)).toEqual(Array.from(all.close.slice(2, 7)));
    expect(appendWindow(slice(0, 2), slice(2, 3), 5).length).toBe(3);
    expect(Array.from(appendWindow(slice(0, 2), slice(2, 8), 4).time)).toEqual(Array.from(all.time.slice(4, 8)));
  });
});
