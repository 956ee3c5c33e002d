/** What the node runs a camera with, read from the video service's own defaults, for the video bench's parts. */
import { defaultVideoOptions, detectEveryFramesFor } from '../../../main/video/service-options';
import type { FaceDetectorOptions } from '../../../main/video/types';

/** The video service's defaults (worker files are not needed to read them). */
export const NODE_VIDEO = defaultVideoOptions('/nonexistent', { capture: () => '', detector: () => '' });

/** What cameras run (VideoService's default detector). */
export const CAMERA_DEFAULT: Partial<FaceDetectorOptions> = NODE_VIDEO.detector;

/** The node's detection cadence at `fps`: the detector runs on every k-th frame (and on scene changes). */
export const nodeDetectEvery = (fps: number): number =>
  detectEveryFramesFor(fps, NODE_VIDEO.pipeline.detectFps);

/** A detector configuration as the rows name it, e.g. 'ssd_mobilenetv1@512 ≥0.2' (other options appended as key=value). */
export const describeOpts = (o: Partial<FaceDetectorOptions>): string => {
  const { model, inputSizePx, minScore, ...rest } = o;
  const extra = Object.entries(rest).map(([k, v]) => ` ${k}=${String(v)}`);
  return `${model}@${inputSizePx} ≥${minScore ?? 0.2}${extra.join('')}`;
};

/** The tiny face detector at `inputSizePx`, score ≥ 0.2. */
export const tiny = (inputSizePx: number): Partial<FaceDetectorOptions> => ({
  model: 'tiny_face_detector',
  inputSizePx,
  minScore: 0.2,
});

/** The decode size the node gives a camera of width×height (capture.maxWidth when set, even sides; recording-format.ts). */
export function nodeCaptureSize(width: number, height: number): { width: number; height: number } {
  const cap = NODE_VIDEO.capture.maxWidth ?? width;
  const scale = Math.min(1, cap / width);
  return {
    width: Math.max(2, Math.round((width * scale) / 2) * 2),
    height: Math.max(2, Math.round((height * scale) / 2) * 2),
  };
}
