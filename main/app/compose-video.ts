/**
 * How the cameras are composed: capture and detector workers with on-device anonymization, recording
 * with the segment length, retention, the caps on size and rate and the networks cameras may be on
 * from `config.video`, and anchoring of closed segments through the ledger node (under
 * `config.franchiseId`; until it is set they stay 'pending' and the anchoring error says why).
 */
import type { Config } from '../config/schema';
import type { Db } from '../store/db';
import { workerPath } from '../platform/paths';
import type { MediaAnchorer } from '../video/record/anchor';
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
