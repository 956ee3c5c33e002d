// The demo face photos and their ground truth (test/fixtures/video/faces.json), decoded once per file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../../../main/video/anonymize';
import { appRoot } from '../../../../main/app/paths';
import type { Frame, Rect } from '../../../../main/video/types';

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
