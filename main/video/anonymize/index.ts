/**
 * Face anonymization on frames: `anonymizeFrame` (blur / pixelate / solid on enlarged face boxes,
 * privacy masks burned in) and `failClosed` (whole-frame blur when detection falls behind).
 * The pixel work runs in the native kernels (`native/index.ts`), or their JavaScript twin.
 */
export {
  DEFAULT_ANONYMIZE_OPTIONS,
  SOLID_RGB,
  anonymizeFrame,
  blurRadiusFor,
  checkPrivacyMask,
  enlargeBox,
  failClosed,
  mergeRegions,
  parseAnonymizeOptions,
  pixelBlockFor,
} from './anonymize';
export { AnonymizeError, type AnonymizeErrorCode } from './errors';
export { decodeImage, encodeImage, ffmpegBin, ffprobeBin, probeMedia, type MediaInfo } from './media';
export {
  DEFAULT_FILE_OPTIONS,
  IMAGE_EXTENSIONS,
  anonymizeFile,
  type AnonymizeFileDeps,
  type AnonymizeFileOptions,
  type AnonymizeFileResult,
  type FileProgress,
} from './file';
