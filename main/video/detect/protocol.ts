import type { SerializedError } from '../../common/errors';
import type { FaceBox, FaceDetectorOptions } from '../types';

/** workerData of detector.worker.ts. */
export interface DetectorWorkerData {
  options: FaceDetectorOptions;
}

/** Main thread → worker: one downscaled rgb24 input (its buffer is transferred). */
export interface DetectRequest {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** Worker → main thread. */
export type DetectorWorkerMessage =
  | { type: 'ready'; description: string }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; boxes: FaceBox[] }
  | { type: 'result'; id: number; ok: false; error: SerializedError };
