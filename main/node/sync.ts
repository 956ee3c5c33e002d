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
import { decodeSyncItem, encodeSyncItem } from './messages';

/** Options of the syncer. */
export interface SyncOptions {
  /** Blocks asked for per request (default 64). */
  batchBlocks?: number;
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
  /** Checks transaction signatures off the main thread before the blocks are applied. */
  preverify?: (txs: readonly Uint8Array[], hashes?: readonly string[]) => Promise<void>;
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

  constructor(
    private readonly opts: SyncOptions,
    private readonly deps: SyncDeps,
  ) {}

  /** Serves blocks to peers and starts watching their heights. */
  async start(): Promise<void> {
    const { network, store } = this.deps;
    network.setBlockProvider(async (from, count) =>
      store.blocksFrom(Math.max(1, from), Math.min(count, 512)).map((b) => encodeSyncItem(b.block, b.commit)),
    );
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

  private async catchUp(): Promise<void> {
    const { network, driver, log } = this.deps;
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
        let items: Uint8Array[];
        try {
          items = await network.fetchBlocks(peer.id, ours + 1, this.opts.batchBlocks ?? 64, {
            timeoutMs: this.opts.requestTimeoutMs ?? 20_000,
          });
        } catch (err) {
          log.debug({ peer: peer.id, err: (err as Error).message }, 'sync request failed');
          continue;
        }
        if (!this.running) return;
        if (this.deps.preverify && this.deps.limits) {
          const txs: Uint8Array[] = [];
          for (const item of items) {
            try {
              txs.push(...decodeSyncItem(item, this.deps.limits).block.txBytes);
            } catch {
              break; // applySynced reports it
            }
          }
          await this.deps.preverify(txs);
          if (!this.running) return;
        }
        for (const item of items) {
          try {
            if (driver.applySynced(item)) {
              this.applied++;
              progressed = true;
            }
          } catch (err) {
            network.reportPeer(peer.id, 'invalid-block', (err as Error).message);
            log.warn(
              { peer: peer.id, err: (err as Error).message },
              'peer sent a block that does not verify',
            );
            break;
          }
        }
        if (progressed) break;
      }
      if (!progressed) {
        if (this.hint <= driver.committedHeight + 1) this.hint = 0;
        this.behindNow = false;
        return;
      }
      // Let consensus messages in between batches.
      await new Promise((r) => setImmediate(r));
    }
  }
}
