/**
 * Where the set's faces come from: the 22 faces of the face-api demo photos
 * (node_modules/@vladmandic/face-api/demo/sample1-6.jpg), boxes from test/fixtures/video/faces.json
 * (forehead to chin). Each face is cut with context around it (hair, neck): the box enlarged by up
 * to 60% of its size on each side, less where that would reach another face of the photo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../../../main/video/anonymize';
import { appRoot } from '../../../../main/platform/paths';
import type { Rect } from '../../../../main/video/types';
import { buildPyramid, overlaps, type BytePyramid } from './image';

/** The most context cut around a face, per side, as a fraction of its box. */
export const MAX_CONTEXT = 0.6;
/** The least context a source face may have (a face crowded by its neighbours). */
export const MIN_CONTEXT = 0.2;

export interface SourcePhoto {
  file: string;
  width: number;
  height: number;
  faces: Rect[];
  pyramid: BytePyramid;
}

/** One face to paste: its photo, its ground-truth box there, and the context cut around it. */
export interface SourceFace {
  /** e.g. 'sample5.jpg#2' */
  id: string;
  photo: SourcePhoto;
  box: Rect;
  /** context per side, as a fraction of the box (≤ MAX_CONTEXT) */
  context: number;
}

interface FacesJson {
  dir: string;
  images: Array<{ file: string; width: number; height: number; faces: Rect[] }>;
}

export function readFacesJson(): FacesJson {
  return JSON.parse(
    readFileSync(join(appRoot(), 'test', 'fixtures', 'video', 'faces.json'), 'utf8'),
  ) as FacesJson;
}

/** `box` enlarged by `e` of its size on each side. */
export function withContext(box: Rect, e: number): Rect {
  return {
    x: box.x - e * box.width,
    y: box.y - e * box.height,
    width: box.width * (1 + 2 * e),
    height: box.height * (1 + 2 * e),
  };
}

/** The largest context (in steps of 0.05, MIN..MAX) whose cut reaches no other face of the photo. */
export function contextFor(box: Rect, others: readonly Rect[]): number {
  for (let e = MAX_CONTEXT; e > MIN_CONTEXT; e -= 0.05) {
    if (!others.some((o) => overlaps(withContext(box, e), o))) return Math.round(e * 100) / 100;
  }
  return MIN_CONTEXT;
}

let loading: Promise<{ photos: SourcePhoto[]; faces: SourceFace[] }> | undefined;

/** The demo photos (decoded once per process) and their 22 faces. */
export function loadSources(): Promise<{ photos: SourcePhoto[]; faces: SourceFace[] }> {
  loading ??= (async () => {
    const j = readFacesJson();
    const photos = await Promise.all(
      j.images.map(async (img): Promise<SourcePhoto> => {
        const frame = await decodeImage(join(appRoot(), j.dir, img.file));
        if (frame.width !== img.width || frame.height !== img.height)
          throw new Error(
            `${img.file} is ${frame.width}x${frame.height}, faces.json says ${img.width}x${img.height}`,
          );
        return {
          file: img.file,
          width: img.width,
          height: img.height,
          faces: img.faces,
          pyramid: buildPyramid(frame),
        };
      }),
    );
    const faces = photos.flatMap((photo) =>
      photo.faces.map((box, i) => ({
        id: `${photo.file}#${i}`,
        photo,
        box,
        context: contextFor(
          box,
          photo.faces.filter((_, k) => k !== i),
        ),
      })),
    );
    return { photos, faces };
  })();
  return loading;
}
