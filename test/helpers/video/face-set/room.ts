/**
 * A CCTV-like scene with no face in it, drawn from a seed: a wall and a tiled floor in perspective,
 * shelves stocked with goods, doors, windows, posters and a counter, grime and grain, a vignette.
 * Everything is laid out in fractions of the frame, so a 720p, 1080p and 4K frame of one seed show
 * the same room (with finer detail at the larger sizes).
 */
import { newImage, type RgbImage } from './image';
import type { Rng } from './prng';

type Rgb = readonly [number, number, number];

const WALLS: readonly Rgb[] = [
  [188, 178, 158],
  [150, 160, 170],
  [168, 178, 158],
  [205, 198, 182],
  [130, 128, 124],
];
const FLOORS: readonly Rgb[] = [
  [120, 112, 100],
  [96, 98, 104],
  [150, 140, 122],
  [70, 66, 62],
];
const GOODS: readonly Rgb[] = [
  [200, 40, 40],
  [40, 120, 200],
  [230, 200, 60],
  [60, 160, 80],
  [240, 240, 235],
  [30, 30, 30],
  [210, 110, 40],
  [140, 60, 150],
];

/** Smooth value noise in −1..1 on a lattice of `cell` px (smoothstep between lattice points). */
export function valueNoise(width: number, height: number, cell: number, rng: Rng): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const g = Float32Array.from({ length: gw * gh }, () => rng.range(-1, 1));
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = y / cell;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    const wy = ty * ty * (3 - 2 * ty);
    for (let x = 0; x < width; x++) {
      const fx = x / cell;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const wx = tx * tx * (3 - 2 * tx);
      const a = g[y0 * gw + x0]!;
      const b = g[y0 * gw + x0 + 1]!;
      const c = g[(y0 + 1) * gw + x0]!;
      const d = g[(y0 + 1) * gw + x0 + 1]!;
      const top = a + (b - a) * wx;
      out[y * width + x] = top + (c + (d - c) * wx - top) * wy;
    }
  }
  return out;
}

function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, c: Rgb, k = 1): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(img.width, Math.round(x + w));
  const y1 = Math.min(img.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * img.width + xx) * 3;
      for (let ch = 0; ch < 3; ch++) img.data[i + ch] = img.data[i + ch]! * (1 - k) + c[ch]! * k;
    }
  }
}

const shade = (c: Rgb, f: number): Rgb => [c[0] * f, c[1] * f, c[2] * f];

/** The wall (lit from above) and the tiled floor in perspective. */
function wallAndFloor(img: RgbImage, horizon: number, vpx: number, rng: Rng): void {
  const { width, height } = img;
  const wall = rng.pick(WALLS);
  const floor = rng.pick(FLOORS);
  const tile = rng.range(0.35, 0.6);
  for (let y = 0; y < height; y++) {
    const d = (y - horizon + 0.5) / height;
    const z = 0.15 / d;
    const v = z / tile;
    const fv = v - Math.floor(v);
    const fade = Math.min(1, Math.max(0, ((tile * d * height) / 0.15 - 4) / 12));
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let k: number;
      let c: Rgb;
      if (y < horizon) {
        c = wall;
        k = 0.82 + 0.3 * (1 - y / horizon);
      } else {
        c = floor;
        const u = (((x - vpx) / height) * z) / tile;
        const fu = u - Math.floor(u);
        const grout = fu < 0.04 || fv < 0.04 ? 0.72 : 1;
        const parity = (Math.floor(u) + Math.floor(v)) & 1 ? 1.06 : 0.95;
        k = 1 + fade * (grout * parity - 1) + 0.15 * d;
      }
      img.data[i] = c[0] * k;
      img.data[i + 1] = c[1] * k;
      img.data[i + 2] = c[2] * k;
    }
  }
}

/** A shelving unit standing on the floor, its boards stocked with boxes and bottles. */
function shelf(img: RgbImage, horizon: number, rng: Rng): void {
  const { width: W, height: H } = img;
  const w = W * rng.range(0.1, 0.28);
  const h = H * rng.range(0.22, 0.42);
  const x = rng.range(0, W - w);
  const bottom = horizon + H * rng.range(0.0, 0.12);
  const y = bottom - h;
  fillRect(img, x, y, w, h, shade([90, 92, 96], rng.range(0.7, 1.2)));
  const boards = Math.max(2, Math.round(h / (H * 0.07)));
  const gap = h / boards;
  for (let b = 1; b <= boards; b++) {
    const by = y + b * gap;
    fillRect(img, x, by - H * 0.004, w, H * 0.006, [170, 170, 168]);
    for (let gx = x + W * 0.003; gx < x + w - W * 0.006;) {
      const gw = W * rng.range(0.006, 0.02);
      const gh = gap * rng.range(0.4, 0.85);
      fillRect(
        img,
        gx,
        by - H * 0.004 - gh,
        Math.min(gw, x + w - gx),
        gh,
        shade(rng.pick(GOODS), rng.range(0.7, 1)),
      );
      gx += gw + W * rng.range(0, 0.004);
    }
  }
}

/** A door, a window or a poster on the wall. */
function wallThing(img: RgbImage, horizon: number, rng: Rng): void {
  const { width: W, height: H } = img;
  const kind = rng.pick(['door', 'window', 'poster'] as const);
  const s = H / 1080;
  if (kind === 'door') {
    const w = W * rng.range(0.05, 0.09);
    const h = H * rng.range(0.3, 0.4);
    const x = rng.range(0, W - w);
    const y = horizon + H * 0.02 - h;
    fillRect(img, x - 5 * s, y - 5 * s, w + 10 * s, h + 5 * s, [60, 55, 50]);
    fillRect(img, x, y, w, h, shade([120, 90, 60], rng.range(0.6, 1.3)));
    fillRect(img, x + w * 0.8, y + h * 0.5, w * 0.08, h * 0.03, [200, 200, 190]);
  } else if (kind === 'window') {
    const w = W * rng.range(0.08, 0.16);
    const h = H * rng.range(0.12, 0.22);
    const x = rng.range(0, W - w);
    const y = rng.range(H * 0.04, Math.max(H * 0.05, horizon - h - H * 0.1));
    fillRect(img, x, y, w, h, [215, 225, 235]);
    fillRect(img, x + w / 2 - 2 * s, y, 4 * s, h, [80, 80, 85]);
    fillRect(img, x, y + h / 2 - 2 * s, w, 4 * s, [80, 80, 85]);
  } else {
    const w = W * rng.range(0.04, 0.08);
    const h = w * rng.range(1.2, 1.5);
    const x = rng.range(0, W - w);
    const y = rng.range(H * 0.05, Math.max(H * 0.06, horizon - h - H * 0.05));
    fillRect(img, x, y, w, h, shade(rng.pick(GOODS), 0.9));
    fillRect(img, x + w * 0.1, y + h * 0.1, w * 0.8, h * 0.45, shade(rng.pick(GOODS), 0.8));
    for (let k = 0; k < 4; k++)
      fillRect(img, x + w * 0.1, y + h * (0.62 + 0.08 * k), w * rng.range(0.4, 0.8), h * 0.03, [25, 25, 25]);
  }
}

/** A CCTV-like room of `width`×`height` drawn from `rng`. */
export function roomBackground(width: number, height: number, rng: Rng): RgbImage {
  const img = newImage(width, height);
  const horizon = Math.round(height * rng.range(0.42, 0.58));
  wallAndFloor(img, horizon, width * rng.range(0.3, 0.7), rng);
  for (let k = rng.int(2, 4); k > 0; k--) wallThing(img, horizon, rng);
  for (let k = rng.int(1, 3); k > 0; k--) shelf(img, horizon, rng);
  if (rng.next() < 0.6) {
    const w = width * rng.range(0.25, 0.45);
    const x = rng.range(0, width - w);
    const y = height * rng.range(0.62, 0.75);
    fillRect(img, x, y, w, height * 0.015, [190, 185, 175]);
    fillRect(img, x, y + height * 0.015, w, height * 0.18, shade([110, 80, 60], rng.range(0.7, 1.2)));
  }
  // grime (large and small), grain, vignette
  const s = height / 1080;
  const big = valueNoise(width, height, 260 * s, rng);
  const small = valueNoise(width, height, 18 * s, rng);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const dx = x / width - 0.5;
      const dy = y / height - 0.5;
      const vig = 1 - 0.45 * (dx * dx + dy * dy);
      const add = 10 * big[p]! + 4 * small[p]! + rng.range(-2, 2);
      for (let c = 0; c < 3; c++) img.data[p * 3 + c] = (img.data[p * 3 + c]! + add) * vig;
    }
  }
  return img;
}
