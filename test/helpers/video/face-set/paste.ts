/**
 * Pasting one source face into a frame: scaled (minified from the photo's halvings, 2×2 samples a
 * pixel), optionally mirrored, squeezed (yaw) and turned in plane, with its context faded out on an
 * ellipse around the face. The ground-truth box is the faces.json box mapped through the same
 * transform: for a turned face, the axis-aligned box of the face's ellipse (the one inscribed in its
 * box) turned by the same angle.
 */
import type { Rect } from '../../../../main/video/types';
import { samplePyramid, type RgbImage } from './image';
import type { SourceFace } from './sources';

export interface FaceTransform {
  /** where the face box's centre lands, in frame pixels */
  cx: number;
  cy: number;
  /** frame pixels per source pixel, across and down (a squeezed face has sx < sy) */
  sx: number;
  sy: number;
  /** mirrored left to right */
  flip: boolean;
  /** in-plane rotation, radians, clockwise on screen */
  angle: number;
  /** context pasted around the face per side, as a fraction of its box (at most the source's) */
  context: number;
}

/** A premultiplied RGBA layer placed at (x0, y0) of a frame. */
export interface Layer {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** premultiplied R, G, B */
  rgb: Float32Array;
  alpha: Float32Array;
}

/** The scale that makes the ground-truth box `width` px wide for a face squeezed to `squeeze` and turned by `angle`. */
export function scaleForWidth(face: SourceFace, width: number, squeeze: number, angle: number): number {
  const a = squeeze * face.box.width * Math.cos(angle);
  const b = face.box.height * Math.sin(angle);
  return width / Math.hypot(a, b);
}

/** The ground-truth box of `face` pasted with `t`. */
export function truthBox(face: SourceFace, t: FaceTransform): Rect {
  const a = (t.sx * face.box.width) / 2;
  const b = (t.sy * face.box.height) / 2;
  const c = Math.cos(t.angle);
  const s = Math.sin(t.angle);
  const hw = Math.hypot(a * c, b * s);
  const hh = Math.hypot(a * s, b * c);
  return { x: t.cx - hw, y: t.cy - hh, width: 2 * hw, height: 2 * hh };
}

/** The source rect cut around the face: its box with `context`, clipped to the photo. */
function cutRect(face: SourceFace, context: number): Rect {
  const { box, photo } = face;
  const x0 = Math.max(0, box.x - context * box.width);
  const y0 = Math.max(0, box.y - context * box.height);
  const x1 = Math.min(photo.width, box.x + box.width * (1 + context));
  const y1 = Math.min(photo.height, box.y + box.height * (1 + context));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Where the pasted patch can change the frame: the bounding box of its cut, transformed. */
export function footprint(face: SourceFace, t: FaceTransform): Rect {
  const r = cutRect(face, t.context);
  const fc = { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 };
  const c = Math.cos(t.angle);
  const s = Math.sin(t.angle);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [px, py] of [
    [r.x, r.y],
    [r.x + r.width, r.y],
    [r.x, r.y + r.height],
    [r.x + r.width, r.y + r.height],
  ] as const) {
    const u = (px - fc.x) * t.sx * (t.flip ? -1 : 1);
    const v = (py - fc.y) * t.sy;
    xs.push(t.cx + c * u - s * v);
    ys.push(t.cy + s * u + c * v);
  }
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return { x: x0, y: y0, width: Math.max(...xs) - x0, height: Math.max(...ys) - y0 };
}

const smooth = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/**
 * Opacity at face-normalised coordinates (u, v) (the box spans −1..1 each way): 1 on the ellipse
 * through the box's corners, fading out towards the cut's edges, which are feathered too.
 */
function makeAlpha(face: SourceFace, context: number): (u: number, v: number) => number {
  const { box } = face;
  const r = cutRect(face, context);
  const hw = box.width / 2;
  const hh = box.height / 2;
  const cx = box.x + hw;
  const cy = box.y + hh;
  // the cut's edges in normalised units, and each side's margin beyond the box
  const uMin = (r.x - cx) / hw;
  const uMax = (r.x + r.width - cx) / hw;
  const vMin = (r.y - cy) / hh;
  const vMax = (r.y + r.height - cy) / hh;
  const fw = (margin: number): number => Math.max(0.02, Math.min(0.4, 0.8 * margin));
  const [fl, fr, ft, fb] = [fw(-1 - uMin), fw(uMax - 1), fw(-1 - vMin), fw(vMax - 1)];
  const r0 = Math.SQRT2 * 1.02;
  const r1 = Math.max(1 + 2 * context, r0 + 0.35);
  return (u, v) => {
    if (u <= uMin || u >= uMax || v <= vMin || v >= vMax) return 0;
    const edge =
      smooth(0, fl, u - uMin) * smooth(0, fr, uMax - u) * smooth(0, ft, v - vMin) * smooth(0, fb, vMax - v);
    return edge * (1 - smooth(r0, r1, Math.hypot(u, v)));
  };
}

/** The face rendered as a layer over the frame of `width`×`height` (clipped to it). */
export function renderFace(face: SourceFace, t: FaceTransform, width: number, height: number): Layer {
  const fp = footprint(face, t);
  const x0 = Math.max(0, Math.floor(fp.x));
  const y0 = Math.max(0, Math.floor(fp.y));
  const x1 = Math.min(width, Math.ceil(fp.x + fp.width));
  const y1 = Math.min(height, Math.ceil(fp.y + fp.height));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const layer: Layer = {
    x0,
    y0,
    width: w,
    height: h,
    rgb: new Float32Array(w * h * 3),
    alpha: new Float32Array(w * h),
  };
  const alphaAt = makeAlpha(face, t.context);
  const hw = face.box.width / 2;
  const hh = face.box.height / 2;
  const fcx = face.box.x + hw;
  const fcy = face.box.y + hh;
  const c = Math.cos(t.angle);
  const s = Math.sin(t.angle);
  const ix = (t.flip ? -1 : 1) / t.sx;
  const iy = 1 / t.sy;
  // source pixels per frame pixel; with 2 samples a pixel each way the level's step stays below 1
  const minify = 1 / Math.min(t.sx, t.sy);
  const level = Math.max(0, Math.min(face.photo.pyramid.levels.length - 1, Math.floor(Math.log2(minify))));
  const px = new Float32Array(3);
  // minified: 2×2 samples a pixel; magnified (a face larger than in its photo): one
  const OFF = minify > 1 ? [0.25, 0.75] : [0.5];
  const n = OFF.length * OFF.length;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (const oy of OFF) {
        for (const ox of OFF) {
          const dx = x0 + x + ox - t.cx;
          const dy = y0 + y + oy - t.cy;
          // inverse rotation, then inverse scale (and mirror)
          const su = (c * dx + s * dy) * ix;
          const sv = (-s * dx + c * dy) * iy;
          const al = alphaAt(su / hw, sv / hh);
          if (al <= 0) continue;
          samplePyramid(face.photo.pyramid, level, fcx + su, fcy + sv, px);
          a += al;
          r += al * px[0]!;
          g += al * px[1]!;
          b += al * px[2]!;
        }
      }
      const i = y * w + x;
      layer.alpha[i] = a / n;
      layer.rgb[i * 3] = r / n;
      layer.rgb[i * 3 + 1] = g / n;
      layer.rgb[i * 3 + 2] = b / n;
    }
  }
  return layer;
}

/** Blends a layer over `img` (premultiplied over). */
export function composite(img: RgbImage, layer: Layer): void {
  for (let y = 0; y < layer.height; y++) {
    const fy = layer.y0 + y;
    if (fy < 0 || fy >= img.height) continue;
    for (let x = 0; x < layer.width; x++) {
      const fx = layer.x0 + x;
      if (fx < 0 || fx >= img.width) continue;
      const li = y * layer.width + x;
      const a = layer.alpha[li]!;
      if (a <= 0) continue;
      const di = (fy * img.width + fx) * 3;
      for (let k = 0; k < 3; k++) img.data[di + k] = img.data[di + k]! * (1 - a) + layer.rgb[li * 3 + k]!;
    }
  }
}
