/**
 * Placing faces in a frame: each at a random spot (in a region, if given) where it stays whole
 * inside the frame, where its pasted patch covers no face placed before it, and where the
 * anonymizer's cover of a face (its box ×1.3, DEFAULT_ANONYMIZE_OPTIONS.maskScale) reaches no other
 * face. Larger faces go first; a face with no room after many tries is left out (the set counts
 * what it placed).
 */
import type { Rect } from '../../../../main/video/types';
import { bucketOf, widthAt1080 } from './buckets';
import { motionBlur } from './effects';
import { contains, overlaps, scaleRect, type RgbImage } from './image';
import { composite, footprint, renderFace, scaleForWidth, truthBox, type FaceTransform } from './paste';
import type { Rng } from './prng';
import type { SourceFace } from './sources';

/** How one face is shown (its variation). */
export interface FaceLook {
  flip: boolean;
  /** radians, clockwise */
  angle: number;
  /** horizontal scale for a turned head (yaw), 1 = frontal */
  squeeze: number;
  /** context per side pasted around the face, fraction of its box (at most the source's) */
  context: number;
  /** motion blur: length as a fraction of the face width, direction in radians */
  motion?: { share: number; angle: number };
}

export const PLAIN_LOOK: Readonly<FaceLook> = Object.freeze({
  flip: false,
  angle: 0,
  squeeze: 1,
  context: 0.6,
});

/** A face to place: its source, its ground-truth width in frame pixels, how it looks, where it may go. */
export interface FaceRequest {
  source: SourceFace;
  widthPx: number;
  look: FaceLook;
  /** where the face box's centre may land (default: anywhere the face fits) */
  region?: Rect;
}

/** A face as placed: the ground truth the set is scored against. */
export interface TruthFace {
  /** the ground-truth box, frame pixels */
  box: Rect;
  /** its width in 1080p pixels, and that width's bucket */
  width1080: number;
  bucket: string;
  /** e.g. 'sample5.jpg#2' */
  source: string;
  /** where its pasted patch can differ from the background */
  footprint: Rect;
}

/** The anonymizer's cover of a face (maskScale), with a margin: no cover may reach another face. */
const COVER = 1.35;

/** How many positions are tried for one face before it is left out. */
const TRIES = 600;

function fits(box: Rect, fp: Rect, frame: Rect, placed: readonly TruthFace[]): boolean {
  if (!contains(frame, box)) return false;
  const cover = scaleRect(box, COVER);
  return placed.every(
    (p) => !overlaps(fp, p.box) && !overlaps(cover, p.box) && !overlaps(box, scaleRect(p.box, COVER)),
  );
}

/** The transform that puts `r`'s face with its centre at (cx, cy). */
export function transformFor(r: FaceRequest, cx: number, cy: number): FaceTransform {
  const s = scaleForWidth(r.source, r.widthPx, r.look.squeeze, r.look.angle);
  return {
    cx,
    cy,
    sx: s * r.look.squeeze,
    sy: s,
    flip: r.look.flip,
    angle: r.look.angle,
    context: Math.min(r.source.context, r.look.context),
  };
}

/** Pastes one face with `t` into `img` (with its motion blur) and returns its ground truth. */
export function pasteOne(img: RgbImage, r: FaceRequest, t: FaceTransform): TruthFace {
  let layer = renderFace(r.source, t, img.width, img.height);
  if (r.look.motion)
    layer = motionBlur(layer, Math.max(1.5, r.look.motion.share * r.widthPx), r.look.motion.angle);
  composite(img, layer);
  const box = truthBox(r.source, t);
  const w1080 = widthAt1080(box.width, img.height);
  return {
    box,
    width1080: w1080,
    bucket: bucketOf(w1080).name,
    source: r.source.id,
    footprint: smearedFootprint(r, t),
  };
}

/** The pasted patch's footprint, grown by half the face's motion blur. */
function smearedFootprint(r: FaceRequest, t: FaceTransform): Rect {
  const fp = footprint(r.source, t);
  const pad = r.look.motion ? Math.max(1.5, r.look.motion.share * r.widthPx) / 2 + 1 : 0;
  return { x: fp.x - pad, y: fp.y - pad, width: fp.width + 2 * pad, height: fp.height + 2 * pad };
}

/** Places and pastes `requests` into `img` (largest first); returns the faces placed. */
export function placeFaces(img: RgbImage, requests: readonly FaceRequest[], rng: Rng): TruthFace[] {
  const frame = { x: 1, y: 1, width: img.width - 2, height: img.height - 2 };
  const placed: TruthFace[] = [];
  for (const r of [...requests].sort((a, b) => b.widthPx - a.widthPx)) {
    const region = r.region ?? { x: 0, y: 0, width: img.width, height: img.height };
    for (let k = 0; k < TRIES; k++) {
      const t = transformFor(r, region.x + rng.next() * region.width, region.y + rng.next() * region.height);
      const box = truthBox(r.source, t);
      if (!fits(box, smearedFootprint(r, t), frame, placed)) continue;
      placed.push(pasteOne(img, r, t));
      break;
    }
  }
  return placed;
}
