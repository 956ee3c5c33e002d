/**
 * The multi-scale face set of issue #17 and its detector-free privacy checker.
 *
 * @example
 * const set = await buildFaceSet();                       // stills with ground truth, by construction
 * const out = anonymize(set.stills[0].frame);            // what the node would let out
 * facesVisibility(set.stills[0].frame, out, set.stills[0].faces.map((f) => f.box)); // per face: visibleFraction, leaked
 */
export { SIZE_BUCKETS, bucketOf, widthAt1080, type SizeBucket } from './buckets';
export {
  DEFAULT_CLIP,
  clipFormat,
  faceClipFrames,
  writeFaceClip,
  type ClipFace,
  type ClipFormat,
  type ClipOptions,
} from './clip';
export type { TruthFace } from './compose';
export { h264RoundTrip, h264RoundTrips } from './h264';
export { FACE_SET_SEED, buildFaceSet, type FaceSet, type FaceSetOptions } from './set';
export { VARIATIONS, buildStill, type Still, type Variation } from './stills';
export { WALKER_WIDTHS, buildSymptomStill, writeSymptomStill } from './symptom';
export {
  DEFAULT_VISIBILITY,
  faceVisibility,
  facesVisibility,
  type FaceVisibility,
  type VisibilityOptions,
} from './visibility';
