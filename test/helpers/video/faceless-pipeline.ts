import { DEFAULT_ANONYMIZE_OPTIONS } from '../../../main/video/anonymize';
import { PrivacyPipeline } from '../../../main/video/pipeline/pipeline';
import { frameKernels } from '../../../native/index';

/**
 * A privacy pipeline for tests of the exits (recorder, live view) on frames with no face in them
 * (flat colours, ramps): its detector stand-in finds none, so every frame comes out as an
 * AnonymizedFrame with its pixels unchanged. Tests of detection use the real detector instead.
 */
export function facelessPipeline(why: string): PrivacyPipeline {
  return new PrivacyPipeline(
    {
      detectEveryFrames: 1,
      deadlineMs: 5000,
      whenBehind: 'blur',
      maxTrackedFrames: 1,
      anonymize: DEFAULT_ANONYMIZE_OPTIONS,
      masks: [],
    },
    {
      detector: { description: why, detect: async () => [], dispose: async () => undefined },
      kernels: frameKernels(),
      nowMs: () => performance.now(),
    },
  );
}
