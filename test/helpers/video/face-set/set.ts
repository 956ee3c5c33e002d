/**
 * The multi-scale face set (issue #17): every still of every variation, plus the symptom still,
 * built in memory from a seed. Ground truth comes from construction, never from a detector.
 */
import { SIZE_BUCKETS } from './buckets';
import { cacheKey, readCachedStills, writeCachedStills } from './cache';
import { VARIATIONS, buildStill, type Still, type Variation } from './stills';
import { buildSymptomStill } from './symptom';

/** The seed the tests and the bench build the set from. */
export const FACE_SET_SEED = 17;

export interface FaceSetOptions {
  seed?: number;
  /** stills per variation (default 2) */
  stillsPerVariation?: number;
  /** which variations (default all, and the symptom still) */
  variations?: readonly Variation[];
  /** read and write the temp-dir cache (default true) */
  cache?: boolean;
}

export interface FaceSet {
  seed: number;
  stills: Still[];
  faces: number;
  byBucket: Record<string, number>;
  byVariation: Record<string, number>;
  /** time to build the stills (or to read them from the cache) */
  buildMs: number;
  fromCache: boolean;
}

export async function buildFaceSet(o: FaceSetOptions = {}): Promise<FaceSet> {
  const seed = o.seed ?? FACE_SET_SEED;
  const per = o.stillsPerVariation ?? 2;
  const variations = o.variations ?? [...VARIATIONS, 'symptom1'];
  const t0 = performance.now();
  const key = o.cache === false ? null : cacheKey({ seed, per, variations });
  const cached = key ? readCachedStills(key) : null;
  const stills: Still[] = cached ?? [];
  if (!cached) {
    for (const v of variations) {
      if (v === 'symptom1') stills.push(await buildSymptomStill(seed));
      else for (let i = 0; i < per; i++) stills.push(await buildStill(v, i, seed));
    }
    if (key) writeCachedStills(key, stills);
  }
  const byBucket = Object.fromEntries(SIZE_BUCKETS.map((b) => [b.name, 0]));
  const byVariation: Record<string, number> = {};
  for (const s of stills) {
    for (const f of s.faces) byBucket[f.bucket] = (byBucket[f.bucket] ?? 0) + 1;
    byVariation[s.variation] = (byVariation[s.variation] ?? 0) + s.faces.length;
  }
  return {
    seed,
    stills,
    faces: stills.reduce((a, s) => a + s.faces.length, 0),
    byBucket,
    byVariation,
    buildMs: performance.now() - t0,
    fromCache: cached !== null,
  };
}
