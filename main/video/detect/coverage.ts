import type { FaceDetectorOptions } from '../types';

/**
 * The smallest face, in pixels of the model's input, each model finds reliably at its native scale
 * (face width, forehead to chin box). Measured with ONNX Runtime on the demo faces pasted at known
 * sizes into 320 px tiles (24 per size): ssd_mobilenetv1 found 23 of 24 faces 24 px wide,
 * tiny_face_detector all 24 at 32 px (and 14 of 24 at 24 px).
 */
export const MIN_FACE_AT_INPUT_PX: Readonly<Record<FaceDetectorOptions['model'], number>> = Object.freeze({
  ssd_mobilenetv1: 24,
  tiny_face_detector: 32,
});

/**
 * The smallest face (width in frame pixels) a detector configured with `options` protects on frames
 * of `width`×`height`: what each camera shows as "faces ≥ N px". A face smaller than this may pass
 * unblurred unless another safeguard (a head region, a fail-closed frame) covers it.
 */
export function protectedFacePx(options: FaceDetectorOptions, width: number, height: number): number {
  const longest = Math.max(width, height);
  const scale = Math.min(1, options.inputSizePx / longest);
  const whole = Math.ceil(MIN_FACE_AT_INPUT_PX[options.model] / scale);
  return options.smallFaces === 'off' ? whole : Math.min(whole, SMALL_FACE_PASS_MIN_PX);
}

/**
 * The smallest face the full-resolution small-face pass finds (the tiny detector at 2×: 32 / 2), in
 * frame pixels, wherever it looks (`search/finder.ts`).
 */
export const SMALL_FACE_PASS_MIN_PX = Math.ceil(MIN_FACE_AT_INPUT_PX.tiny_face_detector / 2);
