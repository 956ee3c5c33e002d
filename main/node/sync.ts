/**
 * Block sync (issue 4 §4): serves ranges of finalized blocks with their commits to peers, and
 * catches up when a peer is ahead — fetch a range, check every commit's signatures against the
 * validator set and every state root by applying the block (`ConsensusDriver.applySynced`), store
 * it, and go on until no peer is ahead; consensus then continues from the new head. Works from
 * genesis and after any downtime. A peer whose blocks do not verify is reported (and, repeated,
 * banned by the network layer).
 */
import type { NodeNetwork, P2pLog, PeerView } from '../p2p/types';
import type { ConsensusDriver } from './driver';
import type { LedgerStore } from './ledger-store';
import type { EncodingLimits } from '../chain/encoding';
import type { Hash } from '../chain/types';
import { type SyncItem, decodeSyncItem, encodeSyncItem } from './messages';

/** Range requests out at once (peers serve at most two requests of ours at once). */
const PIPELINE_DEPTH = 2;
/** Ranges held ahead of the one being applied, asked for or arrived (a bound on memory). */
const RANGES_AHEAD = 3;
/** How long a range that arrived waits for the one after it (whose signatures the worker then checks). */
const NEXT_RANGE_WAIT_MS = 1_000;

/** Options of the syncer. */
export interface SyncOptions {
  /** Most blocks asked for per request (default 64). */
  batchBlocks?: number;
  /**
   * Bytes a range aims at (default 2 MiB): after each range the next asks for as many blocks of its
   * size as fit, up to `batchBlocks`. Decoded, a range takes about five times its bytes, and 64
   * blocks of 500 transfers are 6 MiB on the wire; chains of small blocks still get 64.
   */
  rangeBytes?: number;
  /** How often peers' heights are checked, ms (default 1,000). */
  checkIntervalMs?: number;
  /** Per-request deadline, ms (default 20,000). */
  requestTimeoutMs?: number;
}

/** What the syncer uses. */
export interface SyncDeps {
  network: NodeNetwork;
  store: LedgerStore;
  driver: ConsensusDriver;
  log: P2pLog;
  /** Decoding limits of the chain (for pre-checking signatures of a fetched batch). */
  limits?: EncodingLimits;
  /** Starts checking transaction signatures off the main thread (never rejects; not awaited). */
  preverify?: (txs: readonly Uint8Array[], hashes?: readonly Hash[]) => Promise<void>;
}

/**
 * @example
 * const sync = new Syncer({}, { network, store, driver, log }); await sync.start(); sync.syncing();
 */
export class Syncer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private active: Promise<void> | undefined;
  private hint = 0;
  private behindNow = false;
  private offStatus: (() => void) | undefined;
  /** Blocks applied through sync (for the status and the benchmark). */
  applied = 0;
  /** Blocks the next range asks for: `batchBlocks` until a range shows how big blocks are. */
  private rangeBlocks: number | undefined;

  constructor(
    private readonly opts: SyncOptions,
    private readonly deps: SyncDeps,
  ) {}

  /** The highest height a validator's gossip said a peer is at and no sync pass reached yet (0: none). */
  get hintedHeight(): number {
    return this.hint;
  }

  /** Serves blocks to peers and starts watching their heights. */
  async start(): Promise<void> {
    const { network, store } = this.deps;
    network.setBlockProvider(async (from, count) => {
      const start = Math.max(1, from);
      // Only blocks consecutive from `start`: a node that joined from a snapshot lacks those below it.
      const blocks = store.blocksFrom(start, Math.min(count, 512));
      const held = blocks.findIndex((b, i) => b.height !== start + i);
      return (held < 0 ? blocks : blocks.slice(0, held)).map((b) => encodeSyncItem(b.block, b.commit));
    });
    this.running = true;
    this.offStatus = network.onPeerStatus((p) => {
      if (p.status && p.status.height > this.deps.driver.committedHeight) this.kick();
    });
    this.timer = setInterval(() => this.kick(), this.opts.checkIntervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.offStatus?.();
    await this.active?.catch(() => undefined);
  }

  /** True while a peer is more than one block ahead of us. */
  syncing(): boolean {
    return this.behindNow;
  }

  /** A message showed some peer has finalized `height`: check soon. */
  hintHeight(height: number): void {
    if (height > this.hint) this.hint = height;
    this.kick();
  }

  /** Starts a catch-up pass unless one is running. */
  kick(): void {
    if (!this.running || this.active) return;
    this.active = this.catchUp()
      .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'sync pass failed'))
      .finally(() => {
        this.active = undefined;
      });
  }

  private candidates(): PeerView[] {
    const ours = this.deps.driver.committedHeight;
    const best = this.deps.network.bestPeers();
    const ahead = best.filter((p) => (p.status?.height ?? 0) > ours);
    // Statuses are refreshed every few seconds; when a message says someone is ahead, ask everybody.
    if (ahead.length === 0 && this.hint > ours) return best;
    return ahead;
  }

  /**
   * Fetches `count` blocks from `from` off one peer, decodes it, and starts the worker on its
   * transaction signatures. Never rejects: a failed request comes back as `error`.
   */
  private async fetchBatch(peer: PeerView, from: number, count: number): Promise<FetchedBatch> {
    const { network, log } = this.deps;
    let raw: Uint8Array[];
    try {
      raw = await network.fetchBlocks(peer.id, from, count, {
        timeoutMs: this.opts.requestTimeoutMs ?? 20_000,
      });
    } catch (err) {
      log.debug({ peer: peer.id, err: (err as Error).message }, 'sync request failed');
      return { from, count, bytes: 0, items: [], error: err as Error };
    }
    const bytes = raw.reduce((n, b) => n + b.length, 0);
    if (raw.length > 0) {
      const fit = Math.floor((this.opts.rangeBytes ?? 2 * 1024 * 1024) / (bytes / raw.length));
      this.rangeBlocks = Math.max(1, Math.min(this.opts.batchBlocks ?? 64, fit));
    }
    const limits = this.deps.limits;
    if (!limits) return { from, count, bytes, items: raw, error: null };
    // Decode once here; an item that does not decode stays raw, so applySynced reports it.
    const items: (Uint8Array | SyncItem)[] = [];
    const txs: Uint8Array[] = [];
    const hashes: Hash[] = [];
    let bad = false;
    for (const bytes of raw) {
      if (!bad) {
        try {
          const d = decodeSyncItem(bytes, limits);
          items.push(d);
          txs.push(...d.block.txBytes);
          hashes.push(...d.block.txHashes);
          continue;
        } catch {
          bad = true;
        }
      }
      items.push(bytes);
    }
    // Not awaited: the worker checks the signatures of the ranges ahead while the main thread applies
    // this one; a signature not answered yet when its block applies is checked on the main thread
    // (the verifier falls back), so applying never waits for the worker.
    if (this.deps.preverify && txs.length > 0) void this.deps.preverify(txs, hashes);
    return { from, count, bytes, items, error: null };
  }

  private async catchUp(): Promise<void> {
    const { network, driver, log } = this.deps;
    const batch = this.opts.batchBlocks ?? 64;
    for (let pass = 0; this.running; pass++) {
      const ours = driver.committedHeight;
      const peers = this.candidates();
      const top = Math.max(this.hint, ...peers.map((p) => p.status?.height ?? 0));
      this.behindNow = top > ours + 1;
      if (peers.length === 0 || top <= ours) {
        this.behindNow = false;
        return;
      }
      let progressed = false;
      for (const peer of peers) {
        // A pipeline: up to PIPELINE_DEPTH requests are out at once, and a range is applied only once
        // the range after it has arrived. Its transactions went to the signature worker on arrival, so
        // the worker checks them while the main thread applies this one (a reply is read only when
        // the main thread is free, so waiting for it here is what puts it ahead).
        const inflight: { fetched: Promise<FetchedBatch>; settled: boolean }[] = [];
        let nextFrom = driver.committedHeight + 1;
        const fill = (): void => {
          while (
            inflight.length < RANGES_AHEAD &&
            inflight.filter((f) => !f.settled).length < PIPELINE_DEPTH &&
            nextFrom <= top
          ) {
            const count = this.rangeBlocks ?? batch;
            const slot = { fetched: this.fetchBatch(peer, nextFrom, count), settled: false };
            void slot.fetched.then(() => (slot.settled = true));
            inflight.push(slot);
            nextFrom += count;
          }
        };
        fill();
        while (inflight.length > 0 && this.running) {
          const cur = await (inflight.shift() as (typeof inflight)[number]).fetched;
          if (!this.running || cur.error || cur.items.length === 0) break;
          if (cur.from !== driver.committedHeight + 1) break; // we moved on another way meanwhile
          if (cur.items.length < cur.count) nextFrom = Number.POSITIVE_INFINITY; // the peer's head
          fill();
          if (inflight[0]) await settledWithin(inflight[0].fetched, NEXT_RANGE_WAIT_MS);
          fill();
          const { applied, error } = driver.applySyncedBatch(cur.items);
          this.applied += applied;
          if (applied > 0) progressed = true;
          if (error) {
            network.reportPeer(peer.id, 'invalid-block', error.message);
            log.warn({ peer: peer.id, err: error.message }, 'peer sent a block that does not verify');
            break;
          }
          // Let consensus messages and the next ranges' replies in between batches.
          await new Promise((r) => setImmediate(r));
        }
        await Promise.all(inflight.splice(0).map((f) => f.fetched)); // never rejects; dropped
        if (progressed) break;
      }
      if (!progressed) {
        if (this.hint <= driver.committedHeight + 1) this.hint = 0;
        this.behindNow = false;
        return;
      }
    }
  }
}

/** Waits for `p` at most `ms` (a slow peer must not hold up a range that is already here). */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** A fetched range of sync items (decoded where they decode). */
interface FetchedBatch {
  from: number;
  /** Blocks asked for. */
  count: number;
  /** Bytes received. */
  bytes: number;
  items: (Uint8Array | SyncItem)[];
  error: Error | null;
}
