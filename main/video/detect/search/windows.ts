import type { Rect } from '../../types';

/**
 * Where on a full-resolution frame the small-face pass looks: windows (rects in frame pixels, even
 * origin and sides, so a yuv420p crop keeps its chroma aligned) no larger than `maxPx` a side.
 * Pure: the finder decides which windows a detection needs, this file only lays them out.
 */

/** Rounds a rect outwards to even coordinates and clips it to the frame. */
export function evenRect(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x / 2) * 2);
  const y0 = Math.max(0, Math.floor(r.y / 2) * 2);
  const x1 = Math.min(width - (width % 2), Math.ceil((r.x + r.width) / 2) * 2);
  const y1 = Math.min(height - (height % 2), Math.ceil((r.y + r.height) / 2) * 2);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Windows along a side of `length` from `offset`, as [start, length]: as few as cover it with
 * windows of at most `size` that overlap by at least `overlap`, each no longer than that needs (a
 * side a little longer than `size` gets two windows of about half, not two of `size`).
 */
function spans(offset: number, length: number, size: number, overlap: number): Array<[number, number]> {
  if (length <= size) return [[offset, length]];
  const stride = Math.max(2, size - overlap);
  const n = Math.ceil((length - size) / stride) + 1;
  // n windows of len overlapping by `overlap` span n·len − (n−1)·overlap; 2 px spare for even rounding
  const len = Math.min(size, 2 * Math.ceil((length + (n - 1) * overlap) / n / 2) + 2);
  const step = (length - len) / (n - 1);
  return Array.from({ length: n }, (_, i) => [offset + Math.round(i * step), len]);
}

/**
 * Covers `area` with windows of at most `maxPx` a side that overlap by at least `overlapPx`, so every
 * face narrower than `overlapPx` lies wholly inside one of them.
 */
export function tileRect(
  area: Rect,
  maxPx: number,
  overlapPx: number,
  width: number,
  height: number,
): Rect[] {
  const a = evenRect(area, width, height);
  if (a.width === 0 || a.height === 0) return [];
  const out: Rect[] = [];
  for (const [y, h] of spans(a.y, a.height, maxPx, overlapPx))
    for (const [x, w] of spans(a.x, a.width, maxPx, overlapPx))
      out.push(evenRect({ x, y, width: w, height: h }, width, height));
  return out;
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** The smallest rect holding both. */
export function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Merges overlapping rects into their unions while the union is no larger than `maxPx` a side and
 * costs at most `maxGrowth`× the pixels of the two; then drops rects inside another. Fewer, larger
 * windows cost the model less than many overlapping small ones.
 */
export function mergeWindows(rects: readonly Rect[], maxPx: number, maxGrowth = 1.3): Rect[] {
  const out = rects.filter((r) => r.width > 0 && r.height > 0).map((r) => ({ ...r }));
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++)
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = out[i]!;
        const b = out[j]!;
        if (!overlaps(a, b)) continue;
        const u = union(a, b);
        const fits = u.width <= maxPx && u.height <= maxPx;
        if (fits && u.width * u.height <= maxGrowth * (a.width * a.height + b.width * b.height)) {
          out[i] = u;
          out.splice(j, 1);
          merged = true;
        }
      }
  }
  return out.filter((r, i) => !out.some((o, j) => j !== i && contains(o, r) && (j < i || !contains(r, o))));
}
