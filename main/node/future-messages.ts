/**
 * The votes and proposals kept for the height after the one being decided (they arrive while this
 * node still commits), capped in messages and in bytes. Only messages that passed admission (signed
 * by a validator of their height, signature verified) are put here.
 */

/** One kept gossip message, as it came (it is admitted again when its height starts). */
export interface FutureMessage {
  topic: 'vote' | 'proposal';
  bytes: Uint8Array;
  from: string;
}

/** The caps of the buffer. */
export interface FutureMessagesLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * A buffer keyed by what a message says (not by its gossip envelope, so a validator's re-sent copies
 * are kept once). When a new message does not fit, the oldest are evicted first: an honest
 * validator's messages for the next height come last, just before that height starts. A message
 * larger than the whole byte cap is not kept.
 *
 * @example
 * const buf = new FutureMessages({ maxMessages: 2_000, maxBytes: 48 * 1024 * 1024 });
 * buf.add(`v:${h}:${key}`, { topic: 'vote', bytes, from });
 * for (const m of buf.takeAll()) admit(m);
 */
export class FutureMessages {
  private readonly kept = new Map<string, FutureMessage>();
  private keptBytes = 0;

  constructor(private readonly limits: FutureMessagesLimits) {}

  /** Messages kept. */
  get size(): number {
    return this.kept.size;
  }

  /** Bytes kept. */
  get bytes(): number {
    return this.keptBytes;
  }

  /** Keeps `m` under `key` unless a message with that key is kept already or it alone exceeds the byte cap. */
  add(key: string, m: FutureMessage): void {
    if (this.kept.has(key) || m.bytes.length > this.limits.maxBytes) return;
    this.kept.set(key, m);
    this.keptBytes += m.bytes.length;
    for (const [k, old] of this.kept) {
      if (this.kept.size <= this.limits.maxMessages && this.keptBytes <= this.limits.maxBytes) break;
      this.kept.delete(k);
      this.keptBytes -= old.bytes.length;
    }
  }

  /** Every kept message, oldest first; the buffer is empty afterwards. */
  takeAll(): FutureMessage[] {
    const all = [...this.kept.values()];
    this.kept.clear();
    this.keptBytes = 0;
    return all;
  }
}
