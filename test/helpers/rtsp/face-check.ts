import { createFaceDetector } from '../../../main/video/detect/index';
import type { FaceBox, FaceDetector, FaceDetectorOptions, Frame } from '../../../main/video/types';

/** The detector settings the camera pipeline runs with (VideoService's default). */
export const CAMERA_DETECTOR: Partial<FaceDetectorOptions> = { model: 'ssd_mobilenetv1', inputSizePx: 416, minScore: 0.2 };

/**
 * The privacy check used on every exit's output: a face is "detectable" if either model finds it
 * with confidence ≥ 0.5 — ssd_mobilenetv1 on a 640 px copy and the tiny face detector at 416 px.
 */
export async function faceChecker(workerFile: string): Promise<FaceDetector & { both: (f: Frame) => Promise<{ ssd: FaceBox[]; tiny: FaceBox[] }> }> {
  const ssd = await createFaceDetector({ model: 'ssd_mobilenetv1', inputSizePx: 640, minScore: 0.5 }, { workerFile });
  const tiny = await createFaceDetector({ model: 'tiny_face_detector', inputSizePx: 416, minScore: 0.5 }, { workerFile });
  const both = async (f: Frame): Promise<{ ssd: FaceBox[]; tiny: FaceBox[] }> => ({ ssd: await ssd.detect(f), tiny: await tiny.detect(f) });
  return {
    description: 'ssd_mobilenetv1@640 ≥0.5 ∪ tiny_face_detector@416 ≥0.5',
    both,
    detect: async (f) => {
      const r = await both(f);
      return [...r.ssd, ...r.tiny];
    },
    dispose: async () => {
      await ssd.dispose();
      await tiny.dispose();
    },
  };
}
