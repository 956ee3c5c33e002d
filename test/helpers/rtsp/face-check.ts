import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { encodeImage } from '../../../main/video/anonymize/media';
import { createFaceDetector } from '../../../main/video/detect/index';
import { defaultVideoOptions } from '../../../main/video/service-options';
import type { FaceDetectorOptions, Frame } from '../../../main/video/types';
import type { WorkerFaceDetector } from '../../../main/video/detect/index';

/** The detector settings the camera pipeline runs with (VideoService's default). */
export const CAMERA_DETECTOR: Partial<FaceDetectorOptions> = defaultVideoOptions('/nonexistent', {
  capture: () => '',
  detector: () => '',
}).detector;

/**
 * The privacy check used on every exit's output: "a face is detectable" if ssd_mobilenetv1 finds it
 * with confidence ≥ 0.5 on a 640 px copy (a larger input than the pipeline's 512 px, so on ONNX
 * Runtime it sees small faces better than the pipeline does). The tiny face detector was tried as a
 * second checker and dropped: at ≥ 0.5 it fires on blurred boxes and clothing (false positives),
 * below that on noise.
 */
export const FACE_CHECKER: Readonly<Partial<FaceDetectorOptions>> = Object.freeze({
  model: 'ssd_mobilenetv1',
  inputSizePx: 640,
  minScore: 0.5,
});

/** {@link FACE_CHECKER} in a worker thread. */
export function faceChecker(workerFile: string): Promise<WorkerFaceDetector> {
  return createFaceDetector(FACE_CHECKER, { workerFile });
}

/**
 * Keeps a frame in which the checker still found a face, for a human to look at:
 * `test/.tmp/failures/<name>.png` and the boxes found in `<name>.json`.
 */
export async function saveFailureFrame(name: string, frame: Frame, found: unknown): Promise<void> {
  const dir = join(appRoot(), 'test', '.tmp', 'failures');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, name.replace(/[^\w.-]+/g, '_'));
  await encodeImage(frame, `${base}.png`);
  writeFileSync(`${base}.json`, JSON.stringify(found));
}
