/**
 * What a capture worker says about itself: its {@link CaptureStatus}, sent to the owner when it
 * changes (counters alone do not count as a change) or when a report is forced (the watchdog's beat).
 */
import type { CaptureStatus, FromCaptureWorker } from './protocol';

/** Holds one camera's capture status and reports it through `post`. */
export class CaptureStatusReporter {
  /** The status as it stands; the session updates its fields and calls {@link report}. */
  readonly status: CaptureStatus;
  private lastStatusJson = '';

  constructor(
    recording: boolean,
    private readonly post: (m: FromCaptureWorker) => void,
  ) {
    this.status = {
      state: 'starting',
      message: 'starting the detector',
      restarts: 0,
      lastFrameAtMs: null,
      decoderPid: null,
      recording: recording ? 'on' : 'off',
      recordingMessage: '',
      streaming: false,
      detector: '',
      stats: {
        frames: 0,
        detections: 0,
        detectionsLate: 0,
        failClosed: 0,
        dropped: 0,
        lastDetectMs: 0,
        detectorErrors: 0,
        sceneChanges: 0,
        badFrames: 0,
        rawDropped: 0,
        liveJpegs: 0,
      },
    };
  }

  /** Sends the status when anything but the counters changed since the last report, or always when `force`. */
  report(force = false): void {
    const status = this.status;
    const json = JSON.stringify({ ...status, stats: undefined });
    if (!force && json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.post({ type: 'status', status: { ...status, stats: { ...status.stats } } });
  }

  /** Sets the state and its message, and reports. */
  setState(state: CaptureStatus['state'], message: string): void {
    this.status.state = state;
    this.status.message = message;
    this.report();
  }
}
