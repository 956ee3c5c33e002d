import type { SerializedError } from '../../common/errors';
import type { FaceBox, FaceDetectorOptions, PixelFormat } from '../types';

/** workerData of detector.worker.ts. */
export interface DetectorWorkerData {
  options: FaceDetectorOptions;
}

/**
 * Main thread → worker: one full frame (a copy; its buffer is transferred). The worker downscales it
 * for the whole-frame pass and crops its full-resolution windows for the small-face pass.
 */
export interface DetectRequest {
  type: 'detect';
  id: number;
  format: PixelFormat;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Main thread → worker: finish the detection in flight, release the model, and end the thread by
 * itself. A thread ended with `terminate()` in the middle of an ONNX Runtime run aborted the whole
 * process ("terminate called after throwing an instance of 'Napi::Error'").
 */
export interface CloseRequest {
  type: 'close';
}

export type ToDetectorWorker = DetectRequest | CloseRequest;

/** Worker → main thread. */
export type DetectorWorkerMessage =
  | { type: 'ready'; description: string }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; boxes: FaceBox[] }
  | { type: 'result'; id: number; ok: false; error: SerializedError };
