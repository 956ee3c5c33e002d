/**
 * Where state lives: the typed key space, read and read/write access by key, an overlay that
 * records writes without touching what is under it, and an in-memory store (pure). The node driver
 * backs `StateStore` with SQLite.
 */
import type { Address, Hash } from '../types';

/**
 * The typed key space. Every key except `meta` and the tree's own `smt:` nodes is committed to by
 * the state root.
 */
export type StateKey =
  | `acct:${Address}`
  | `val:${Address}`
  | 'vals'
  | `fr:${string}`
  | `kyc:${Address}`
  | `anc:${Hash}`
  | `aud:${string}`
  | `sls:${string}`
  | `ev:${Hash}`
  | `vs:${number}`
  | `ubd:${Address}`
  | `ubq:${number}`
  | `peer:${string}`
  | 'supply'
  | 'meta'
  | `smt:${string}`;

/** Read access to state. */
export interface StateReader {
  get(key: StateKey): Uint8Array | undefined;
}

/** Read/write access to state; `null` deletes. The node driver backs it with SQLite. */
export interface StateStore extends StateReader {
  set(key: StateKey, value: Uint8Array | null): void;
}

/** Changed keys and their new values (null = deleted), in the order they were last written. */
export type WriteSet = Map<StateKey, Uint8Array | null>;

/** A state view that records writes over a base reader without touching it. */
export class StateOverlay implements StateStore {
  constructor(
    private readonly base: StateReader,
    readonly writes: WriteSet = new Map(),
  ) {}

  get(key: StateKey): Uint8Array | undefined {
    const w = this.writes.get(key);
    if (w !== undefined) return w ?? undefined;
    return this.base.get(key);
  }

  set(key: StateKey, value: Uint8Array | null): void {
    this.writes.set(key, value);
  }

  /** Copies this overlay's writes into `target`. */
  commitTo(target: StateStore): void {
    for (const [k, v] of this.writes) target.set(k, v);
  }
}

/** An in-memory state store (tests, the simulation, benchmarks). */
export class MemoryStateStore implements StateStore {
  readonly entries = new Map<StateKey, Uint8Array>();

  get(key: StateKey): Uint8Array | undefined {
    return this.entries.get(key);
  }

  set(key: StateKey, value: Uint8Array | null): void {
    if (value === null) this.entries.delete(key);
    else this.entries.set(key, value);
  }

  /** Applies a write-set. */
  apply(writes: WriteSet): void {
    for (const [k, v] of writes) this.set(k, v);
  }
}
