import type { EventName, EventPayload } from '../contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
type AnyListener = (name: EventName, payload: unknown) => void;

/**
 * The in-process event bus, typed by the contract's events. Services emit; hosts forward every
 * event to the renderer (IPC or WebSocket), where pushed events invalidate queries.
 *
 * @example bus.emit('node.status', status); const off = bus.onAny((name, p) => send(name, p));
 */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly anyListeners = new Set<AnyListener>();

  /** Delivers `payload` to the listeners of `name` and to every catch-all listener. A throwing listener does not stop the others. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(name) ?? []) safe(() => (l as Listener<E>)(payload));
    for (const l of this.anyListeners) safe(() => l(name, payload));
  }

  /** Listens to one event; returns the unsubscribe function. */
  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Listens to every event (the hosts use this to forward events to the UI). */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // A broken listener must not break the emitter (e.g. a closed WebSocket); report on stderr.
    console.error('event listener failed', err);
  }
}
