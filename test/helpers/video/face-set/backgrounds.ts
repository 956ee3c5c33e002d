/**
 * Backgrounds with no face of their own: the drawn CCTV room (room.ts), or a region of a demo photo
 * far from its faces, scaled to the frame. A photo region is kept only when it overlaps no
 * faces.json box grown to a whole head (the box enlarged by its own size on each side: hair,
 * neck), which `faceFreeCrops` checks and the tests check again.
 */
import type { Rect } from '../../../../main/video/types';
import { newImage, overlaps, samplePyramid, type RgbImage } from './image';
import type { Rng } from './prng';
import { roomBackground } from './room';
import type { SourcePhoto } from './sources';

/** How far around a face box a background must stay away, per side, as a fraction of the box. */
export const HEAD_MARGIN = 1.0;

export interface PhotoCrop {
  photo: SourcePhoto;
  rect: Rect;
}

export type BackgroundKind = 'room' | 'photo';

/** A face box grown to the head around it (HEAD_MARGIN per side). */
export function headOf(box: Rect): Rect {
  return {
    x: box.x - HEAD_MARGIN * box.width,
    y: box.y - HEAD_MARGIN * box.height,
    width: box.width * (1 + 2 * HEAD_MARGIN),
    height: box.height * (1 + 2 * HEAD_MARGIN),
  };
}

/**
 * The largest 16:9 rect of each photo (at least 240 px tall, on a 20 px grid) that overlaps none of
 * its faces' heads; photos without one give none.
 */
export function faceFreeCrops(photos: readonly SourcePhoto[]): PhotoCrop[] {
  const out: PhotoCrop[] = [];
  for (const photo of photos) {
    const heads = photo.faces.map(headOf);
    let best: Rect | undefined;
    for (let h = photo.height; h >= 240 && !best; h -= 20) {
      const w = Math.round((h * 16) / 9);
      if (w > photo.width) continue;
      for (let y = 0; y + h <= photo.height && !best; y += 20) {
        for (let x = 0; x + w <= photo.width; x += 20) {
          const r = { x, y, width: w, height: h };
          if (!heads.some((hd) => overlaps(hd, r))) {
            best = r;
            break;
          }
        }
      }
    }
    if (best) out.push({ photo, rect: best });
  }
  return out;
}

/** `crop` of its photo scaled to `width`×`height` (bilinear, from the halving that fits). */
export function photoBackground(crop: PhotoCrop, width: number, height: number): RgbImage {
  const img = newImage(width, height);
  const sx = crop.rect.width / width;
  const sy = crop.rect.height / height;
  const level = Math.max(
    0,
    Math.min(crop.photo.pyramid.levels.length - 1, Math.floor(Math.log2(Math.max(sx, sy)))),
  );
  const px = new Float32Array(3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      samplePyramid(
        crop.photo.pyramid,
        level,
        crop.rect.x + (x + 0.5) * sx,
        crop.rect.y + (y + 0.5) * sy,
        px,
      );
      const i = (y * width + x) * 3;
      img.data[i] = px[0]!;
      img.data[i + 1] = px[1]!;
      img.data[i + 2] = px[2]!;
    }
  }
  return img;
}

/** A background of `kind` for a frame of `width`×`height`. */
export function makeBackground(
  kind: BackgroundKind,
  width: number,
  height: number,
  rng: Rng,
  crops: readonly PhotoCrop[],
): RgbImage {
  if (kind === 'photo' && crops.length > 0) return photoBackground(rng.pick(crops), width, height);
  return roomBackground(width, height, rng);
}
