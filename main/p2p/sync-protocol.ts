/**
 * How ranges of blocks are asked for and served (the sync protocol, `/hotpot/<chainId>/sync/1`):
 * the client side (`fetch`: one request, a header, then the announced block frames, every limit
 * checked) and the server side (`serve`: at most two requests per peer at a time, capped in bytes).
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { P2pError, started } from './errors';
import type { Offence } from './peer-scores';
import { isFramingError, readFrames, sendFrame } from './streams';
import type { BlockProvider, FetchOptions, P2pLog } from './types';
import {
  decodeJson,
  encodeJson,
  MAX_SYNC_HEADER_BYTES,
  MAX_SYNC_REQUEST_BYTES,
  SyncRequest,
  SyncResponseHeader,
  type SyncRefusal,
} from './wire';

/** The sync protocol's limits (the network's options with their defaults applied). */
export interface SyncLimits {
  /** Most blocks per request; larger requests are refused (and ours are cut to it). */
  maxBlocksPerRequest: number;
  /** Largest encoded block with its commit, bytes. */
  maxBlockBytes: number;
  /** Largest response, bytes. */
  maxSyncResponseBytes: number;
  /** Deadline of a request, ms (both sides). */
  syncTimeoutMs: number;
}

/** What the sync protocol needs from the network. */
export interface SyncProtocolDeps {
  /** The sync protocol id of our chain. */
  protocol: string;
  limits: SyncLimits;
  log: P2pLog;
  /** The libp2p node while the network runs. */
  node(): Pick<Libp2p, 'dialProtocol' | 'getConnections'> | undefined;
  penalize(peerId: string, offence: Offence, reason: string): void;
}

/** One `fetch` in flight: what was asked of whom, and its deadline. */
interface FetchRequest {
  peerId: string;
  fromHeight: number;
  /** Blocks asked for (the caller's count cut to `maxBlocksPerRequest`). */
  n: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Both sides of the sync protocol.
 *
 * @example
 * const sync = new SyncProtocol({ protocol: protocolIds(chainId).sync, limits, log, node, penalize });
 * await node.handle(sync.protocol, (stream, conn) => sync.serve(stream, conn));
 * const blocks = await sync.fetch(peerId, 101, 50);
 */
export class SyncProtocol {
  private provider: BlockProvider | undefined;
  /** Requests being served, by peer id. */
  private readonly serving = new Map<string, number>();

  constructor(private readonly deps: SyncProtocolDeps) {}

  /** See `NodeNetwork.setBlockProvider`. */
  setProvider(provider: BlockProvider): void {
    this.provider = provider;
  }

  /** See `NodeNetwork.fetchBlocks`. */
  async fetch(
    peerId: string,
    fromHeight: number,
    count: number,
    options: FetchOptions = {},
  ): Promise<Uint8Array[]> {
    const node = started(this.deps.node());
    if (!Number.isInteger(fromHeight) || fromHeight < 0 || !Number.isInteger(count) || count < 1) {
      throw new P2pError(
        'BAD_REQUEST',
        `cannot fetch ${count} blocks from height ${fromHeight}: expected a height ≥ 0 and a count ≥ 1`,
        { fromHeight, count },
      );
    }
    if (node.getConnections(peerIdFromString(peerId)).length === 0) {
      throw new P2pError(
        'PEER_NOT_CONNECTED',
        `peer ${peerId} is not connected (pick another from bestPeers())`,
        { peerId },
      );
    }
    const n = Math.min(count, this.deps.limits.maxBlocksPerRequest);
    const timeoutMs = options.timeoutMs ?? this.deps.limits.syncTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const req: FetchRequest = { peerId, fromHeight, n, timeoutMs, signal };
    let stream: Stream;
    try {
      stream = await node.dialProtocol(peerIdFromString(peerId), this.deps.protocol, { signal });
    } catch (err) {
      return this.fetchFailed(req, err);
    }
    try {
      const blocks = await this.readBlocks(stream, req);
      await stream.close({ signal }).catch(() => {});
      return blocks;
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      return this.fetchFailed(req, err);
    }
  }

  /** Sends the request and reads the answer: the header, then the blocks it announced. */
  private async readBlocks(stream: Stream, req: FetchRequest): Promise<Uint8Array[]> {
    const { peerId, n } = req;
    const { maxBlockBytes, maxSyncResponseBytes } = this.deps.limits;
    const frames = readFrames(stream, maxBlockBytes, req.signal);
    await sendFrame(stream, encodeJson({ v: 1, fromHeight: req.fromHeight, count: n }));
    const first = await frames.next();
    if (first.done)
      throw new P2pError('SYNC_PROTOCOL', `peer ${peerId} closed the sync stream without answering`, {
        peerId,
      });
    const header = decodeJson(first.value.subarray(), SyncResponseHeader, MAX_SYNC_HEADER_BYTES);
    if (!header.ok) return this.protocolViolation(peerId, `bad sync header: ${header.error}`);
    if (!header.value.ok) {
      throw new P2pError(
        'SYNC_REFUSED',
        `peer ${peerId} refused the sync request (${header.value.code}: ${header.value.message})`,
        { peerId, code: header.value.code },
      );
    }
    if (header.value.count > n)
      return this.protocolViolation(peerId, `announced ${header.value.count} blocks, ${n} were asked for`);
    const blocks: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < header.value.count; i++) {
      const f = await frames.next();
      if (f.done)
        return this.protocolViolation(peerId, `sent ${i} of the ${header.value.count} blocks it announced`);
      total += f.value.byteLength;
      if (total > maxSyncResponseBytes)
        return this.protocolViolation(peerId, `sync response over ${maxSyncResponseBytes} bytes`);
      blocks.push(f.value.subarray());
    }
    return blocks;
  }

  /** Turns whatever ended a fetch into the `P2pError` the caller gets (penalizing bad framing). */
  private fetchFailed(req: FetchRequest, err: unknown): never {
    const { peerId } = req;
    if (err instanceof P2pError) throw err;
    if (req.signal.aborted)
      throw new P2pError(
        'SYNC_TIMEOUT',
        `peer ${peerId} did not send ${req.n} blocks from ${req.fromHeight} within ${req.timeoutMs} ms (try another peer)`,
        { peerId, timeoutMs: req.timeoutMs },
      );
    if (isFramingError(err)) {
      this.deps.penalize(peerId, 'sync-protocol', `bad sync response framing (${(err as Error).name})`);
      throw new P2pError(
        'SYNC_PROTOCOL',
        `peer ${peerId} sent a badly framed or oversized sync response (peer penalized; limit ${this.deps.limits.maxBlockBytes} bytes per block)`,
        { peerId },
      );
    }
    throw new P2pError(
      'SYNC_PROTOCOL',
      `sync from peer ${peerId} failed: ${(err as Error).message}`,
      { peerId },
      { cause: err },
    );
  }

  private protocolViolation(peerId: string, what: string): never {
    this.deps.penalize(peerId, 'sync-protocol', what);
    throw new P2pError('SYNC_PROTOCOL', `peer ${peerId} broke the sync protocol: ${what} (peer penalized)`, {
      peerId,
    });
  }

  /** Answers a peer's sync request (at most two per peer at a time; the rest are refused `BUSY`). */
  async serve(stream: Stream, conn: Connection): Promise<void> {
    const peerId = conn.remotePeer.toString();
    const { maxBlocksPerRequest, maxBlockBytes, maxSyncResponseBytes, syncTimeoutMs } = this.deps.limits;
    const signal = AbortSignal.timeout(syncTimeoutMs);
    const refuse = async (code: SyncRefusal, message: string): Promise<void> => {
      await sendFrame(stream, encodeJson({ v: 1, ok: false, code, message }));
      await stream.close({ signal });
    };
    const busy = this.serving.get(peerId) ?? 0;
    this.serving.set(peerId, busy + 1);
    try {
      if (busy >= 2)
        return await refuse('BUSY', 'two sync requests of yours are running already; wait for them');
      const req = await readFrames(stream, MAX_SYNC_REQUEST_BYTES, signal).next();
      if (req.done) throw new Error('stream ended before the request');
      const d = decodeJson(req.value.subarray(), SyncRequest, MAX_SYNC_REQUEST_BYTES);
      if (!d.ok) {
        this.deps.penalize(peerId, 'sync-protocol', `bad sync request: ${d.error}`);
        return await refuse('BAD_REQUEST', d.error);
      }
      if (d.value.count > maxBlocksPerRequest) {
        return await refuse(
          'RANGE_TOO_LARGE',
          `at most ${maxBlocksPerRequest} blocks per request, ${d.value.count} asked`,
        );
      }
      if (!this.provider) return await refuse('NO_PROVIDER', 'this node serves no blocks yet');
      const blocks = await this.provider(d.value.fromHeight, d.value.count);
      const out: Uint8Array[] = [];
      let total = 0;
      for (const b of blocks.slice(0, d.value.count)) {
        if (b.length > maxBlockBytes) break;
        if (out.length > 0 && total + b.length > maxSyncResponseBytes) break;
        total += b.length;
        out.push(b);
      }
      await sendFrame(stream, encodeJson({ v: 1, ok: true, count: out.length }));
      for (const b of out) await sendFrame(stream, b, signal);
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err as Error);
      if (isFramingError(err))
        this.deps.penalize(peerId, 'sync-protocol', `bad sync request framing (${(err as Error).name})`);
      else this.deps.log.debug({ peer: peerId, err: (err as Error).message }, 'serving sync failed');
    } finally {
      const left = (this.serving.get(peerId) ?? 1) - 1;
      if (left <= 0) this.serving.delete(peerId);
      else this.serving.set(peerId, left);
    }
  }
}
