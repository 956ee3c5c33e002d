/**
 * Joining from a state snapshot (snapshot sync, the fetching side; as CometBFT's state sync does). A
 * node with an empty ledger asks its peers which snapshots they keep; for the highest one far enough
 * ahead it verifies the headers and commits from its trust root (the genesis and its two first
 * validator sets, or a height and block hash the operator trusts) up to the snapshot's height with
 * the light client, learning each epoch's set from proofs against verified state roots; the verified
 * header must name the manifest's block hash and state root. Then it fetches the chunks in order,
 * restores them into the ledger's state in one SQLite transaction (`LedgerStore.beginRestore`) and
 * checks the rebuilt root, and finally stores the snapshot's block with its commit: the driver starts
 * at the next height. Any refusal (a chunk not in the manifest, a root the commits do not sign,
 * headers that do not verify) reports the peer, rolls the restore back and tries the next
 * candidate; when none is left the node falls back to range sync from genesis.
 */
import { sleep } from './sleep';
import { blockHash, decodeHeader } from '../chain/block';
import { ChainError } from '../chain/errors';
import type { SignatureCheck } from '../chain/keys';
import { HeaderChainVerifier, type TrustRoot } from '../chain/light-client';
import type { ChainConfig } from '../chain/params';
import { type SnapshotManifest, SnapshotRestorer, decodeManifest } from '../chain/snapshot';
import { getValidatorSet } from '../chain/state/access';
import type { Hash } from '../chain/types';
import { P2pError } from '../p2p/errors';
import type { NodeNetwork, P2pLog, PeerView, SnapshotQuery } from '../p2p/types';
import { NodeError } from './errors';
import { type DecodedHeaderItem, decodeHeaderItem } from './header-items';
import type { BackfilledBlock } from './ledger-history';
import type { LedgerStore } from './ledger-store';
import { decodeSyncItem } from './messages';

/** Options of joining (config `sync.snapshot`). */
export interface SnapshotJoinOptions {
  /** Join from a snapshot only when one is at least this many blocks ahead of genesis. */
  minBlocksAhead: number;
  /** Verify from this block instead of from genesis (it must be a height a peer can prove: see the README). */
  trust?: { height: number; hash: Hash };
  /** How long to wait for a peer far enough ahead before syncing from genesis instead, ms. */
  waitForPeersMs: number;
  /** Once a peer is far enough ahead, how long to let more peers connect (more candidates), ms (default 1,000). */
  gatherMs?: number;
  /** Headers per query (the server caps it at 1,024). */
  headersPerRequest?: number;
  /** Deadline of one query, ms. */
  requestTimeoutMs?: number;
}

/** What joining uses. */
export interface SnapshotJoinDeps {
  network: NodeNetwork;
  store: LedgerStore;
  config: ChainConfig;
  log: P2pLog;
  /** Signature checks of the commits (the node's verifier and cache). */
  verify: SignatureCheck;
  now?: () => number;
}

/** What a join did (for the log, tests and the benchmark). */
export interface JoinResult {
  height: number;
  blockHash: Hash;
  stateRoot: Hash;
  peer: string;
  chunks: number;
  entries: number;
  /** Bytes received: manifests, headers, chunks and the snapshot's block. */
  bytesFetched: number;
  headersVerified: number;
  /** Candidates refused before this one (peer id and why). */
  refused: { peer: string; height: number; reason: string }[];
}

/** A snapshot a peer offers. */
interface Candidate {
  peer: string;
  manifest: SnapshotManifest;
}

/** A peer refused what we asked or sent something that does not verify: this candidate is done. */
class CandidateFailed extends Error {
  constructor(
    message: string,
    readonly blame: string | null,
  ) {
    super(message);
  }
}

const POLL_MS = 200;
/** Times the peers' snapshot lists are asked again when every candidate of a list failed. */
const ROUNDS = 3;

/**
 * @example
 * const r = await new SnapshotJoiner(opts, { network, store, config, log, verify }).join(signal);
 * if (r) log.info(r, 'joined from a snapshot'); // else: range sync from genesis
 */
export class SnapshotJoiner {
  private bytes = 0;
  /** Headers verified so far, by height: hash and state root (kept across candidates). */
  private readonly verified = new Map<number, { hash: Hash; stateRoot: Hash }>();
  private verifier: HeaderChainVerifier | undefined;
  private lastItem: DecodedHeaderItem | undefined;
  private readonly refused: JoinResult['refused'] = [];
  private readonly now: () => number;

  constructor(
    private readonly opts: SnapshotJoinOptions,
    private readonly deps: SnapshotJoinDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Joins from the best snapshot peers offer, or returns null (nothing far enough ahead within
   * `waitForPeersMs`, or every candidate refused). Throws only when `signal` aborts or the store fails.
   */
  async join(signal: AbortSignal): Promise<JoinResult | null> {
    const { store, log } = this.deps;
    if (store.chainMeta().height !== 0) return null;
    const blamed = new Set<string>();
    // A peer may drop a snapshot while we verify headers (it keeps only its newest few): then the
    // lists are asked again, a few times, keeping the headers verified so far.
    for (let round = 0; round < ROUNDS; round++) {
      const candidates = (await this.findCandidates(signal)).filter((c) => !blamed.has(c.peer));
      if (candidates.length === 0) {
        if (round === 0)
          log.info(
            { minBlocksAhead: this.opts.minBlocksAhead },
            'no peer offers a state snapshot far enough ahead; syncing blocks from genesis',
          );
        break;
      }
      for (const c of candidates) {
        signal.throwIfAborted();
        if (blamed.has(c.peer)) continue;
        try {
          return await this.joinFrom(c, candidates, signal);
        } catch (err) {
          if (!(err instanceof CandidateFailed)) throw err;
          this.refused.push({ peer: c.peer, height: c.manifest.height, reason: err.message });
          if (err.blame) {
            blamed.add(err.blame);
            this.deps.network.reportPeer(err.blame, 'invalid-snapshot', err.message);
          }
          log.warn(
            { peer: c.peer, height: c.manifest.height, blamed: err.blame, err: err.message },
            'state snapshot refused; trying the next one',
          );
        }
      }
    }
    if (this.refused.length > 0)
      log.warn(
        { tried: this.refused.length },
        'no offered state snapshot verified; syncing blocks from genesis instead',
      );
    return null;
  }

  /** Waits for peers far enough ahead, then asks each for its manifests; best (highest) first. */
  private async findCandidates(signal: AbortSignal): Promise<Candidate[]> {
    const { network, config } = this.deps;
    const min = Math.max(this.opts.minBlocksAhead, this.opts.trust?.height ?? 0, 1);
    const end = this.now() + this.opts.waitForPeersMs;
    const aheadNow = (): PeerView[] => network.bestPeers().filter((p) => (p.status?.height ?? 0) >= min);
    let ahead: PeerView[] = [];
    // The first peers that tell their height decide: on a long chain every peer is far ahead, and on a
    // young one (a new testnet) the node need not wait out the whole period to sync from genesis.
    for (;;) {
      signal.throwIfAborted();
      ahead = aheadNow();
      if (ahead.length > 0 || network.bestPeers().length > 0 || this.now() >= end) break;
      await pause(POLL_MS, signal);
    }
    if (ahead.length > 0) {
      await pause(this.opts.gatherMs ?? 1_000, signal);
      ahead = aheadNow();
    }
    const out: Candidate[] = [];
    for (const p of ahead) {
      let frames: Uint8Array[];
      try {
        frames = await this.fetch(p.id, { op: 'manifests' }, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        continue;
      }
      for (const f of frames) {
        let m: SnapshotManifest;
        try {
          m = decodeManifest(f);
        } catch (err) {
          network.reportPeer(p.id, 'invalid-snapshot', `bad snapshot manifest: ${(err as Error).message}`);
          continue;
        }
        if (m.chainId === config.chainId && m.height >= min) out.push({ peer: p.id, manifest: m });
      }
    }
    return out.sort((a, b) => b.manifest.height - a.manifest.height);
  }

  private async joinFrom(c: Candidate, all: readonly Candidate[], signal: AbortSignal): Promise<JoinResult> {
    const { store, log } = this.deps;
    const m = c.manifest;
    const head = await this.verifyTo(m.height, c.peer, signal);
    if (head.hash !== m.blockHash || head.stateRoot !== m.stateRoot)
      throw new CandidateFailed(
        `the snapshot at ${m.height} names block ${m.blockHash} with root ${m.stateRoot}, but the commits sign block ${head.hash} with root ${head.stateRoot}`,
        c.peer,
      );
    const item = await this.headerAt(m.height, c.peer, signal);
    // Peers with the same manifest can stand in for chunks this peer does not send.
    const same = all.filter(
      (o) => o.manifest.height === m.height && o.manifest.blockHash === m.blockHash && o.peer !== c.peer,
    );
    const restore = store.history.beginRestore();
    try {
      const restorer = new SnapshotRestorer(m, restore.sink);
      const total = m.chunkHashes.length;
      let lastLog = this.now();
      for (let i = 0; i < total; i++) {
        const { bytes, from } = await this.chunk(m.height, i, [c.peer, ...same.map((o) => o.peer)], signal);
        try {
          restorer.addChunk(i, bytes);
        } catch (err) {
          throw new CandidateFailed((err as Error).message, from);
        }
        if (this.now() - lastLog >= 2_000 || i === total - 1) {
          lastLog = this.now();
          log.info({ height: m.height, chunks: `${i + 1}/${total}` }, 'restoring the state snapshot');
        }
      }
      try {
        restorer.finish();
      } catch (err) {
        throw new CandidateFailed((err as Error).message, c.peer);
      }
      const block = await this.blockAt(item, [c.peer, ...same.map((o) => o.peer)], signal);
      restore.complete({
        meta: {
          height: m.height,
          lastBlockHash: m.blockHash,
          lastTimeMs: item.header.timeMs,
          stateRoot: m.stateRoot,
          genesisHash: store.chainInfo().genesisHash,
        },
        block,
      });
    } catch (err) {
      restore.abort();
      throw err;
    }
    const result: JoinResult = {
      height: m.height,
      blockHash: m.blockHash,
      stateRoot: m.stateRoot,
      peer: c.peer,
      chunks: m.chunkHashes.length,
      entries: m.entryCount,
      bytesFetched: this.bytes,
      headersVerified: this.verified.size,
      refused: [...this.refused],
    };
    log.info(result, 'joined the chain from a state snapshot');
    return result;
  }

  /** The trust root: the operator's trusted block, else the genesis and its first two sets. */
  private trustRoot(): TrustRoot {
    const { store } = this.deps;
    if (this.opts.trust)
      return { kind: 'trusted', height: this.opts.trust.height, blockHash: this.opts.trust.hash };
    const set0 = getValidatorSet(store, 0);
    const set1 = getValidatorSet(store, 1);
    if (!set0 || !set1)
      throw new NodeError('BAD_DATA_DIR', 'the genesis state holds no validator sets for epochs 0 and 1');
    return { kind: 'genesis', genesisHash: store.chainInfo().genesisHash, sets: [set0, set1] };
  }

  /**
   * Verifies headers up to `height` (from where earlier candidates left off), asking `first` and then
   * the other connected peers for each range. Returns the verified block's hash and state root.
   */
  private async verifyTo(
    height: number,
    first: string,
    signal: AbortSignal,
  ): Promise<{ hash: Hash; stateRoot: Hash }> {
    const { config, verify } = this.deps;
    this.verifier ??= new HeaderChainVerifier(config, this.trustRoot(), verify);
    const start = this.opts.trust?.height ?? 1;
    const per = this.opts.headersPerRequest ?? 512;
    let lastLog = this.now();
    while ((this.verifier.head?.header.height ?? start - 1) < height) {
      if (this.now() - lastLog >= 2_000) {
        lastLog = this.now();
        this.deps.log.info(
          { verified: this.verifier.head?.header.height ?? start - 1, of: height },
          'verifying block headers and commits up to the state snapshot',
        );
      }
      const from = (this.verifier.head?.header.height ?? start - 1) + 1;
      const count = Math.min(per, height - from + 1);
      let progressed = false;
      let lastWhy = 'no peer has them';
      for (const peer of this.peersFirst(first)) {
        let frames: Uint8Array[];
        try {
          frames = await this.fetch(peer, { op: 'headers', fromHeight: from, count }, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          lastWhy = (err as Error).message;
          continue;
        }
        const n = this.addHeaders(frames, from, peer);
        if (n.added > 0) progressed = true;
        if (n.error) lastWhy = n.error;
        if (progressed) break;
      }
      if (!progressed)
        throw new CandidateFailed(`headers from ${from} could not be verified: ${lastWhy}`, null);
    }
    const v = this.verified.get(height);
    if (!v) throw new CandidateFailed(`header ${height} was not verified`, null);
    return v;
  }

  /** Adds fetched header items to the verifier; a peer whose item does not verify is reported. */
  private addHeaders(
    frames: readonly Uint8Array[],
    from: number,
    peer: string,
  ): { added: number; error?: string } {
    const { config, network } = this.deps;
    const verifier = this.verifier as HeaderChainVerifier;
    let added = 0;
    for (const f of frames) {
      try {
        const item = decodeHeaderItem(f, config.params);
        verifier.add(item);
        this.verified.set(item.header.height, {
          hash: (verifier.head as { hash: Hash }).hash,
          stateRoot: item.header.stateRoot,
        });
        this.lastItem = item;
        added++;
      } catch (err) {
        const why = `header ${from + added} from peer ${peer}: ${(err as Error).message}`;
        // A set nobody proved is a gap in what the peer kept (an older ledger), not a lie; and when the
        // trusted block itself differs, the operator's hash may be the wrong one.
        const trustedFirst = verifier.head === null && this.opts.trust !== undefined;
        if (!(err instanceof ChainError && err.code === 'LIGHT_UNKNOWN_SET') && !trustedFirst)
          network.reportPeer(peer, 'invalid-snapshot', why);
        else if (trustedFirst)
          this.deps.log.warn(
            { peer, trustHeight: this.opts.trust?.height, err: (err as Error).message },
            'a peer sent another block at the trusted height than sync.snapshot.trustHash names; check the trusted hash',
          );
        return { added, error: why };
      }
    }
    return { added };
  }

  /** The verified header item at `height` (the last one verified, or fetched again and matched by hash). */
  private async headerAt(height: number, first: string, signal: AbortSignal): Promise<DecodedHeaderItem> {
    if (this.lastItem?.header.height === height) return this.lastItem;
    const want = this.verified.get(height)?.hash;
    for (const peer of this.peersFirst(first)) {
      try {
        const [f] = await this.fetch(peer, { op: 'headers', fromHeight: height, count: 1 }, signal);
        if (!f) continue;
        const item = decodeHeaderItem(f, this.deps.config.params);
        if (this.verified.get(height) && hashOfHeader(item.headerBytes) === want) return item;
      } catch (err) {
        if (signal.aborted) throw err;
      }
    }
    throw new CandidateFailed(`no peer sent header ${height} again`, null);
  }

  /** Chunk `index` of the snapshot at `height`, from the first of `peers` that sends it. */
  private async chunk(
    height: number,
    index: number,
    peers: readonly string[],
    signal: AbortSignal,
  ): Promise<{ bytes: Uint8Array; from: string }> {
    let lastWhy = '';
    for (const peer of peers) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const [bytes] = await this.fetch(peer, { op: 'chunk', height, index }, signal);
          if (bytes) return { bytes, from: peer };
          lastWhy = `peer ${peer} sent no chunk`;
          break;
        } catch (err) {
          if (signal.aborted) throw err;
          lastWhy = (err as Error).message;
          const d = err instanceof P2pError ? (err.data as { code?: string; retryAfterMs?: number }) : {};
          if (d.code === 'RATE_LIMITED' || d.code === 'BUSY') {
            await pause(Math.min(d.retryAfterMs ?? 500, 10_000), signal);
            continue;
          }
          break;
        }
      }
    }
    throw new CandidateFailed(
      `chunk ${index} of the snapshot at ${height} could not be fetched: ${lastWhy}`,
      null,
    );
  }

  /** The snapshot's block itself (with the verified commit), matched against the verified header. */
  private async blockAt(
    item: DecodedHeaderItem,
    peers: readonly string[],
    signal: AbortSignal,
  ): Promise<BackfilledBlock> {
    const { network, config } = this.deps;
    const height = item.header.height;
    const want = this.verified.get(height)?.hash;
    for (const peer of [...peers, ...this.peersFirst(peers[0] ?? '')]) {
      try {
        const [raw] = await network.fetchBlocks(peer, height, 1, {
          ...(this.opts.requestTimeoutMs ? { timeoutMs: this.opts.requestTimeoutMs } : {}),
          signal,
        });
        if (!raw) continue;
        this.bytes += raw.length;
        const d = decodeSyncItem(raw, config.params);
        if (d.block.hash !== want) {
          network.reportPeer(peer, 'invalid-block', `block ${height} is not the verified one`);
          continue;
        }
        const h = d.block.block.header;
        return {
          height,
          hash: d.block.hash,
          timeMs: h.timeMs,
          proposer: h.proposer,
          stateRoot: h.stateRoot,
          headerBytes: item.headerBytes,
          blockBytes: d.blockBytes,
          commitBytes: item.commitBytes,
          txs: d.block.block.txs,
          txBytes: d.block.txBytes,
          txHashes: d.block.txHashes,
        };
      } catch (err) {
        if (signal.aborted) throw err;
      }
    }
    throw new CandidateFailed(`no peer sent block ${height} itself`, null);
  }

  /** Connected peers with `first` first. */
  private peersFirst(first: string): string[] {
    const others = this.deps.network
      .bestPeers()
      .map((p) => p.id)
      .filter((id) => id !== first);
    return [first, ...others];
  }

  private async fetch(peer: string, query: SnapshotQuery, signal: AbortSignal): Promise<Uint8Array[]> {
    const frames = await this.deps.network.fetchSnapshot(peer, query, {
      ...(this.opts.requestTimeoutMs ? { timeoutMs: this.opts.requestTimeoutMs } : {}),
      signal,
    });
    for (const f of frames) this.bytes += f.length;
    return frames;
  }
}

function hashOfHeader(bytes: Uint8Array): Hash {
  return blockHash(decodeHeader(bytes));
}

/** Waits `ms`; throws once `signal` aborts (joining stops with the node). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  await sleep(ms, signal);
  signal.throwIfAborted();
}
