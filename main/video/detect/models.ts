import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceModel } from '../types';
import { DetectError } from './errors';

/** One weight tensor's spec, as in a tfjs weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/** A model's weight specs and their concatenated shard bytes, read from the npm package on disk (no network). */
export interface ModelFiles {
  model: FaceModel;
  specs: WeightSpec[];
  weights: ArrayBuffer;
  dir: string;
}

const MANIFEST: Record<FaceModel, string> = {
  tiny_face_detector: 'tiny_face_detector_model-weights_manifest.json',
  ssd_mobilenetv1: 'ssd_mobilenetv1_model-weights_manifest.json',
};

/**
 * SHA-256 of each model's manifest and of its weights (its shards in manifest order) as
 * @vladmandic/face-api 1.7.15 ships them (package.json pins that version). Files that differ are
 * refused: weights damaged in place load without complaint and find fewer faces, or none (all-zero
 * tiny_face_detector weights find none; test/unit/video/pipeline/bad-input.test.ts). Another
 * face-api version needs these updated, once the detection tests pass on its models.
 */
const MODEL_SHA256: Record<FaceModel, { manifest: string; weights: string }> = {
  tiny_face_detector: {
    manifest: '5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5',
    weights: 'b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871',
  },
  ssd_mobilenetv1: {
    manifest: '888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955',
    weights: '2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8',
  },
};

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Directory of `@vladmandic/face-api/model/` as installed. */
export function faceApiModelDir(): string {
  const req = createRequire(import.meta.url);
  try {
    return join(dirname(req.resolve('@vladmandic/face-api/package.json')), 'model');
  } catch (err) {
    throw new DetectError(
      'MODEL_MISSING',
      'the face model package @vladmandic/face-api is not installed: run bin/hotpot setup',
      {},
      { cause: err },
    );
  }
}

/**
 * Reads a model's manifest and shards from the installed package, and checks them against
 * {@link MODEL_SHA256}: a damaged or different model is refused, never run.
 */
export function readModelFiles(model: FaceModel, dir = faceApiModelDir()): ModelFiles {
  const manifestPath = join(dir, MANIFEST[model]);
  if (!existsSync(manifestPath)) {
    throw new DetectError(
      'MODEL_MISSING',
      `model ${model} not found at ${manifestPath}: reinstall @vladmandic/face-api (bin/hotpot setup)`,
      { model },
    );
  }
  const damaged = (what: string, cause?: unknown): DetectError =>
    new DetectError(
      'MODEL_MISSING',
      `model ${model} at ${dir} is damaged (${what}): reinstall @vladmandic/face-api (bin/hotpot setup)`,
      { model },
      cause === undefined ? undefined : { cause },
    );
  const manifestBytes = readFileSync(manifestPath);
  if (sha256(manifestBytes) !== MODEL_SHA256[model].manifest)
    throw damaged(`${MANIFEST[model]} is not the one face-api 1.7.15 ships`);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Array<{
    paths: string[];
    weights: WeightSpec[];
  }>;
  const specs = manifest.flatMap((g) => g.weights);
  let all: Buffer;
  try {
    all = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  } catch (err) {
    throw damaged(`its weights cannot be read: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (sha256(all) !== MODEL_SHA256[model].weights)
    throw damaged('its weights are not those face-api 1.7.15 ships');
  const weights = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { model, specs, weights, dir };
}
