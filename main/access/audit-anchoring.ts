/**
 * When is the audit log's head anchored on the chain? `AuditAnchorScheduler` anchors it every
 * `everyMs` when it moved since the last anchor, and once more at stop; `AuditHeadAnchorer` is what
 * it needs from the ledger node (which signs the chain's `anchor-audit` transaction).
 */
import type { Startable } from '../common/startable';
import type { AuditLog } from './audit-log';

/** An audit-log head: an entry's number and its hash (64 hex digits, as the log stores it). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** The latest audit-log head anchored on the chain, and the block that holds it. */
export interface AuditAnchor extends AuditHead {
  height: number;
  timeMs: number;
}

/**
 * Puts the audit-log head on the chain. The real one is the ledger node (`ChainAnchoring` in
 * main/node/chain-anchoring.ts): an `anchor-audit` transaction signed by the key that owns the
 * store's franchise, resolved when committed. Both throw a typed error with the reason when this node
 * cannot anchor (an observer, no franchise, not its owner).
 */
export interface AuditHeadAnchorer {
  /** The newest head anchored for this store's franchise, or null when there is none yet. */
  latestAuditAnchor(): Promise<AuditAnchor | null>;
  /** Anchors `head` and resolves with where it ended up once committed. */
  anchorAuditHead(head: AuditHead): Promise<AuditAnchor>;
}

/** Options of the scheduler. */
export interface AuditAnchorSchedulerOptions {
  /** How often the head is anchored when it moved (`audit.anchorEveryMs`). */
  everyMs: number;
  /** How long stop waits for the last anchor to commit (default 5,000 ms); the log never waits. */
  stopWaitMs?: number;
}

/** What the scheduler uses. */
export interface AuditAnchorSchedulerDeps {
  audit: Pick<AuditLog, 'head'>;
  anchorer: AuditHeadAnchorer;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/**
 * Anchors the audit log's head every `everyMs` when it moved since the last anchor, and once at
 * stop (bounded). When anchoring is not possible it warns once with the reason and keeps trying;
 * it never throws into the node and never holds up an append.
 *
 * @example
 * const scheduler = new AuditAnchorScheduler({ everyMs: 600_000 }, { audit, anchorer: node, log });
 * await scheduler.start(); … await scheduler.stop(); // anchors a head that moved since the last time
 */
export class AuditAnchorScheduler implements Startable {
  private timer: NodeJS.Timeout | undefined;
  /** The anchor known to be on the chain (read at the first round, then each one made). */
  private anchored: AuditAnchor | null | undefined;
  private inFlight: Promise<void> | undefined;
  /** The reason last warned about, so that an unchanged one is not repeated every round. */
  private warned: string | undefined;

  constructor(
    private readonly opts: AuditAnchorSchedulerOptions,
    private readonly deps: AuditAnchorSchedulerDeps,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.anchorNow(), this.opts.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const waitMs = this.opts.stopWaitMs ?? 5_000;
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), waitMs);
    });
    // The round in flight, then one more for a head that moved since: within one bound together.
    const last = (this.inFlight ?? Promise.resolve()).then(() => this.anchorNow());
    const r = await Promise.race([last.then(() => 'done' as const), gaveUp]);
    clearTimeout(timeout);
    if (r === 'timeout')
      this.deps.log.warn(
        { waitMs },
        'the last audit anchor was not committed before stop; it is anchored at the next start',
      );
  }

  /**
   * One round: anchors the head if it moved since the anchor on the chain. Rounds never overlap;
   * a call during one waits for it. Resolves whatever happened (failures are logged).
   */
  anchorNow(): Promise<void> {
    this.inFlight ??= this.round().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async round(): Promise<void> {
    try {
      const head = this.deps.audit.head();
      if (this.anchored === undefined) this.anchored = await this.deps.anchorer.latestAuditAnchor();
      const last = this.anchored;
      if (last && head.seq < last.seq)
        return this.warnOnce(
          `the audit log ends at entry ${head.seq} but entry ${last.seq} was anchored at height ${last.height}: run bin/hotpot audit verify`,
        );
      if (head.seq === 0 || (last && last.seq >= head.seq)) return;
      this.anchored = await this.deps.anchorer.anchorAuditHead(head);
      this.warned = undefined;
      this.deps.log.info(
        { seq: this.anchored.seq, height: this.anchored.height },
        'anchored the audit log head on the chain',
      );
    } catch (err) {
      this.anchored = undefined; // read again from the chain next round (it may have moved meanwhile)
      this.warnOnce(err instanceof Error ? err.message : String(err));
    }
  }

  /** Warns with `reason` unless it is the one warned about last. */
  private warnOnce(reason: string): void {
    if (reason !== this.warned)
      this.deps.log.warn(
        { reason },
        `the audit log head cannot be anchored (retrying every ${this.opts.everyMs} ms): ${reason}`,
      );
    this.warned = reason;
  }
}
