import type { PrivacyPipelineOptions } from '../../../../main/video/pipeline/pipeline';

/** The pipeline tests' options: detect every frame, a deadline far enough to never fire by itself, blur. */
export const TEST_PIPELINE_OPTIONS: PrivacyPipelineOptions = {
  detectEveryFrames: 1,
  deadlineMs: 20_000,
  whenBehind: 'blur',
  maxTrackedFrames: 4,
  anonymize: { replaceWith: 'blur', maskScale: 1.3, threshold: 0.2 },
  masks: [],
};
