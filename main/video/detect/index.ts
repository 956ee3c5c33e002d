/**
 * On-device face detection (face-api's models from npm, run by ONNX Runtime or TensorFlow.js) and the tracker that carries
 * boxes between detections.
 *
 * @example
 * const detector = await createFaceDetector({}, { workerFile: workerPath('detector') }); // worker thread, tiny face detector @416
 * const tracker = new FaceTracker();
 * tracker.update(await detector.detect(frame), frameIndex); // on detection frames
 * const boxes = tracker.predict(frameIndex);                // on every frame
 */
export {
  DEFAULT_DETECTOR_OPTIONS,
  DetectorEngine,
  initTfBackend,
  mapBoxesToFrame,
  parseDetectorOptions,
  prepareDetectorInput,
  wasmFeatures,
  type DetectorInput,
} from './engine';
export { tinyInputTensorData } from './tiny-input';
export { createInProcessDetector } from './in-process';
export { FaceFinder, type FindReport } from './search/finder';
export { loadOnnxRuntime } from './onnx/runtime';
export { createFaceDetector, type WorkerDetectorDeps, type WorkerFaceDetector } from './worker-detector';
export { DetectError, type DetectErrorCode } from './errors';
export { DEFAULT_TRACKER_OPTIONS, FaceTracker, iou, type Track, type TrackerOptions } from './tracker';
export { coverage, scoreDetections, sumRecall, type RecallResult } from './recall';
export { faceApiModelDir, readModelFiles } from './models';
export { MIN_FACE_AT_INPUT_PX, protectedFacePx, smallFacePassMinPx, smallFaceUpscale } from './coverage';
