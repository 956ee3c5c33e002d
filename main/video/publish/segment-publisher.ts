/**
 * `SegmentPublisher`: every closed segment is sealed to HQ's key and added to the node's IPFS
 * blockstore, in the background, and its copy is unpinned and collected once retention deleted it.
 * It works from the recordings index (node.db), not from the recorder: recording never waits for it,
 * a segment closed while the network was down is published when it is back, and a restart loses
 * nothing.
 */
import { createReadStream } from 'node:fs';
import type { Libp2p } from '@libp2p/interface';
import { hexToBytes } from '@noble/ciphers/utils.js';
import type { Startable } from '../../common/startable';
import type { Db } from '../../store/db';
import { VideoDb } from '../record/video-db';
import { sealChunks } from './envelope';
import { PublishError } from './errors';
import type { IpfsNode } from './ipfs-node';

/** Options of {@link SegmentPublisher}. */
export interface SegmentPublisherOptions {
  /** HQ's X25519 public key (32 bytes): segments are sealed to it. */
  hqPublicKey: Uint8Array;
  /** Helia's blockstore and datastore live here (`<dataDir>/ipfs`). */
  dir: string;
  /** How often the index is looked at for new and deleted segments, ms (default 10 s). */
  everyMs?: number;
  /** The first retry of a failed segment waits this long, doubling to an hour, ms (default 30 s). */
  retryBaseMs?: number;
  /** Plaintext bytes per envelope chunk (default 1 MiB). */
  chunkBytes?: number;
}

/** What the publisher uses: node.db, the node's libp2p once it runs, Helia's starter, a clock and a log. */
export interface SegmentPublisherDeps {
  db: () => Db;
  /** The node's own libp2p (undefined while the ledger's network is not libp2p or not started). */
  libp2p: () => Libp2p | undefined;
  /** `startIpfsNode` of ipfs-node.ts (tests may pass their own). */
  startIpfs: (dir: string, libp2p: Libp2p) => Promise<IpfsNode>;
  nowMs: () => number;
  log: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
  };
}

const MAX_RETRY_MS = 60 * 60_000;

/**
 * Publishes closed segments to HQ over IPFS and unpins what retention deleted.
 *
 * @example
 * const p = new SegmentPublisher({ hqPublicKey, dir: join(dataDir, 'ipfs') }, { db, libp2p: () => net.libp2p, startIpfs: startIpfsNode, nowMs: Date.now, log });
 * await p.start(); await p.runOnce(); await p.stop();
 */
export class SegmentPublisher implements Startable {
  private ipfsNode: IpfsNode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly nextTryMs = new Map<number, number>();
  private stopping = false;

  constructor(
    private readonly opts: SegmentPublisherOptions,
    private readonly deps: SegmentPublisherDeps,
  ) {}

  /** The IPFS node (after start); `bin/hotpot video fetch` and tests read through it. */
  get ipfs(): IpfsNode {
    if (!this.ipfsNode)
      throw new PublishError('NOT_RUNNING', 'the IPFS node is not running (start the publisher first)');
    return this.ipfsNode;
  }

  async start(): Promise<void> {
    const libp2p = this.deps.libp2p();
    if (!libp2p) {
      this.deps.log.warn({}, 'recordings are not published to HQ: the node runs no libp2p network');
      return;
    }
    this.ipfsNode = await this.deps.startIpfs(this.opts.dir, libp2p);
    this.deps.log.info(
      { dir: this.opts.dir, peerId: libp2p.peerId.toString() },
      'publishing recordings to HQ over IPFS',
    );
    this.timer = setInterval(() => void this.runOnce(), this.opts.everyMs ?? 10_000);
    this.timer.unref();
    void this.runOnce();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    const node = this.ipfsNode;
    this.ipfsNode = undefined;
    await node?.stop();
  }

  /** One round: publish what is new (oldest first, failed ones after their backoff), unpin what was deleted. */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const vdb = new VideoDb(this.deps.db());
    for (const row of vdb.deletedStillPinned(64)) {
      if (!this.ipfsNode) return;
      try {
        await this.ipfsNode.unpinAndCollect(row.cid);
        vdb.markUnpinned(row.recordingId, this.deps.nowMs());
        this.deps.log.info(
          { recording: row.recordingId, cid: row.cid },
          'deleted recording unpinned from IPFS',
        );
      } catch (err) {
        this.deps.log.warn(
          { recording: row.recordingId, err: String(err) },
          'could not unpin a deleted recording; retrying next round',
        );
      }
    }
    for (const row of vdb.unpublished(16)) {
      if (!this.ipfsNode || this.stopping) return;
      if ((this.nextTryMs.get(row.id) ?? 0) > this.deps.nowMs()) continue;
      try {
        const cid = await this.ipfsNode.addAndPin(
          sealChunks(
            createReadStream(row.path, { highWaterMark: 1 << 20 }),
            { plainBytes: row.bytes, plainSha256: hexToBytes(row.sha256) },
            this.opts.hqPublicKey,
            this.opts.chunkBytes ? { chunkBytes: this.opts.chunkBytes } : {},
          ),
        );
        vdb.markPublished(row.id, cid, this.deps.nowMs());
        this.nextTryMs.delete(row.id);
        this.deps.log.info(
          { recording: row.id, camera: row.cameraId, cid, sha256: row.sha256 },
          'recording published to HQ',
        );
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        vdb.markPublishFailed(row.id, message);
        const waitMs = Math.min(MAX_RETRY_MS, (this.opts.retryBaseMs ?? 30_000) * 2 ** row.publishAttempts);
        this.nextTryMs.set(row.id, this.deps.nowMs() + waitMs);
        this.deps.log.warn(
          { recording: row.id, error: message, retryInMs: waitMs },
          'could not publish a recording to HQ; will retry',
        );
      }
    }
  }
}
