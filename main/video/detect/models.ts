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

/** Reads a model's manifest and shards from the installed package. */
export function readModelFiles(model: FaceModel, dir = faceApiModelDir()): ModelFiles {
  const manifestPath = join(dir, MANIFEST[model]);
  if (!existsSync(manifestPath)) {
    throw new DetectError(
      'MODEL_MISSING',
      `model ${model} not found at ${manifestPath}: reinstall @vladmandic/face-api (bin/hotpot setup)`,
      { model },
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Array<{
    paths: string[];
    weights: WeightSpec[];
  }>;
  const specs = manifest.flatMap((g) => g.weights);
  const shards = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(shards);
  const weights = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { model, specs, weights, dir };
}
