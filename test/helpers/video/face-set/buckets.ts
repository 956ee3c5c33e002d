/**
 * The size buckets the set is built and reported by: face width (the ground-truth box, forehead to
 * chin as faces.json draws it) in pixels of a 1080p frame. A 4K frame holds the same bucket at twice
 * the pixels, a 720p frame at two thirds.
 */
export interface SizeBucket {
  /** e.g. '12-16' */
  name: string;
  /** width at 1080p, lo ≤ w < hi */
  lo: number;
  hi: number;
}

export const SIZE_BUCKETS: readonly SizeBucket[] = Object.freeze(
  (
    [
      [12, 16],
      [16, 24],
      [24, 32],
      [32, 48],
      [48, 96],
      [96, 200],
      [200, 400],
    ] as const
  ).map(([lo, hi]) => ({ name: `${lo}-${hi}`, lo, hi })),
);

/** A face's width in 1080p pixels, on a frame `frameHeight` tall. */
export function widthAt1080(widthPx: number, frameHeight: number): number {
  return (widthPx * 1080) / frameHeight;
}

/** The bucket of a width in 1080p pixels (faces outside 12–400 go to the nearest end bucket). */
export function bucketOf(width1080: number): SizeBucket {
  return (
    SIZE_BUCKETS.find((b) => width1080 >= b.lo && width1080 < b.hi) ??
    (width1080 < SIZE_BUCKETS[0]!.lo ? SIZE_BUCKETS[0]! : SIZE_BUCKETS[SIZE_BUCKETS.length - 1]!)
  );
}
