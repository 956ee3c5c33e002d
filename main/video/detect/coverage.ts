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
  return options.smallFaces === 'off' ? whole : Math.min(whole, smallFacePassMinPx(width, height));
}

/** The tiny network's largest side in the small-face pass: a window of 480 px at 2× (`search/finder.ts`). */
export const SMALL_FACE_NET_MAX_PX = 960;

/**
 * How much the small-face pass enlarges its windows for the tiny detector on a width×height frame:
 * 2× on frames 1080 px or more on their short side (faces from 16 px), more on smaller frames so that
 * a face the same share of the picture is still found, up to 3× (720p and smaller: faces from 11 px;
 * on the face set's 720p stills, 2× missed faces of 11–12 px that 3× finds).
 */
export function smallFaceUpscale(width: number, height: number): number {
  return Math.min(3, Math.max(2, 2160 / Math.max(1, Math.min(width, height))));
}

/** The smallest face (frame pixels) the small-face pass finds on a width×height frame, wherever it looks. */
export function smallFacePassMinPx(width: number, height: number): number {
  return Math.ceil(MIN_FACE_AT_INPUT_PX.tiny_face_detector / smallFaceUpscale(width, height));
}
