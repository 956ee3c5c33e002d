import type { Frame } from '../types';

declare const anonymizedBrand: unique symbol;

/** How the frame was made safe: faces looked for and replaced, or the whole frame blurred because detection fell behind. */
export type Treatment = 'faces' | 'fail-closed';

/**
 * A frame that went through the privacy pipeline. The brand cannot be forged outside
 * `pipeline.ts` (the symbol is declared, never exported, and only `markAnonymized` there casts),
 * so every exit — recorder, live view, snapshot, stream — which takes only this type is behind the
 * anonymizer by construction; the compiler refuses a raw `Frame`.
 */
export type AnonymizedFrame = Readonly<Frame> & {
  readonly [anonymizedBrand]: true;
  readonly treatment: Treatment;
  /** Face regions replaced in this frame (0 for fail-closed frames). */
  readonly faces: number;
  /** Capture time (wall clock) of the source frame. */
  readonly capturedAtMs: number;
};
