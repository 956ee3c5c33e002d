/**
 * How state snapshots are asked for and served (`/hotpot/<chainId>/snapshot/1`): the client side
 * (`SnapshotProtocol.fetch`: one query, a header, then the announced frames, every limit checked)
 * and the server side (`SnapshotServing`: the query checked, at most two queries per peer at a time,
 * a per-peer byte budget that refills at `bytesPerSecondPerPeer`, answers capped in bytes and frames).
 * `MemoryNetwork` answers through the same `SnapshotServing`, so both networks refuse alike.
 */
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { P2pError, started } from './errors';
import type { Offence } from './peer-scores';
import { isFramingError, readFrames, sendFrame } from './streams';
import type { FetchOptions, P2pLog, SnapshotProvider, SnapshotQuery } from './types';
import {
  decodeJson,
  encodeJson,
  MAX_SNAPSHOT_HEADER_BYTES,
  MAX_SNAPSHOT_REQUEST_BYTES,
  SnapshotRequest,
  SnapshotResponseHeader,
  type SnapshotRefusal,
} from './wire';

/** Limits of the snapshot protocol (both sides). */
export interface SnapshotLimits {
  /** Largest answer, bytes (the server stops adding frames at this size; a client refuses more). */
  maxResponseBytes: number;
  /** Largest single frame (a chunk, a manifest or a header item), bytes. */
  maxFrameBytes: number;
  /** Most headers per query; larger queries are refused (and ours are cut to it). */
  maxHeadersPerRequest: number;
  /** Most manifests in an answer. */
  maxManifests: number;
  /** Queries of one peer served at once; the rest are refused `BUSY`. */
  maxConcurrentPerPeer: number;
  /** Bytes a peer may take per second on average; past its budget it is refused `RATE_LIMITED`. */
  bytesPerSecondPerPeer: number;
  /** Deadline of a query, ms (both sides). */
  timeoutMs: number;
}

/**
 * 32 MiB answers of frames up to 17 MiB (a 16 MiB chunk and its framing), 1,024 headers, 8
 * manifests, two queries per peer at once, 16 MiB/s per peer, 60 s.
 */
export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = {
  maxResponseBytes: 32 * 1024 * 1024,
  maxFrameBytes: 17 * 1024 * 1024,
  maxHeadersPerRequest: 1_024,
  maxManifests: 8,
  maxConcurrentPerPeer: 2,
  bytesPerSecondPerPeer: 16 * 1024 * 1024,
  timeoutMs: 60_000,
};

/** What every query costs from the budget besides its bytes (so empty queries are limited too). */
const QUERY_COST_BYTES = 16 * 1024;

/** One answer: its header and the frames after it. */
export interface SnapshotAnswer {
  header: SnapshotResponseHeader;
  frames: Uint8Array[];
}

/** What the server side uses. */
export interface SnapshotServingDeps {
  limits: SnapshotLimits;
  now: () => number;
  penalize(peerId: string, offence: Offence, reason: string): void;
}

/**
 * The server side without the stream: checks a query, applies the per-peer limits and asks the
 * provider. Call `begin` when a query arrives and `end` once its answer was sent.
 *
 * @example
 * const serving = new SnapshotServing({ limits, now: Date.now, penalize });
 * serving.setProvider(async (q) => …);
 * const answer = await serving.answer(peerId, requestBytes);
 */
export class SnapshotServing {
  private provider: SnapshotProvider | undefined;
  private readonly busy = new Map<string, number>();
  private readonly budgets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly deps: SnapshotServingDeps) {}

  /** See `NodeNetwork.setSnapshotProvider`. */
  setProvider(provider: SnapshotProvider): void {
    this.provider = provider;
  }

  /**
   * Answers one query of `peerId` (the raw request frame) and hands the answer to `deliver`, which
   * still counts as running for the peer's concurrency limit; never throws for a bad query.
   */
  async answer(
    peerId: string,
    request: Uint8Array,
    deliver: (a: SnapshotAnswer) => Promise<void> = async () => {},
  ): Promise<SnapshotAnswer> {
    const running = this.busy.get(peerId) ?? 0;
    this.busy.set(peerId, running + 1);
    try {
      const a = await this.compute(peerId, request, running);
      await deliver(a);
      return a;
    } finally {
      const left = (this.busy.get(peerId) ?? 1) - 1;
      if (left <= 0) this.busy.delete(peerId);
      else this.busy.set(peerId, left);
    }
  }

  private async compute(peerId: string, request: Uint8Array, running: number): Promise<SnapshotAnswer> {
    const { limits } = this.deps;
    const refuse = (code: SnapshotRefusal, message: string, retryAfterMs?: number): SnapshotAnswer => ({
      header: { v: 1, ok: false, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
      frames: [],
    });
    if (running >= limits.maxConcurrentPerPeer)
      return refuse(
        'BUSY',
        `${limits.maxConcurrentPerPeer} snapshot queries of yours are running already; wait for them`,
      );
    const wait = this.waitMs(peerId);
    if (wait > 0)
      return refuse('RATE_LIMITED', `you took your snapshot byte budget; ask again in ${wait} ms`, wait);
    const d = decodeJson(request, SnapshotRequest, MAX_SNAPSHOT_REQUEST_BYTES);
    if (!d.ok) {
      this.deps.penalize(peerId, 'sync-protocol', `bad snapshot request: ${d.error}`);
      return refuse('BAD_REQUEST', d.error);
    }
    const q = d.value;
    if (q.op === 'headers' && q.count > limits.maxHeadersPerRequest)
      return refuse(
        'RANGE_TOO_LARGE',
        `at most ${limits.maxHeadersPerRequest} headers per query, ${q.count} asked`,
      );
    if (!this.provider) return refuse('NO_PROVIDER', 'this node serves no snapshots');
    const query: SnapshotQuery =
      q.op === 'manifests'
        ? { op: 'manifests' }
        : q.op === 'chunk'
          ? { op: 'chunk', height: q.height, index: q.index }
          : { op: 'headers', fromHeight: q.fromHeight, count: q.count };
    const got = await this.provider(query);
    if (got === null)
      return refuse(
        'NOT_FOUND',
        q.op === 'chunk'
          ? `no snapshot at height ${q.height} with a chunk ${q.index} is kept here`
          : `no headers from ${q.op === 'headers' ? q.fromHeight : 0} are kept here`,
      );
    const frames: Uint8Array[] = [];
    let total = 0;
    const most = q.op === 'chunk' ? 1 : q.op === 'manifests' ? limits.maxManifests : q.count;
    for (const f of got.slice(0, most)) {
      if (f.length > limits.maxFrameBytes) break;
      if (frames.length > 0 && total + f.length > limits.maxResponseBytes) break;
      total += f.length;
      frames.push(f);
    }
    this.spend(peerId, total + QUERY_COST_BYTES);
    return { header: { v: 1, ok: true, count: frames.length }, frames };
  }

  /** How long `peerId` must wait before its budget is positive again, ms (0: serve now). */
  private waitMs(peerId: string): number {
    const b = this.refill(peerId);
    if (b.tokens > 0) return 0;
    return Math.ceil(((1 - b.tokens) / this.deps.limits.bytesPerSecondPerPeer) * 1000);
  }

  private spend(peerId: string, bytes: number): void {
    this.refill(peerId).tokens -= bytes;
  }

  /** A peer's budget, refilled up to the cap (one answer's worth or one second's, whichever is more). */
  private refill(peerId: string): { tokens: number; atMs: number } {
    const { bytesPerSecondPerPeer, maxResponseBytes } = this.deps.limits;
    const cap = Math.max(bytesPerSecondPerPeer, maxResponseBytes);
    const now = this.deps.now();
    const b = this.budgets.get(peerId) ?? { tokens: cap, atMs: now };
    b.tokens = Math.min(cap, b.tokens + ((now - b.atMs) * bytesPerSecondPerPeer) / 1000);
    b.atMs = now;
    this.budgets.set(peerId, b);
    if (this.budgets.size > 4096) this.budgets.delete(this.budgets.keys().next().value as string);
    return b;
  }
}

/** How many frames an answer to `query` may have at most. */
export function maxFramesFor(query: SnapshotQuery, limits: SnapshotLimits): number {
  if (query.op === 'chunk') return 1;
  if (query.op === 'manifests') return limits.maxManifests;
  return Math.min(query.count, limits.maxHeadersPerRequest);
}

/** The `P2pError` a refusal header becomes at the client. */
export function refusalError(
  peerId: string,
  header: Extract<SnapshotResponseHeader, { ok: false }>,
): P2pError {
  return new P2pError(
    'SNAPSHOT_REFUSED',
    `peer ${peerId} refused the snapshot query (${header.code}: ${header.message})`,
    {
      peerId,
      code: header.code,
      ...(header.retryAfterMs !== undefined ? { retryAfterMs: header.retryAfterMs } : {}),
    },
  );
}

/** The query as it goes on the wire (headers cut to the limit). */
function requestOf(query: SnapshotQuery, limits: SnapshotLimits): SnapshotRequest {
  if (query.op === 'headers')
    return {
      v: 1,
      op: 'headers',
      fromHeight: query.fromHeight,
      count: Math.min(query.count, limits.maxHeadersPerRequest),
    };
  return { v: 1, ...query };
}

/** Checks a query before it leaves; throws `BAD_REQUEST`. */
export function checkQuery(query: SnapshotQuery): void {
  const ok =
    query.op === 'manifests' ||
    (query.op === 'chunk' &&
      Number.isSafeInteger(query.height) &&
      query.height >= 1 &&
      Number.isSafeInteger(query.index) &&
      query.index >= 0) ||
    (query.op === 'headers' &&
      Number.isSafeInteger(query.fromHeight) &&
      query.fromHeight >= 1 &&
      Number.isSafeInteger(query.count) &&
      query.count >= 1);
  if (!ok)
    throw new P2pError('BAD_REQUEST', `snapshot query ${JSON.stringify(query)} is not well formed`, {
      query: query.op,
    });
}

/** What the libp2p side needs from the network. */
export interface SnapshotProtocolDeps {
  /** The snapshot protocol id of our chain. */
  protocol: string;
  limits: SnapshotLimits;
  log: P2pLog;
  now: () => number;
  /** The libp2p node while the network runs. */
  node(): Pick<Libp2p, 'dialProtocol' | 'getConnections'> | undefined;
  penalize(peerId: string, offence: Offence, reason: string): void;
}

/**
 * Both sides of the snapshot protocol over libp2p.
 *
 * @example
 * const snap = new SnapshotProtocol({ protocol: protocolIds(chainId).snapshot, limits, log, now, node, penalize });
 * await node.handle(snap.protocol, (stream, conn) => snap.serve(stream, conn));
 * const [manifest] = await snap.fetch(peerId, { op: 'manifests' });
 */
export class SnapshotProtocol {
  readonly serving: SnapshotServing;

  constructor(private readonly deps: SnapshotProtocolDeps) {
    this.serving = new SnapshotServing(deps);
  }

  /** See `NodeNetwork.fetchSnapshot`. */
  async fetch(peerId: string, query: SnapshotQuery, options: FetchOptions = {}): Promise<Uint8Array[]> {
    const node = started(this.deps.node());
    checkQuery(query);
    if (node.getConnections(peerIdFromString(peerId)).length === 0)
      throw new P2pError(
        'PEER_NOT_CONNECTED',
        `peer ${peerId} is not connected (pick another from bestPeers())`,
        { peerId },
      );
    const timeoutMs = options.timeoutMs ?? this.deps.limits.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let stream: Stream | undefined;
    try {
      stream = await node.dialProtocol(peerIdFromString(peerId), this.deps.protocol, { signal });
      const frames = await this.read(stream, peerId, query, signal);
      await stream.close({ signal }).catch(() => {});
      return frames;
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof P2pError) throw err;
      if (signal.aborted)
        throw new P2pError(
          'SNAPSHOT_TIMEOUT',
          `peer ${peerId} did not answer the snapshot query (${query.op}) within ${timeoutMs} ms (try another peer)`,
          { peerId, timeoutMs },
        );
      if (isFramingError(err)) return this.violation(peerId, `bad framing (${(err as Error).name})`);
      throw new P2pError(
        'SNAPSHOT_PROTOCOL',
        `snapshot query to peer ${peerId} failed: ${(err as Error).message}`,
        { peerId },
        { cause: err },
      );
    }
  }

  private async read(
    stream: Stream,
    peerId: string,
    query: SnapshotQuery,
    signal: AbortSignal,
  ): Promise<Uint8Array[]> {
    const { maxFrameBytes, maxResponseBytes } = this.deps.limits;
    const frames = readFrames(stream, maxFrameBytes, signal);
    await sendFrame(stream, encodeJson(requestOf(query, this.deps.limits)));
    const first = await frames.next();
    if (first.done)
      throw new P2pError('SNAPSHOT_PROTOCOL', `peer ${peerId} closed the snapshot stream without answering`, {
        peerId,
      });
    const header = decodeJson(first.value.subarray(), SnapshotResponseHeader, MAX_SNAPSHOT_HEADER_BYTES);
    if (!header.ok) return this.violation(peerId, `bad snapshot header: ${header.error}`);
    if (!header.value.ok) throw refusalError(peerId, header.value);
    const most = maxFramesFor(query, this.deps.limits);
    if (header.value.count > most)
      return this.violation(peerId, `announced ${header.value.count} frames, at most ${most} fit the query`);
    const out: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < header.value.count; i++) {
      const f = await frames.next();
      if (f.done) return this.violation(peerId, `sent ${i} of the ${header.value.count} frames it announced`);
      total += f.value.byteLength;
      if (total > maxResponseBytes) return this.violation(peerId, `answer over ${maxResponseBytes} bytes`);
      out.push(f.value.subarray());
    }
    return out;
  }

  private violation(peerId: string, what: string): never {
    this.deps.penalize(peerId, 'sync-protocol', what);
    throw new P2pError(
      'SNAPSHOT_PROTOCOL',
      `peer ${peerId} broke the snapshot protocol: ${what} (peer penalized)`,
      { peerId },
    );
  }

  /** Answers one snapshot query of a peer. */
  async serve(stream: Stream, conn: Connection): Promise<void> {
    const peerId = conn.remotePeer.toString();
    const signal = AbortSignal.timeout(this.deps.limits.timeoutMs);
    try {
      const req = await readFrames(stream, MAX_SNAPSHOT_REQUEST_BYTES, signal).next();
      if (req.done) throw new Error('stream ended before the request');
      await this.serving.answer(peerId, req.value.subarray(), async (a) => {
        await sendFrame(stream, encodeJson(a.header));
        for (const f of a.frames) await sendFrame(stream, f, signal);
        await stream.close({ signal });
      });
    } catch (err) {
      stream.abort(err as Error);
      if (isFramingError(err))
        this.deps.penalize(peerId, 'sync-protocol', `bad snapshot request framing (${(err as Error).name})`);
      else
        this.deps.log.debug({ peer: peerId, err: (err as Error).message }, 'serving a snapshot query failed');
    }
  }
}
