import { frameKernels, type FrameKernels } from '../../../native';
import type { FaceBox, FaceDetector, FaceDetectorOptions, Frame } from '../types';
import { parseDetectorOptions } from './engine';
import { FaceFinder } from './search/finder';

/**
 * A `FaceDetector` running in the calling thread: for use inside a worker that already owns the
 * frames, in benchmarks, or in tests. Elsewhere use `createFaceDetector`, which runs in a worker.
 */
export async function createInProcessDetector(
  input: Partial<FaceDetectorOptions> = {},
  kernels: FrameKernels = frameKernels(),
): Promise<FaceDetector & { readonly finder: FaceFinder }> {
  const finder = await FaceFinder.create(parseDetectorOptions(input), kernels);
  return {
    description: finder.description,
    finder,
    detect: (frame: Frame): Promise<FaceBox[]> => finder.find(frame),
    dispose: (): Promise<void> => finder.dispose(),
  };
}
