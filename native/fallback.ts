/**
 * The pixel kernels in plain JavaScript: the same integer arithmetic as `native/src/kernels.cc`, so
 * both produce identical bytes (test/unit/native/kernels.test.ts checks it on random frames). Used
 * when the addon is not built. Arguments are trusted here: `native/index.ts` checks them.
 */

/** Pixel format codes shared with the addon. */
export const FORMAT_RGB24 = 0;
export const FORMAT_YUV420P = 1;

/** The raw kernel surface, implemented by the addon and by this file alike. Rects: Int32Array of (x, y, w, h), clipped. */
export interface RawKernels {
  blurRects(
    data: Uint8Array,
    format: number,
    width: number,
    height: number,
    rects: Int32Array,
    radius: number,
    passes: number,
  ): void;
  pixelateRects(
    data: Uint8Array,
    format: number,
    width: number,
    height: number,
    rects: Int32Array,
    block: number,
  ): void;
  fillRects(
    data: Uint8Array,
    format: number,
    width: number,
    height: number,
    rects: Int32Array,
    r: number,
    g: number,
    b: number,
  ): void;
  fillPolygon(
    data: Uint8Array,
    format: number,
    width: number,
    height: number,
    points: Float64Array,
    r: number,
    g: number,
    b: number,
  ): void;
  downscaleRgb24(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number): void;
  downscaleYuv420pToRgb24(
    src: Uint8Array,
    sw: number,
    sh: number,
    dst: Uint8Array,
    dw: number,
    dh: number,
  ): void;
  yuv420pToRgb24(src: Uint8Array, width: number, height: number, dst: Uint8Array): void;
  rgb24ToYuv420p(src: Uint8Array, width: number, height: number, dst: Uint8Array): void;
  /**
   * The tiny face detector's input: packed rgb24 `src` (w×h) scaled to tw×th (bilinear, half-pixel
   * centres; copied when the sizes match) into the top-left of `dst` (float32 [netH, netW, 3]), the
   * rest black; every value (v − mean) / 255. Absent from an addon built before it.
   */
  tinyInputRgb24?(
    src: Uint8Array,
    w: number,
    h: number,
    dst: Float32Array,
    netW: number,
    netH: number,
    tw: number,
    th: number,
    meanR: number,
    meanG: number,
    meanB: number,
  ): void;
}

interface Region {
  buf: Uint8Array;
  /** index of the region's first byte in buf */
  offset: number;
  /** bytes between rows */
  stride: number;
  /** interleaved channels */
  ch: number;
  w: number;
  h: number;
}

// `passes` vertical box passes (window 2r+1, edges clamped to the region), then `passes`
// horizontal ones, each rounded: the same sums as kernels.cc (which runs the horizontal passes on a
// transposed copy; the arithmetic is identical).
function blurRegion(g: Region, radius: number, passes: number): void {
  if (g.w <= 0 || g.h <= 0 || radius <= 0 || passes <= 0) return;
  const { ch, w, h, buf } = g;
  const rowBytes = w * ch;
  const d = 2 * radius + 1;
  const half = d >> 1;
  let a = new Uint8Array(rowBytes * h);
  let b = new Uint8Array(rowBytes * h);
  for (let y = 0; y < h; y++)
    a.set(buf.subarray(g.offset + y * g.stride, g.offset + y * g.stride + rowBytes), y * rowBytes);
  const sums = new Uint32Array(rowBytes);
  const wLast = w - 1;
  const hLast = h - 1;
  for (let p = 0; p < passes; p++) {
    for (let j = 0; j < rowBytes; j++) sums[j] = a[j]! * (radius + 1);
    for (let k = 1; k <= radius; k++) {
      const row = (k < hLast ? k : hLast) * rowBytes;
      for (let j = 0; j < rowBytes; j++) sums[j] = sums[j]! + a[row + j]!;
    }
    for (let y = 0; y < h; y++) {
      const out = y * rowBytes;
      const ya = y + radius + 1;
      const ys = y - radius;
      const add = (ya < hLast ? ya : hLast) * rowBytes;
      const sub = (ys > 0 ? ys : 0) * rowBytes;
      for (let j = 0; j < rowBytes; j++) {
        const s = sums[j]!;
        b[out + j] = ((s + half) / d) | 0;
        sums[j] = s + a[add + j]! - a[sub + j]!;
      }
    }
    [a, b] = [b, a];
  }
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < h; y++) {
      const base = y * rowBytes;
      for (let c = 0; c < ch; c++) {
        let sum = a[base + c]! * (radius + 1);
        for (let k = 1; k <= radius; k++) sum += a[base + (k < wLast ? k : wLast) * ch + c]!;
        for (let x = 0; x < w; x++) {
          b[base + x * ch + c] = ((sum + half) / d) | 0;
          const xa = x + radius + 1;
          const xs = x - radius;
          sum += a[base + (xa < wLast ? xa : wLast) * ch + c]! - a[base + (xs > 0 ? xs : 0) * ch + c]!;
        }
      }
    }
    [a, b] = [b, a];
  }
  for (let y = 0; y < h; y++) buf.set(a.subarray(y * rowBytes, (y + 1) * rowBytes), g.offset + y * g.stride);
}

function pixelateRegion(g: Region, block: number): void {
  if (g.w <= 0 || g.h <= 0 || block <= 1) return;
  const { ch, buf } = g;
  for (let by = 0; by < g.h; by += block) {
    const bh = Math.min(block, g.h - by);
    for (let bx = 0; bx < g.w; bx += block) {
      const bw = Math.min(block, g.w - bx);
      const n = bw * bh;
      for (let c = 0; c < ch; c++) {
        let sum = 0;
        for (let y = by; y < by + bh; y++) {
          const row = g.offset + y * g.stride;
          for (let x = bx; x < bx + bw; x++) sum += buf[row + x * ch + c]!;
        }
        const v = Math.floor((sum + (n >> 1)) / n);
        for (let y = by; y < by + bh; y++) {
          const row = g.offset + y * g.stride;
          for (let x = bx; x < bx + bw; x++) buf[row + x * ch + c] = v;
        }
      }
    }
  }
}

function fillRegion(g: Region, colour: ArrayLike<number>): void {
  for (let y = 0; y < g.h; y++) {
    const row = g.offset + y * g.stride;
    for (let x = 0; x < g.w; x++) for (let c = 0; c < g.ch; c++) g.buf[row + x * g.ch + c] = colour[c]!;
  }
}

/** BT.601 limited-range YUV of an RGB colour, as the addon computes it. */
export function rgbToYuv(r: number, g: number, b: number): [number, number, number] {
  return [
    ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16,
    ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128,
    ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128,
  ];
}

function forEachPlane(
  data: Uint8Array,
  format: number,
  width: number,
  height: number,
  rects: Int32Array,
  i: number,
  fn: (g: Region, plane: number) => void,
): void {
  const x = rects[i]!;
  const y = rects[i + 1]!;
  const w = rects[i + 2]!;
  const h = rects[i + 3]!;
  if (format === FORMAT_RGB24) {
    fn({ buf: data, offset: (y * width + x) * 3, stride: width * 3, ch: 3, w, h }, 0);
    return;
  }
  fn({ buf: data, offset: y * width + x, stride: width, ch: 1, w, h }, 0);
  const cw = (width + 1) >> 1;
  const chh = (height + 1) >> 1;
  const cx0 = x >> 1;
  const cy0 = y >> 1;
  const cx1 = (x + w + 1) >> 1;
  const cy1 = (y + h + 1) >> 1;
  const u = width * height;
  const v = u + cw * chh;
  fn({ buf: data, offset: u + cy0 * cw + cx0, stride: cw, ch: 1, w: cx1 - cx0, h: cy1 - cy0 }, 1);
  fn({ buf: data, offset: v + cy0 * cw + cx0, stride: cw, ch: 1, w: cx1 - cx0, h: cy1 - cy0 }, 2);
}

function fillPolygonPlane(
  buf: Uint8Array,
  offset: number,
  pw: number,
  ph: number,
  ch: number,
  pts: Float64Array,
  scale: number,
  colour: ArrayLike<number>,
): void {
  const n = pts.length >> 1;
  if (n < 3) return;
  let minY = pts[1]! * scale;
  let maxY = minY;
  for (let i = 1; i < n; i++) {
    const py = pts[2 * i + 1]! * scale;
    minY = Math.min(minY, py);
    maxY = Math.max(maxY, py);
  }
  const y0 = Math.max(Math.floor(minY), 0);
  const y1 = Math.min(Math.ceil(maxY), ph - 1);
  const xs: number[] = [];
  for (let y = y0; y <= y1; y++) {
    const yc = y + 0.5;
    xs.length = 0;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const xa = pts[2 * i]! * scale;
      const ya = pts[2 * i + 1]! * scale;
      const xb = pts[2 * j]! * scale;
      const yb = pts[2 * j + 1]! * scale;
      if ((ya <= yc && yc < yb) || (yb <= yc && yc < ya)) {
        const t = (yc - ya) * (xb - xa);
        xs.push(xa + t / (yb - ya));
      }
    }
    xs.sort((p, q) => p - q);
    const row = offset + y * pw * ch;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      let fs = Math.ceil(xs[k]! - 0.5);
      let fe = Math.ceil(xs[k + 1]! - 0.5) - 1;
      if (fs < 0) fs = 0;
      if (fe > pw - 1) fe = pw - 1;
      for (let x = fs; x <= fe; x++) for (let c = 0; c < ch; c++) buf[row + x * ch + c] = colour[c]!;
    }
  }
}

/** The JavaScript kernels. */
export const jsKernels: RawKernels = {
  blurRects(data, format, width, height, rects, radius, passes) {
    for (let i = 0; i < rects.length; i += 4) {
      forEachPlane(data, format, width, height, rects, i, (g, plane) =>
        blurRegion(g, plane === 0 ? radius : (radius + 1) >> 1, passes),
      );
    }
  },
  pixelateRects(data, format, width, height, rects, block) {
    for (let i = 0; i < rects.length; i += 4) {
      forEachPlane(data, format, width, height, rects, i, (g, plane) =>
        pixelateRegion(g, plane === 0 ? block : Math.max(1, block >> 1)),
      );
    }
  },
  fillRects(data, format, width, height, rects, r, g, b) {
    const rgb = [r, g, b];
    const yuv = rgbToYuv(r, g, b);
    for (let i = 0; i < rects.length; i += 4) {
      forEachPlane(data, format, width, height, rects, i, (reg, plane) =>
        fillRegion(reg, format === FORMAT_RGB24 ? rgb : [yuv[plane]!]),
      );
    }
  },
  fillPolygon(data, format, width, height, points, r, g, b) {
    if (format === FORMAT_RGB24) {
      fillPolygonPlane(data, 0, width, height, 3, points, 1, [r, g, b]);
      return;
    }
    const yuv = rgbToYuv(r, g, b);
    const cw = (width + 1) >> 1;
    const chh = (height + 1) >> 1;
    const u = width * height;
    fillPolygonPlane(data, 0, width, height, 1, points, 1, [yuv[0]]);
    fillPolygonPlane(data, u, cw, chh, 1, points, 0.5, [yuv[1]]);
    fillPolygonPlane(data, u + cw * chh, cw, chh, 1, points, 0.5, [yuv[2]]);
  },
  downscaleRgb24(src, sw, sh, dst, dw, dh) {
    downscalePlane(src, 0, sw, sh, 3, dst, 0, dw, dh);
  },
  downscaleYuv420pToRgb24(src, sw, sh, dst, dw, dh) {
    const cw = (sw + 1) >> 1;
    const chh = (sh + 1) >> 1;
    const n = dw * dh;
    const planes = new Uint8Array(n * 3);
    downscalePlane(src, 0, sw, sh, 1, planes, 0, dw, dh);
    downscalePlane(src, sw * sh, cw, chh, 1, planes, n, dw, dh);
    downscalePlane(src, sw * sh + cw * chh, cw, chh, 1, planes, 2 * n, dw, dh);
    for (let i = 0; i < n; i++) {
      const c = 298 * (planes[i]! - 16);
      const d = planes[n + i]! - 128;
      const e = planes[2 * n + i]! - 128;
      dst[i * 3] = clamp255((c + 409 * e + 128) >> 8);
      dst[i * 3 + 1] = clamp255((c - 100 * d - 208 * e + 128) >> 8);
      dst[i * 3 + 2] = clamp255((c + 516 * d + 128) >> 8);
    }
  },
  yuv420pToRgb24(src, width, height, dst) {
    const cw = (width + 1) >> 1;
    const chh = (height + 1) >> 1;
    const up = width * height;
    const vp = up + cw * chh;
    for (let y = 0; y < height; y++) {
      const yr = y * width;
      const cr = (y >> 1) * cw;
      const out = y * width * 3;
      for (let x = 0; x < width; x++) {
        const c = 298 * (src[yr + x]! - 16);
        const d = src[up + cr + (x >> 1)]! - 128;
        const e = src[vp + cr + (x >> 1)]! - 128;
        // Uint8Array stores clamp nothing (they wrap), hence the explicit clamps
        dst[out + x * 3] = clamp255((c + 409 * e + 128) >> 8);
        dst[out + x * 3 + 1] = clamp255((c - 100 * d - 208 * e + 128) >> 8);
        dst[out + x * 3 + 2] = clamp255((c + 516 * d + 128) >> 8);
      }
    }
  },
  rgb24ToYuv420p(src, width, height, dst) {
    const cw = (width + 1) >> 1;
    const chh = (height + 1) >> 1;
    const up = width * height;
    const vp = up + cw * chh;
    for (let i = 0, n = width * height; i < n; i++) {
      dst[i] = ((66 * src[i * 3]! + 129 * src[i * 3 + 1]! + 25 * src[i * 3 + 2]! + 128) >> 8) + 16;
    }
    const s = [0, 0, 0];
    for (let cy = 0; cy < chh; cy++) {
      const y0 = cy * 2;
      const y1 = Math.min(y0 + 1, height - 1);
      for (let cx = 0; cx < cw; cx++) {
        const x0 = cx * 2;
        const x1 = Math.min(x0 + 1, width - 1);
        for (let c = 0; c < 3; c++) {
          s[c] =
            (src[(y0 * width + x0) * 3 + c]! +
              src[(y0 * width + x1) * 3 + c]! +
              src[(y1 * width + x0) * 3 + c]! +
              src[(y1 * width + x1) * 3 + c]! +
              2) >>
            2;
        }
        dst[up + cy * cw + cx] = ((-38 * s[0]! - 74 * s[1]! + 112 * s[2]! + 128) >> 8) + 128;
        dst[vp + cy * cw + cx] = ((112 * s[0]! - 94 * s[1]! - 18 * s[2]! + 128) >> 8) + 128;
      }
    }
  },
  tinyInputRgb24(src, w, h, dst, netW, netH, tw, th, mr, mg, mb) {
    tinyInput(src, w, h, dst, netW, tw, th, [mr, mg, mb]);
    for (let y = 0; y < netH; y++)
      for (let x = y < th ? tw : 0; x < netW; x++) {
        const o = (y * netW + x) * 3;
        dst[o] = -mr / 255;
        dst[o + 1] = -mg / 255;
        dst[o + 2] = -mb / 255;
      }
  },
};

/** Area average of a plane with `ch` interleaved channels (see DownscalePlane in kernels.cc). */
function downscalePlane(
  src: Uint8Array,
  so: number,
  sw: number,
  sh: number,
  ch: number,
  dst: Uint8Array,
  dOff: number,
  dw: number,
  dh: number,
): void {
  const xs = new Int32Array(dw + 1);
  for (let x = 0; x <= dw; x++) xs[x] = Math.floor((x * sw) / dw);
  const acc = new Uint32Array(dw * ch);
  for (let y = 0; y < dh; y++) {
    const sy0 = Math.floor((y * sh) / dh);
    let sy1 = Math.floor(((y + 1) * sh) / dh);
    if (sy1 <= sy0) sy1 = sy0 + 1;
    acc.fill(0);
    for (let sy = sy0; sy < sy1; sy++) {
      const row = so + sy * sw * ch;
      for (let x = 0; x < dw; x++) {
        const sx0 = xs[x]!;
        let sx1 = xs[x + 1]!;
        if (sx1 <= sx0) sx1 = sx0 + 1;
        for (let c = 0; c < ch; c++) {
          let v = 0;
          for (let sx = sx0; sx < sx1; sx++) v += src[row + sx * ch + c]!;
          acc[x * ch + c] = acc[x * ch + c]! + v;
        }
      }
    }
    const out = dOff + y * dw * ch;
    for (let x = 0; x < dw; x++) {
      const sx0 = xs[x]!;
      let sx1 = xs[x + 1]!;
      if (sx1 <= sx0) sx1 = sx0 + 1;
      const n = (sx1 - sx0) * (sy1 - sy0);
      for (let c = 0; c < ch; c++) dst[out + x * ch + c] = Math.floor((acc[x * ch + c]! + (n >> 1)) / n);
    }
  }
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** The scaled, normalized part of the tiny detector's input (see `tinyInputRgb24`); the padding is the caller's. */
function tinyInput(
  d: Uint8Array,
  w: number,
  h: number,
  f: Float32Array,
  netW: number,
  tw: number,
  th: number,
  [mr, mg, mb]: readonly [number, number, number],
): void {
  if (tw === w && th === h) {
    for (let y = 0; y < h; y++) {
      let o = y * netW * 3;
      let s = y * w * 3;
      for (let x = 0; x < w; x++, o += 3, s += 3) {
        f[o] = (d[s]! - mr) / 255;
        f[o + 1] = (d[s + 1]! - mg) / 255;
        f[o + 2] = (d[s + 2]! - mb) / 255;
      }
    }
    return;
  }
  // per output column, the two source columns and the weight of the right one
  const kx = w / tw;
  const ky = h / th;
  const x0s = new Int32Array(tw);
  const x1s = new Int32Array(tw);
  const wxs = new Float32Array(tw);
  for (let x = 0; x < tw; x++) {
    const sx = Math.min(w - 1, Math.max(0, (x + 0.5) * kx - 0.5));
    const x0 = Math.floor(sx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(w - 1, x0 + 1) * 3;
    wxs[x] = sx - x0;
  }
  for (let y = 0; y < th; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) * ky - 0.5));
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const r0 = y0 * w * 3;
    const r1 = Math.min(h - 1, y0 + 1) * w * 3;
    let o = y * netW * 3;
    for (let x = 0; x < tw; x++, o += 3) {
      const a = r0 + x0s[x]!;
      const b = r0 + x1s[x]!;
      const c = r1 + x0s[x]!;
      const e = r1 + x1s[x]!;
      const wx = wxs[x]!;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      f[o] = (d[a]! * w00 + d[b]! * w01 + d[c]! * w10 + d[e]! * w11 - mr) / 255;
      f[o + 1] = (d[a + 1]! * w00 + d[b + 1]! * w01 + d[c + 1]! * w10 + d[e + 1]! * w11 - mg) / 255;
      f[o + 2] = (d[a + 2]! * w00 + d[b + 2]! * w01 + d[c + 2]! * w10 + d[e + 2]! * w11 - mb) / 255;
    }
  }
}
