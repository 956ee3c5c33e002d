/**
 * How the cameras are composed: capture and detector workers with on-device anonymization, recording
 * with the segment length, retention, the caps on size and rate and the networks cameras may be on
 * from `config.video`, and anchoring of closed segments through the ledger node (under
 * `config.franchiseId`; until it is set they stay 'pending' and the anchoring error says why); and,
 * with `config.video.hqPublicKey`, their publishing to HQ over IPFS on the node's libp2p.
 */
import { join } from 'node:path';
import type { Libp2p } from '@libp2p/interface';
import type { Config } from '../config/schema';
import type { NodeService } from '../node/node-service';
import { LibP2pNetwork } from '../p2p/libp2p-network';
import type { Db } from '../store/db';
import { workerPath } from '../platform/paths';
import type { MediaAnchorer } from '../video/record/anchor';
import { parseKey } from '../video/publish/hq-key';
import { startIpfsNode } from '../video/publish/ipfs-node';
import { SegmentPublisher } from '../video/publish/segment-publisher';
import { VideoService } from '../video/service';
import { defaultVideoOptions } from '../video/service-options';
import type { EventBus } from './events';
import type { Logger } from './logger';

/** What the video service is built with. */
export interface VideoCompositionDeps {
  /** `node.db` (open once its component has started). */
  db: () => Db;
  bus: EventBus;
  now: () => number;
  log: Logger;
  anchorer: MediaAnchorer;
}

/**
 * The video service (built whether or not `config.video.enabled`; only started when it is).
 *
 * @example const video = composeVideo(config, { db: () => nodeDb.get(), bus, now, log, anchorer: node });
 */
export function composeVideo(config: Config, deps: VideoCompositionDeps): VideoService {
  const { bus } = deps;
  const videoDefaults = defaultVideoOptions(config.dataDir, {
    capture: () => workerPath('capture'),
    detector: () => workerPath('detector'),
  });
  const videoOptions = {
    ...videoDefaults,
    segmentMs: config.video.segmentSeconds * 1000,
    retention: {
      ...videoDefaults.retention,
      maxAgeMs: config.video.retentionDays * 86_400_000,
      minFreeBytes: config.video.minFreeBytes,
    },
    capture: { ...videoDefaults.capture, maxWidth: config.video.maxWidth, maxFps: config.video.maxFps },
    cameraNetworks: config.video.cameraNetworks,
  };
  return new VideoService(videoOptions, {
    db: deps.db,
    emit: (e) => bus.emit(e.name, e.payload),
    nowMs: deps.now,
    log: deps.log.child({ component: 'video' }),
    anchorer: deps.anchorer,
  });
}

/**
 * The publisher of recordings to HQ (main/video/publish) when `config.video.hqPublicKey` is set, else
 * undefined: it runs Helia on the ledger node's own libp2p, so the root starts it after the ledger.
 *
 * @example const publisher = composeSegmentPublisher(config, { db: () => nodeDb.get(), node, now, log });
 */
export function composeSegmentPublisher(
  config: Config,
  deps: { db: () => Db; node: NodeService; now: () => number; log: Logger },
): SegmentPublisher | undefined {
  if (!config.video.hqPublicKey) return undefined;
  const libp2p = (): Libp2p | undefined =>
    deps.node.network instanceof LibP2pNetwork ? deps.node.network.libp2p : undefined;
  return new SegmentPublisher(
    {
      hqPublicKey: parseKey(config.video.hqPublicKey, 'video.hqPublicKey'),
      dir: join(config.dataDir, 'ipfs'),
    },
    {
      db: deps.db,
      libp2p,
      startIpfs: startIpfsNode,
      nowMs: deps.now,
      log: deps.log.child({ component: 'video-publish' }),
    },
  );
}
