// The capture worker: the only place raw camera frames exist (ARCHITECTURE §6). ffmpeg's stdout is
// read here, every frame goes through the privacy pipeline, and only anonymized frames reach the
// exits (recorder, live view, snapshot, stream). Messages out of this worker never carry raw pixels.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../common/errors';
import { frameKernels } from '../../../native/index';
import { createFaceDetector, FaceTracker } from '../detect/index';
import { VideoError } from '../errors';
import { encodeSnapshot, LiveJpegEncoder } from '../live/jpeg';
import { backoffDelayMs } from '../onvif/backoff';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import { PrivacyPipeline } from '../pipeline/pipeline';
import { SegmentRecorder } from '../record/segment-recorder';
import { RtmpPublisher } from '../stream/rtmp';
import { frameBytesOf, startDecoder, type Decoder } from './decoder';
import { FrameReader } from './frame-reader';
import type { CaptureStatus, CaptureWorkerConfig, FromCaptureWorker, ToCaptureWorker } from './protocol';

const port = parentPort!;
const cfg = workerData as CaptureWorkerConfig;
const post = (m: FromCaptureWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const status: CaptureStatus = {
  state: 'starting',
  message: 'starting the detector',
  restarts: 0,
  lastFrameAtMs: null,
  decoderPid: null,
  recording: cfg.record ? 'on' : 'off',
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
    rawDropped: 0,
  },
};
let lastStatusJson = '';
function report(force = false): void {
  const json = JSON.stringify({ ...status, stats: undefined });
  if (!force && json === lastStatusJson) return;
  lastStatusJson = json;
  post({ type: 'status', status: { ...status, stats: { ...status.stats } } });
}
function setState(state: CaptureStatus['state'], message: string): void {
  status.state = state;
  status.message = message;
  report();
}

let stopping = false;
let decoder: Decoder | undefined;
let attempt = 0;
let restartTimer: NodeJS.Timeout | undefined;
let pending: { data: Uint8Array; atMs: number } | undefined;
let processing = false;
const snapshotWaiters: number[] = [];
let stream: RtmpPublisher | undefined;

const kernels = frameKernels();
const detector = await createFaceDetector(cfg.detector.options, {
  workerFile: cfg.detector.workerFile,
  kernels,
}).catch((err: unknown) => {
  post({ type: 'fatal', error: serializeError(err) });
  setState(
    'error',
    `the face detector could not start: ${err instanceof Error ? err.message : String(err)}; nothing is captured without it`,
  );
  return undefined;
});

if (detector) {
  status.detector = detector.description;
  // An error nothing else caught ends this thread, and with it the detector's: close the detector
  // first, since a detector thread cut off in the middle of an ONNX Runtime run aborts the whole
  // process (see CloseRequest in main/video/detect/protocol.ts).
  process.once('uncaughtException', (err) => {
    post({ type: 'fatal', error: serializeError(err) });
    void detector.dispose().finally(() => process.exit(1));
  });
  const pipeline = new PrivacyPipeline(cfg.pipeline, {
    detector,
    tracker: cfg.pipeline.detectEveryFrames > 1 ? new FaceTracker() : undefined,
    kernels,
    nowMs: () => performance.now(),
  });
  const recorder = cfg.record
    ? new SegmentRecorder(
        {
          cameraId: cfg.cameraId,
          dir: cfg.record.dir,
          segmentMs: cfg.record.segmentMs,
          width: cfg.width,
          height: cfg.height,
          fps: cfg.fps,
          pixelFormat: cfg.pixelFormat,
          minFreeBytes: cfg.record.minFreeBytes,
          retryMs: cfg.record.retryMs,
          ffmpegPath: cfg.ffmpegPath,
        },
        {
          nowMs: () => Date.now(),
          onSegment: (segment) => {
            if (status.recording !== 'on') {
              status.recording = 'on';
              status.recordingMessage = '';
              report();
            }
            post({ type: 'segment', segment });
          },
          onError: (code, message) => {
            status.recording = code === 'DISK_FULL' ? 'disk-full' : 'failed';
            status.recordingMessage = message;
            report();
          },
        },
      )
    : undefined;
  const live = cfg.live
    ? new LiveJpegEncoder(
        {
          width: cfg.width,
          height: cfg.height,
          pixelFormat: cfg.pixelFormat,
          fps: cfg.live.fps,
          outWidthPx: cfg.live.outWidthPx,
          ffmpegPath: cfg.ffmpegPath,
        },
        (jpeg, atMs) => {
          const copy = new Uint8Array(jpeg);
          post({ type: 'live', jpeg: copy, atMs }, [copy.buffer]);
        },
      )
    : undefined;

  const exits = (f: AnonymizedFrame): void => {
    recorder?.write(f);
    live?.offer(f);
    stream?.write(f);
    while (snapshotWaiters.length > 0) {
      const id = snapshotWaiters.shift()!;
      encodeSnapshot(f, cfg.ffmpegPath).then(
        (jpeg) => {
          const copy = new Uint8Array(jpeg);
          post({ type: 'snapshot', id, jpeg: copy }, [copy.buffer]);
        },
        (err: unknown) =>
          post({
            type: 'snapshot',
            id,
            error: serializeError(new VideoError('SNAPSHOT_UNAVAILABLE', String(err))),
          }),
      );
    }
  };

  const drain = async (): Promise<void> => {
    if (processing) return;
    processing = true;
    try {
      while (pending && !stopping) {
        const { data, atMs } = pending;
        pending = undefined;
        const out = await pipeline.process(
          { format: cfg.pixelFormat, width: cfg.width, height: cfg.height, data },
          atMs,
        );
        status.stats = { ...pipeline.stats, rawDropped: status.stats.rawDropped };
        // A frame that finished after stop began goes nowhere (the exits are closing).
        if (out && !stopping) exits(out);
      }
    } catch (err) {
      setState('error', `the privacy pipeline failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      processing = false;
    }
  };

  const startCapture = (): void => {
    if (stopping) return;
    const frameBytes = frameBytesOf(cfg.pixelFormat, cfg.width, cfg.height);
    const reader = new FrameReader(frameBytes, (data) => {
      const now = Date.now();
      if (status.state !== 'streaming') {
        attempt = 0;
        status.decoderPid = decoder?.pid() ?? null;
        setState('streaming', `receiving ${cfg.width}x${cfg.height} at ${cfg.fps} fps`);
      }
      status.lastFrameAtMs = now;
      if (pending) {
        // The pipeline is behind: the older raw frame is destroyed, never passed on.
        pending.data.fill(0);
        status.stats.rawDropped++;
      }
      pending = { data, atMs: now };
      void drain();
    });
    try {
      decoder = startDecoder({
        input: cfg.input,
        width: cfg.width,
        height: cfg.height,
        fps: cfg.fps,
        pixelFormat: cfg.pixelFormat,
        ioTimeoutMs: cfg.ioTimeoutMs,
        loopFile: cfg.loopFile,
        realtime: cfg.realtime,
        ffmpegPath: cfg.ffmpegPath,
      });
    } catch (err) {
      setState('error', `cannot start ffmpeg: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const d = decoder;
    d.stdout.on('data', (c: Buffer) => reader.push(c));
    d.stdout.on('error', () => undefined);
    setTimeout(() => {
      status.decoderPid = d.pid();
      report(true);
    }, 200);
    void d.done.then((reason) => {
      reader.reset();
      if (stopping || decoder !== d) return;
      decoder = undefined;
      status.decoderPid = null;
      const delay = backoffDelayMs(
        attempt++,
        { initialMs: cfg.restartInitialMs, maxMs: cfg.restartMaxMs },
        Math.random,
      );
      status.restarts++;
      const why =
        reason === null
          ? 'the stream ended'
          : reason === 'killed'
            ? status.message
            : `ffmpeg stopped: ${reason}`;
      setState('reconnecting', `${why}; reconnecting in ${Math.round(delay / 100) / 10} s`);
      restartTimer = setTimeout(startCapture, delay);
    });
  };

  const watchdog = setInterval(
    () => {
      report(true);
      if (
        status.state === 'streaming' &&
        status.lastFrameAtMs !== null &&
        Date.now() - status.lastFrameAtMs > cfg.stallMs
      ) {
        setState(
          'stalled',
          `no frame for ${Math.round((Date.now() - status.lastFrameAtMs) / 1000)} s (stream stalled); restarting ffmpeg`,
        );
        decoder?.kill();
      }
    },
    Math.min(1000, cfg.stallMs / 2),
  );

  port.on('message', (m: ToCaptureWorker) => {
    switch (m.type) {
      case 'set-masks':
        pipeline.setMasks(m.masks);
        break;
      case 'snapshot':
        snapshotWaiters.push(m.id);
        break;
      case 'stream-start':
        void stream?.stop();
        stream = new RtmpPublisher({
          url: m.url,
          width: cfg.width,
          height: cfg.height,
          fps: cfg.fps,
          pixelFormat: cfg.pixelFormat,
          bitrateKbps: m.bitrateKbps,
          ffmpegPath: cfg.ffmpegPath,
        });
        status.streaming = true;
        report();
        {
          const s = stream;
          void s.done.then((reason) => {
            if (stream === s) {
              stream = undefined;
              status.streaming = false;
              report();
            }
            post({ type: 'stream-ended', reason });
          });
        }
        break;
      case 'stream-stop': {
        const s = stream;
        stream = undefined;
        status.streaming = false;
        report();
        void s?.stop();
        break;
      }
      case 'stop':
        void (async () => {
          stopping = true;
          clearInterval(watchdog);
          clearTimeout(restartTimer);
          decoder?.kill();
          await Promise.allSettled([recorder?.close(), live?.close(), stream?.stop(), detector.dispose()]);
          setState('stopped', 'stopped');
          post({ type: 'stopped' });
          port.close();
        })();
        break;
    }
  });

  setState('starting', `connecting to the camera (${status.detector})`);
  startCapture();
} else {
  port.on('message', (m: ToCaptureWorker) => {
    if (m.type === 'stop') {
      post({ type: 'stopped' });
      port.close();
    }
  });
}
