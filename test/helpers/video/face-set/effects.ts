/**
 * What a camera does to a picture, as the set's variations: motion blur on a moving face (a
 * directional box blur of its layer), low light (dimmed, a gamma that crushes the shadows) and
 * Gaussian sensor noise.
 */
import type { Layer } from './paste';
import type { RgbImage } from './image';
import type { Rng } from './prng';

/**
 * The layer smeared along a line of `lengthPx` at `angle` (radians, within ±45° of horizontal): the
 * mean along the line, computed as a vertical shear that makes the lines horizontal, a running
 * horizontal box sum, and the shear undone (linear in y both ways).
 */
export function motionBlur(l: Layer, lengthPx: number, angle: number): Layer {
  const slope = Math.tan(angle);
  if (!(Math.abs(slope) <= 1)) throw new Error(`motion blur angle must be within ±45°, got ${angle} rad`);
  const span = lengthPx * Math.cos(angle);
  const half = Math.ceil(span / 2) + 1;
  const padY = Math.ceil(Math.abs(slope) * half) + 1;
  const w = l.width + 2 * half;
  const h = l.height + 2 * padY;
  const n = Math.max(2, Math.round(span) + 1);
  const chans = 4;
  // sheared[(y, x)] = layer(x, y + (x - cx) * slope): lines of the blur direction become rows
  const cx = w / 2;
  const sheared = new Float32Array(w * h * chans);
  const at = (x: number, y: number, c: number): number => {
    if (x < 0 || y < 0 || x >= l.width || y >= l.height) return 0;
    const i = y * l.width + x;
    return c < 3 ? l.rgb[i * 3 + c]! : l.alpha[i]!;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sy = y - padY + (x - cx) * slope;
      const y0 = Math.floor(sy);
      const ay = sy - y0;
      for (let c = 0; c < chans; c++)
        sheared[(y * w + x) * chans + c] = at(x - half, y0, c) * (1 - ay) + at(x - half, y0 + 1, c) * ay;
    }
  }
  // box mean of n samples along each row
  const blurred = new Float32Array(w * h * chans);
  const lo = Math.floor((n - 1) / 2);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < chans; c++) {
      let sum = 0;
      const v = (x: number): number => (x >= 0 && x < w ? sheared[(y * w + x) * chans + c]! : 0);
      for (let x = -lo; x < n - lo; x++) sum += v(x);
      for (let x = 0; x < w; x++) {
        blurred[(y * w + x) * chans + c] = sum / n;
        sum += v(x + n - lo) - v(x - lo);
      }
    }
  }
  const out: Layer = {
    x0: l.x0 - half,
    y0: l.y0 - padY,
    width: w,
    height: h,
    rgb: new Float32Array(w * h * 3),
    alpha: new Float32Array(w * h),
  };
  // unshear: out(x, y) = blurred(x, y - (x - cx) * slope)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sy = y - (x - cx) * slope;
      const y0 = Math.floor(sy);
      const ay = sy - y0;
      for (let c = 0; c < chans; c++) {
        const a = y0 >= 0 && y0 < h ? blurred[(y0 * w + x) * chans + c]! : 0;
        const b = y0 + 1 >= 0 && y0 + 1 < h ? blurred[((y0 + 1) * w + x) * chans + c]! : 0;
        const val = a * (1 - ay) + b * ay;
        if (c < 3) out.rgb[(y * w + x) * 3 + c] = val;
        else out.alpha[y * w + x] = val;
      }
    }
  }
  return out;
}

/** Low light in place: each value v becomes 255·(dim·v/255)^gamma. */
export function lowLight(img: RgbImage, dim: number, gamma: number): void {
  const lut = new Float32Array(256 * 4);
  for (let i = 0; i < lut.length; i++) lut[i] = 255 * Math.pow((dim * i) / 4 / 255, gamma);
  const d = img.data;
  for (let i = 0; i < d.length; i++) {
    const q = Math.max(0, Math.min(lut.length - 1, Math.round(d[i]! * 4)));
    d[i] = lut[q]!;
  }
}

/** Adds Gaussian noise of `sigma` to every value (each channel its own draw), in place. */
export function addNoise(img: RgbImage, sigma: number, rng: Rng): void {
  // a table of normal draws indexed by an inline xorshift seeded from `rng`: 10× faster than a draw a value
  const table = new Float32Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = rng.gauss() * sigma;
  let x = (rng.next() * 0xffffffff) >>> 0 || 1;
  const d = img.data;
  for (let i = 0; i < d.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    d[i] = d[i]! + table[(x >>> 16) & 0xffff]!;
  }
}
