/**
 * Back-fill (snapshot sync, after joining): a node that joined from a state snapshot at H holds
 * blocks from H up. In the background it fetches older blocks with the range sync protocol, newest
 * range first, and verifies them by the hash chain backwards from the lowest block it holds (whose
 * header the light client verified): each block must hash to the previous hash its successor names,
 * and block 1 must name the genesis hash. Nothing is re-applied (the state is the snapshot's), so their
 * transactions are stored without receipts. A peer whose blocks do not link is reported.
 */
import { sleep } from './sleep';
import { decodeHeader, encodeHeader } from '../chain/block';
import type { ChainConfig } from '../chain/params';
import type { Hash } from '../chain/types';
import type { NodeNetwork, P2pLog } from '../p2p/types';
import type { BackfilledBlock } from './ledger-history';
import type { LedgerStore } from './ledger-store';
import { headerBytesOf } from './header-items';
import { decodeSyncItem } from './messages';

/** Options of the back-filler. */
export interface BackfillOptions {
  /** Blocks per request (default 64). */
  batchBlocks?: number;
  /** Wait before trying again when no peer could serve a range, ms (default 2,000). */
  retryMs?: number;
  /** Per-request deadline, ms (default 20,000). */
  requestTimeoutMs?: number;
}

/**
 * @example
 * const b = new Backfiller({}, { network, store, config, log }); b.start(); … await b.stop();
 */
export class Backfiller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** Blocks stored by back-fill since start. */
  stored = 0;

  constructor(
    private readonly opts: BackfillOptions,
    private readonly deps: { network: NodeNetwork; store: LedgerStore; config: ChainConfig; log: P2pLog },
  ) {}

  /** True once every block down to 1 is stored. */
  done(): boolean {
    return this.deps.store.history.historyFrom() <= 1;
  }

  /** Starts back-filling in the background (nothing to do on a node that replayed the chain). */
  start(): void {
    if (this.running || this.done()) return;
    this.running = true;
    this.loop = this.run().catch((err: unknown) => {
      if (this.running) this.deps.log.warn({ err: (err as Error).message }, 'back-fill stopped');
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store, log } = this.deps;
    const from = store.history.historyFrom();
    log.info({ historyFrom: from }, 'back-filling the blocks below the state snapshot');
    while (this.running && !this.done()) {
      if (!(await this.step())) await sleep(this.opts.retryMs ?? 2_000, this.abort.signal);
    }
    if (this.done()) log.info({ blocks: this.stored }, 'back-fill complete: every block down to 1 is stored');
  }

  /** Fetches and stores the range right below the held history from one peer; false if none served it. */
  private async step(): Promise<boolean> {
    const { network, store, config, log } = this.deps;
    const lowest = store.history.historyFrom();
    const top = lowest - 1;
    const first = Math.max(1, top - (this.opts.batchBlocks ?? 64) + 1);
    const [held] = store.history.headersFrom(lowest, 1);
    if (!held) throw new Error(`block ${lowest}, the lowest held, is missing`);
    const expectedTop = decodeHeader(headerBytesOf(held, config.params)).previousHash;
    for (const peer of network.bestPeers()) {
      let raw: Uint8Array[];
      try {
        raw = await network.fetchBlocks(peer.id, first, top - first + 1, {
          timeoutMs: this.opts.requestTimeoutMs ?? 20_000,
          signal: this.abort.signal,
        });
      } catch {
        if (!this.running) return false;
        continue;
      }
      if (raw.length !== top - first + 1) continue; // it does not hold them all (it joined from a snapshot too)
      let blocks: BackfilledBlock[];
      try {
        blocks = verifyBackwards(raw, first, expectedTop, store.chainInfo().genesisHash, config);
      } catch (err) {
        network.reportPeer(peer.id, 'invalid-block', (err as Error).message);
        log.warn(
          { peer: peer.id, err: (err as Error).message },
          'peer sent back-fill blocks that do not link',
        );
        continue;
      }
      store.history.storeBackfilled(blocks);
      this.stored += blocks.length;
      return true;
    }
    return false;
  }
}

/**
 * Decodes the range `first`… and checks it links backwards: the last block must hash to `expectedTop`
 * (the previous hash of the block above), each one to its successor's previous hash, and block 1 must
 * follow `genesisHash`. Throws saying which block does not.
 */
export function verifyBackwards(
  raw: readonly Uint8Array[],
  first: number,
  expectedTop: Hash,
  genesisHash: Hash,
  config: ChainConfig,
): BackfilledBlock[] {
  const out: BackfilledBlock[] = [];
  let expected = expectedTop;
  for (let i = raw.length - 1; i >= 0; i--) {
    const height = first + i;
    const d = decodeSyncItem(raw[i] as Uint8Array, config.params);
    const h = d.block.block.header;
    if (h.height !== height) throw new Error(`the block in place of ${height} is block ${h.height}`);
    if (d.block.hash !== expected)
      throw new Error(
        `block ${height} hashes to ${d.block.hash}, but block ${height + 1} follows ${expected}`,
      );
    if (d.commit.height !== height || d.commit.blockHash !== d.block.hash)
      throw new Error(`the commit sent with block ${height} is not for it`);
    if (height === 1 && h.previousHash !== genesisHash)
      throw new Error(`block 1 follows ${h.previousHash}, not this chain's genesis ${genesisHash}`);
    out.push({
      height,
      hash: d.block.hash,
      timeMs: h.timeMs,
      proposer: h.proposer,
      stateRoot: h.stateRoot,
      headerBytes: encodeHeader(h),
      blockBytes: d.blockBytes,
      commitBytes: d.commitBytes,
      txs: d.block.block.txs,
      txBytes: d.block.txBytes,
      txHashes: d.block.txHashes,
    });
    expected = h.previousHash;
  }
  return out;
}
