// The event bus says who listens (the engine builds no event nobody reads) and delivers in order.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/engine/bus.js';
import type { EngineEvent } from '../../../src/core/events.js';

const alert = (message: string): EngineEvent => ({ type: 'alert', alert: { id: message, time: 0, severity: 'info', category: 'system', message } });

describe('EventBus', () => {
  it('wants a type while someone listens to it or to everything, and not after they leave', () => {
    const bus = new EventBus();
    expect(bus.wants('alert')).toBe(false);
    const offA = bus.on('alert', () => {});
    const offB = bus.on('alert', () => {});
    expect(bus.wants('alert')).toBe(true);
    expect(bus.wants('order')).toBe(false);
    offA();
    expect(bus.wants('alert')).toBe(true);
    offB();
    offB();
    expect(bus.wants('alert')).toBe(false);
    const offAll = bus.onAny(() => {});
    expect(bus.wants('order')).toBe(true);
    offAll();
    expect(bus.wants('order')).toBe(false);
  });

  it('delivers to the type listeners, then to everything listeners, in emit order', () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.on('alert', (e) => got.push(`type ${e.alert.message}`));
    bus.onAny((e) => got.push(`any ${e.type === 'alert' ? e.alert.message : e.type}`));
    bus.emit(alert('a'));
    bus.emit(alert('b'));
    expect(got).toEqual(['type a', 'any a', 'type b', 'any b']);
  });
});
