/**
 * The stills of the face set: for each variation, frames of a CCTV-like background with faces of
 * every size bucket pasted in (18 a frame: 4, 4, 3, 3, 2, 1 and 1 from the smallest bucket up), or,
 * for 'crowd', rows of many faces close together. Variations: the frame size (720p, 1080p, 4K), how
 * the faces look (mirrored, turned ±6–15° in plane, squeezed for yaw, motion-blurred) and how the
 * camera sees (low light with noise, sensor noise σ 4 and 10).
 */
import type { Frame, Rect } from '../../../../main/video/types';
import { faceFreeCrops, makeBackground, type BackgroundKind, type PhotoCrop } from './backgrounds';
import { SIZE_BUCKETS, type SizeBucket } from './buckets';
import { PLAIN_LOOK, placeFaces, type FaceLook, type FaceRequest, type TruthFace } from './compose';
import { addNoise, lowLight } from './effects';
import { toFrame } from './image';
import { Rng } from './prng';
import { loadSources, type SourceFace } from './sources';

export const VARIATIONS = [
  'plain',
  '720p',
  '4k',
  'flip',
  'rotate',
  'squeeze',
  'motion-blur',
  'low-light',
  'noise-4',
  'noise-10',
  'crowd',
] as const;
export type Variation = (typeof VARIATIONS)[number] | 'symptom1';

export interface Still {
  /** e.g. 'noise-10/1' */
  name: string;
  variation: Variation;
  background: BackgroundKind;
  frame: Frame;
  faces: TruthFace[];
}

/** Faces per bucket in one (non-crowd) still, smallest bucket first. */
export const FACES_PER_STILL: readonly number[] = [4, 4, 3, 3, 2, 1, 1];

const DEG = Math.PI / 180;

export function frameSizeOf(v: Variation): { width: number; height: number } {
  if (v === '720p') return { width: 1280, height: 720 };
  if (v === '4k') return { width: 3840, height: 2160 };
  return { width: 1920, height: 1080 };
}

/** How a face of variation `v` looks. */
export function lookFor(v: Variation, rng: Rng): FaceLook {
  switch (v) {
    case 'flip':
      return { ...PLAIN_LOOK, flip: true };
    case 'rotate':
      return { ...PLAIN_LOOK, angle: rng.sign() * rng.range(6, 15) * DEG };
    case 'squeeze':
      return { ...PLAIN_LOOK, squeeze: rng.range(0.6, 0.8) };
    case 'motion-blur':
      return { ...PLAIN_LOOK, motion: { share: rng.range(0.1, 0.25), angle: rng.range(-30, 30) * DEG } };
    case 'crowd':
      return { ...PLAIN_LOOK, flip: rng.next() < 0.5, context: 0.3 };
    default:
      return { ...PLAIN_LOOK };
  }
}

/** What the camera does to the whole frame for variation `v`. */
export function cameraEffects(v: Variation): { lowLight?: { dim: number; gamma: number }; noise?: number } {
  if (v === 'low-light') return { lowLight: { dim: 0.5, gamma: 1.3 }, noise: 5 };
  if (v === 'noise-4') return { noise: 4 };
  if (v === 'noise-10') return { noise: 10 };
  return {};
}

/** A width in frame pixels in `b`, log-uniform, for a frame `height` tall. */
export function widthIn(b: SizeBucket, height: number, rng: Rng): number {
  return b.lo * Math.pow(b.hi / b.lo, rng.range(0.02, 0.98)) * (height / 1080);
}

/** Draws source faces in turn from shuffled decks of all 22, so each is used about as often. */
export class FaceDeck {
  private deck: SourceFace[] = [];
  constructor(
    private readonly faces: readonly SourceFace[],
    private readonly rng: Rng,
  ) {}
  next(): SourceFace {
    if (this.deck.length === 0) {
      this.deck = [...this.faces];
      for (let i = this.deck.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [this.deck[i], this.deck[j]] = [this.deck[j]!, this.deck[i]!];
      }
    }
    return this.deck.pop()!;
  }
}

/** The faces of one still of variation `v`: a spread of every bucket, or rows of a crowd. */
function requestsFor(v: Variation, height: number, width: number, deck: FaceDeck, rng: Rng): FaceRequest[] {
  const out: FaceRequest[] = [];
  if (v !== 'crowd') {
    SIZE_BUCKETS.forEach((b, i) => {
      for (let k = 0; k < FACES_PER_STILL[i]!; k++)
        out.push({ source: deck.next(), widthPx: widthIn(b, height, rng), look: lookFor(v, rng) });
    });
    return out;
  }
  // back rows small, front rows larger, each row a band of the frame
  const rows: Array<[number, number, number, number]> = [
    // bucket index, faces, band top, band bottom (fractions of the height)
    [0, 16, 0.2, 0.32],
    [1, 14, 0.3, 0.44],
    [2, 10, 0.42, 0.56],
    [3, 8, 0.54, 0.7],
    [4, 5, 0.68, 0.88],
  ];
  for (const [bi, n, top, bottom] of rows) {
    const region: Rect = { x: 0, y: top * height, width, height: (bottom - top) * height };
    for (let k = 0; k < n; k++)
      out.push({
        source: deck.next(),
        widthPx: widthIn(SIZE_BUCKETS[bi]!, height, rng),
        look: lookFor(v, rng),
        region,
      });
  }
  return out;
}

/** Still number `index` of variation `v` (deterministic in `seed`). */
export async function buildStill(v: Variation, index: number, seed: number): Promise<Still> {
  const { faces, photos } = await loadSources();
  const rng = new Rng(seed).fork(`${v}/${index}`);
  const { width, height } = frameSizeOf(v);
  const background: BackgroundKind = rng.next() < 0.3 ? 'photo' : 'room';
  const img = makeBackground(background, width, height, rng.fork('background'), cropsOf(photos));
  const deck = new FaceDeck(faces, rng.fork('deck'));
  const truth = placeFaces(img, requestsFor(v, height, width, deck, rng.fork('faces')), rng.fork('place'));
  const fx = cameraEffects(v);
  if (fx.lowLight) lowLight(img, fx.lowLight.dim, fx.lowLight.gamma);
  if (fx.noise) addNoise(img, fx.noise, rng.fork('noise'));
  return { name: `${v}/${index}`, variation: v, background, frame: toFrame(img), faces: truth };
}

let crops: PhotoCrop[] | undefined;
function cropsOf(photos: Parameters<typeof faceFreeCrops>[0]): PhotoCrop[] {
  crops ??= faceFreeCrops(photos);
  return crops;
}
