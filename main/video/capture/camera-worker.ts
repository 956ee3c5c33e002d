import { Worker } from 'node:worker_threads';
import { RemoteError } from '../../common/errors';
import { VideoError } from '../errors';
import type { ClosedSegment } from '../record/segment-recorder';
import type { PrivacyMask } from '../types';
import type { CaptureStatus, CaptureWorkerConfig, FromCaptureWorker, ToCaptureWorker } from './protocol';

/** What the owner of a camera worker hears from it. */
export interface CameraWorkerEvents {
  onStatus: (s: CaptureStatus) => void;
  onLive: (jpeg: Uint8Array, atMs: number) => void;
  onSegment: (s: ClosedSegment) => void;
  onStreamEnded: (id: number, reason: string | null) => void;
  /** The worker itself died (a bug, out of memory): the owner restarts it. */
  onExit: (reason: string) => void;
}

/**
 * Main-thread handle of one camera's capture worker. Raw frames never cross this boundary: the
 * worker sends only status, anonymized JPEGs and closed-segment records.
 */
export class CameraWorker {
  private readonly worker: Worker;
  private nextSnapshot = 1;
  private readonly snapshots = new Map<
    number,
    { resolve: (j: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private stopped: Promise<void> | undefined;
  private exited = false;
  lastStatus: CaptureStatus | undefined;

  constructor(
    workerFile: string,
    config: CaptureWorkerConfig,
    private readonly events: CameraWorkerEvents,
  ) {
    this.worker = new Worker(workerFile, { workerData: config });
    this.worker.on('message', (m: FromCaptureWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.events.onExit(`capture worker crashed: ${err.message}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      for (const s of this.snapshots.values())
        s.reject(
          new VideoError('SNAPSHOT_UNAVAILABLE', 'the capture worker stopped before the snapshot was taken'),
        );
      this.snapshots.clear();
      if (!this.stopped) this.events.onExit(`capture worker exited (code ${code})`);
    });
  }

  private onMessage(m: FromCaptureWorker): void {
    switch (m.type) {
      case 'status':
        this.lastStatus = m.status;
        this.events.onStatus(m.status);
        break;
      case 'live':
        this.events.onLive(m.jpeg, m.atMs);
        break;
      case 'segment':
        this.events.onSegment(m.segment);
        break;
      case 'snapshot': {
        const s = this.snapshots.get(m.id);
        if (!s) break;
        this.snapshots.delete(m.id);
        clearTimeout(s.timer);
        if (m.jpeg) s.resolve(m.jpeg);
        else
          s.reject(
            m.error ? new RemoteError(m.error) : new VideoError('SNAPSHOT_UNAVAILABLE', 'snapshot failed'),
          );
        break;
      }
      case 'stream-ended':
        this.events.onStreamEnded(m.id, m.reason);
        break;
      case 'fatal':
      case 'stopped':
        break;
    }
  }

  private send(m: ToCaptureWorker): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  setMasks(masks: PrivacyMask[]): void {
    this.send({ type: 'set-masks', masks });
  }

  /** Encode live JPEGs (someone watches) or not (nobody does). */
  setLive(on: boolean): void {
    this.send({ type: on ? 'live-on' : 'live-off' });
  }

  /** An anonymized JPEG of the next frame through the pipeline. */
  snapshot(timeoutMs = 10_000): Promise<Uint8Array> {
    const id = this.nextSnapshot++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.snapshots.delete(id);
        reject(
          new VideoError(
            'SNAPSHOT_UNAVAILABLE',
            `no frame came through the camera's pipeline within ${timeoutMs} ms; check its status`,
          ),
        );
      }, timeoutMs);
      this.snapshots.set(id, { resolve, reject, timer });
      this.send({ type: 'snapshot', id });
    });
  }

  startStream(id: number, url: string, bitrateKbps?: number): void {
    this.send({ type: 'stream-start', id, url, bitrateKbps });
  }

  stopStream(): void {
    this.send({ type: 'stream-stop' });
  }

  /** Stops capture, closes the open segment properly, and ends the worker. */
  stop(timeoutMs = 15_000): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => void this.worker.terminate(), timeoutMs);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'stop' });
    });
    return this.stopped;
  }
}
