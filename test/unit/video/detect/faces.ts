// The demo face photos and their ground truth (test/fixtures/video/faces.json), decoded once per file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../../../main/video/anonymize';
import { appRoot } from '../../../../main/platform/paths';
import { expect } from 'vitest';
import { scoreDetections, sumRecall, type RecallResult } from '../../../../main/video/detect';
import type { FaceDetector, Frame, Rect } from '../../../../main/video/types';

export interface FacePhoto {
  file: string;
  path: string;
  width: number;
  height: number;
  faces: Rect[];
}

export function facePhotos(): FacePhoto[] {
  const root = appRoot();
  const j = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'video', 'faces.json'), 'utf8')) as {
    dir: string;
    images: Array<Omit<FacePhoto, 'path'>>;
  };
  return j.images.map((i) => ({ ...i, path: join(root, j.dir, i.file) }));
}

export async function loadPhoto(p: FacePhoto): Promise<Frame> {
  const f = await decodeImage(p.path);
  if (f.width !== p.width || f.height !== p.height)
    throw new Error(`${p.file} is ${f.width}x${f.height}, faces.json says ${p.width}x${p.height}`);
  return f;
}

/** Runs `detector` on every photo, checks each box lies inside its photo, and sums recall at score ≥ 0.2. */
export async function recallOnPhotos(
  detector: FaceDetector,
  photos: readonly FacePhoto[],
  frames: readonly Frame[],
): Promise<RecallResult> {
  const results: RecallResult[] = [];
  for (const [i, p] of photos.entries()) {
    const boxes = await detector.detect(frames[i]!);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(p.width);
      expect(b.y + b.height).toBeLessThanOrEqual(p.height);
    }
    results.push(
      scoreDetections(
        p.faces,
        boxes.filter((b) => b.score >= 0.2),
      ),
    );
  }
  return sumRecall(results);
}
