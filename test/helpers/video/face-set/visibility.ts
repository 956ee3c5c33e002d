/**
 * The privacy checker that needs no detector: given the frame a camera saw, the frame that left the
 * anonymizer (or a decoded recording of it) and the ground-truth face boxes, how much of each face
 * is still visible.
 *
 * Each face is looked at on its luma, a large face scaled down (area average, a whole factor) to
 * between `analysisWidthPx` and twice that wide, and split into cells of about `cellPx` (at least
 * `minCells` each way): a 12 px face is 3 cells of 4 px across, a 400 px face 8 to 16. Both frames are reduced to
 * their local detail: a 3×3 binomial smoothing (sensor noise down, features kept) minus a wider
 * blur of it (two 5-px box passes): what is left is the structure a viewer or a recogniser reads,
 * with the lighting and the face's overall shading taken out. A cell of the original with too little
 * detail (energy below `flatFloor`) is flat and counts neither way. A textured cell is visible when
 * the output keeps most of its detail: the error energy ‖out − orig‖² is below `keepRatio` × the
 * original's energy there. A face is leaked when more than `leakShare` of its textured area is
 * visible.
 */
import type { Frame, Rect } from '../../../../main/video/types';

export interface VisibilityOptions {
  /** cell side in analysis pixels */
  cellPx: number;
  /** at least this many cells across and down */
  minCells: number;
  /** a face at least twice this wide is looked at scaled down by ⌊width / this⌋ */
  analysisWidthPx: number;
  /** a cell whose original detail energy (mean square, luma levels²) is below this is flat */
  flatFloor: number;
  /** a textured cell is visible when its error energy is below this share of its detail energy */
  keepRatio: number;
  /** a face is leaked when more than this share of its textured area is visible */
  leakShare: number;
}

export const DEFAULT_VISIBILITY: Readonly<VisibilityOptions> = Object.freeze({
  cellPx: 4,
  minCells: 3,
  analysisWidthPx: 32,
  flatFloor: 6,
  keepRatio: 0.5,
  leakShare: 0.35,
});

export interface FaceVisibility {
  /** visible share of the face's textured area (0 when it has none) */
  visibleFraction: number;
  leaked: boolean;
  /** share of the face's area that has detail to see */
  texturedFraction: number;
  cells: number;
  texturedCells: number;
  visibleCells: number;
}

/** Full-range luma of `frame` over the rect (x0, y0, w, h), edges replicated, averaged over s×s blocks. */
function lumaBlock(frame: Frame, x0: number, y0: number, w: number, h: number, s: number): Float32Array {
  const out = new Float32Array(w * h);
  const W = frame.width;
  const H = frame.height;
  const d = frame.data;
  const rgb = frame.format === 'rgb24';
  const inv = 1 / (s * s);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < s; dy++) {
        const fy = Math.min(H - 1, Math.max(0, y0 + y * s + dy));
        for (let dx = 0; dx < s; dx++) {
          const fx = Math.min(W - 1, Math.max(0, x0 + x * s + dx));
          const i = fy * W + fx;
          sum += rgb
            ? 0.299 * d[i * 3]! + 0.587 * d[i * 3 + 1]! + 0.114 * d[i * 3 + 2]!
            : ((d[i]! - 16) * 255) / 219;
        }
      }
      out[y * w + x] = sum * inv;
    }
  }
  return out;
}

/** One separable pass of a normalised 1-D kernel over a w×h plane (edges replicated). */
function convolve(
  src: Float32Array,
  w: number,
  h: number,
  k: readonly number[],
  horizontal: boolean,
): Float32Array {
  const out = new Float32Array(src.length);
  const r = (k.length - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let j = 0; j < k.length; j++) {
        const xx = horizontal ? Math.min(w - 1, Math.max(0, x + j - r)) : x;
        const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + j - r));
        sum += k[j]! * src[yy * w + xx]!;
      }
      out[y * w + x] = sum;
    }
  }
  return out;
}

const BINOMIAL = [0.25, 0.5, 0.25];
const BOX5 = [0.2, 0.2, 0.2, 0.2, 0.2];

/** The local detail of a plane: 3×3 binomial smoothing minus two 5×5 box passes of it. */
export function detail(src: Float32Array, w: number, h: number): Float32Array {
  const lo = convolve(convolve(src, w, h, BINOMIAL, true), w, h, BINOMIAL, false);
  let base = lo;
  for (let p = 0; p < 2; p++) base = convolve(convolve(base, w, h, BOX5, true), w, h, BOX5, false);
  for (let i = 0; i < lo.length; i++) lo[i] = lo[i]! - base[i]!;
  return lo;
}

/** Filter support around a face, in analysis pixels (1 for the binomial, 4 for the box passes, 1 spare). */
const MARGIN = 6;

/** How visible the face in `box` is in `out`, against `orig`. */
export function faceVisibility(
  orig: Frame,
  out: Frame,
  box: Rect,
  o: VisibilityOptions = DEFAULT_VISIBILITY,
): FaceVisibility {
  if (orig.width !== out.width || orig.height !== out.height)
    throw new Error(`frames differ in size: ${orig.width}x${orig.height} and ${out.width}x${out.height}`);
  const bx0 = Math.max(0, Math.round(box.x));
  const by0 = Math.max(0, Math.round(box.y));
  const bx1 = Math.min(orig.width, Math.round(box.x + box.width));
  const by1 = Math.min(orig.height, Math.round(box.y + box.height));
  const none = {
    visibleFraction: 0,
    leaked: false,
    texturedFraction: 0,
    cells: 0,
    texturedCells: 0,
    visibleCells: 0,
  };
  if (bx1 - bx0 < 2 || by1 - by0 < 2) return none;
  const s = Math.max(1, Math.floor((bx1 - bx0) / o.analysisWidthPx));
  const bw = Math.max(1, Math.round((bx1 - bx0) / s));
  const bh = Math.max(1, Math.round((by1 - by0) / s));
  const w = bw + 2 * MARGIN;
  const h = bh + 2 * MARGIN;
  const ox = bx0 - MARGIN * s;
  const oy = by0 - MARGIN * s;
  const a = detail(lumaBlock(orig, ox, oy, w, h, s), w, h);
  const b = detail(lumaBlock(out, ox, oy, w, h, s), w, h);
  const nx = Math.max(o.minCells, Math.round(bw / o.cellPx));
  const ny = Math.max(o.minCells, Math.round(bh / o.cellPx));
  const energy = new Float64Array(nx * ny);
  const error = new Float64Array(nx * ny);
  const count = new Float64Array(nx * ny);
  for (let y = 0; y < bh; y++) {
    const cy = Math.min(ny - 1, Math.floor((y * ny) / bh));
    for (let x = 0; x < bw; x++) {
      const c = cy * nx + Math.min(nx - 1, Math.floor((x * nx) / bw));
      const i = (y + MARGIN) * w + x + MARGIN;
      energy[c] = energy[c]! + a[i]! * a[i]!;
      error[c] = error[c]! + (b[i]! - a[i]!) ** 2;
      count[c] = count[c]! + 1;
    }
  }
  let area = 0;
  let textured = 0;
  let visible = 0;
  let texturedCells = 0;
  let visibleCells = 0;
  for (let c = 0; c < nx * ny; c++) {
    const n = count[c]!;
    area += n;
    if (n === 0 || energy[c]! / n < o.flatFloor) continue;
    textured += n;
    texturedCells++;
    if (error[c]! < o.keepRatio * energy[c]!) {
      visible += n;
      visibleCells++;
    }
  }
  const visibleFraction = textured > 0 ? visible / textured : 0;
  return {
    visibleFraction,
    leaked: visibleFraction > o.leakShare,
    texturedFraction: area > 0 ? textured / area : 0,
    cells: nx * ny,
    texturedCells,
    visibleCells,
  };
}

/** {@link faceVisibility} of every face. */
export function facesVisibility(
  orig: Frame,
  out: Frame,
  boxes: readonly Rect[],
  o: VisibilityOptions = DEFAULT_VISIBILITY,
): FaceVisibility[] {
  return boxes.map((b) => faceVisibility(orig, out, b, o));
}
