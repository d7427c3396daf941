// Typed event stream. Listeners are called synchronously in emit order; a throwing listener is reported
// to the error handler and never stops the engine or other listeners — except the store's: an event that
// cannot be written must fail the step that emitted it (its transaction rolls back), not vanish.
import type { EngineEvent, EngineEventType, EventOf } from '../core/events.js';

type Listener<E> = (event: E) => void;

/** Errors thrown by a propagating listener, so that a listener between it and the emitter cannot swallow them. */
const propagatingErrors = new WeakSet<object>();

export class EventBus {
  private readonly byType = new Map<EngineEventType, Set<Listener<EngineEvent>>>();
  /** Listeners per type, as plain properties: wants() is asked several times per candle, a Map lookup each. */
  private readonly listening: Partial<Record<EngineEventType, number>> = {};
  private readonly all = new Set<Listener<EngineEvent>>();
  private readonly propagating = new Set<Listener<EngineEvent>>();
  private onListenerError: (err: unknown, event: EngineEvent) => void = (err) => {
    queueMicrotask(() => {
      throw err;
    });
  };

  setErrorHandler(handler: (err: unknown, event: EngineEvent) => void): void {
    this.onListenerError = handler;
  }

  on<T extends EngineEventType>(type: T, listener: Listener<EventOf<T>>): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(listener as Listener<EngineEvent>);
    this.listening[type] = set.size;
    return () => {
      set!.delete(listener as Listener<EngineEvent>);
      this.listening[type] = set!.size;
    };
  }

  /** `propagate`: the listener's errors are thrown to the emitter (the store, whose failure fails the step). */
  onAny(listener: Listener<EngineEvent>, opts: { propagate?: boolean } = {}): () => void {
    this.all.add(listener);
    if (opts.propagate) this.propagating.add(listener);
    return () => {
      this.all.delete(listener);
      this.propagating.delete(listener);
    };
  }

  /** Hot paths ask first so that they build no event object nobody reads. */
  wants(type: EngineEventType): boolean {
    return this.all.size > 0 || (this.listening[type] ?? 0) > 0;
  }

  emit(event: EngineEvent): void {
    const set = this.byType.get(event.type);
    if (set) for (const l of set) this.call(l, event);
    for (const l of this.all) this.call(l, event);
  }

  private call(l: Listener<EngineEvent>, event: EngineEvent): void {
    try {
      l(event);
    } catch (err) {
      // Also through a listener that emitted in turn (an alert derived from the event): still the store's error.
      if (this.propagating.has(l) || (typeof err === 'object' && err !== null && propagatingErrors.has(err))) {
        if (typeof err === 'object' && err !== null) propagatingErrors.add(err);
        throw err;
      }
      this.onListenerError(err, event);
    }
  }
}
