/**
 * The 1080p still "like symptom 1" of issue #17: a group of six large faces in front and, in the
 * back, one walker's face three times at about 15, 26 and 43 px wide (nine faces in all): the sizes
 * that passed through the anonymizer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeImage } from '../../../../main/video/anonymize';
import { makeBackground } from './backgrounds';
import { PLAIN_LOOK, placeFaces, type FaceRequest } from './compose';
import { toFrame } from './image';
import { Rng } from './prng';
import { loadSources } from './sources';
import { FaceDeck, type Still } from './stills';

/** The walker's face widths in the back, 1080p pixels. */
export const WALKER_WIDTHS: readonly number[] = [15, 26, 43];

export async function buildSymptomStill(seed: number): Promise<Still> {
  const { faces } = await loadSources();
  const rng = new Rng(seed).fork('symptom1');
  const width = 1920;
  const height = 1080;
  const img = makeBackground('room', width, height, rng.fork('background'), []);
  const deck = new FaceDeck(faces, rng.fork('deck'));
  const walker = deck.next();
  const group: FaceRequest[] = Array.from({ length: 6 }, () => ({
    source: deck.next(),
    widthPx: rng.range(130, 190),
    look: { ...PLAIN_LOOK, context: 0.35 },
    region: { x: 80, y: height * 0.5, width: width - 160, height: height * 0.3 },
  }));
  const back: FaceRequest[] = WALKER_WIDTHS.map((w, i) => ({
    source: walker,
    widthPx: w,
    look: { ...PLAIN_LOOK },
    region: {
      x: width * (0.1 + 0.28 * i),
      y: height * (0.18 + 0.06 * i),
      width: width * 0.22,
      height: height * 0.08,
    },
  }));
  const truth = placeFaces(img, [...group, ...back], rng.fork('place'));
  return { name: 'symptom1/0', variation: 'symptom1', background: 'room', frame: toFrame(img), faces: truth };
}

/** Writes the symptom still to `dir` as symptom1.png and its ground truth as symptom1.json; returns the paths. */
export async function writeSymptomStill(dir: string, seed: number): Promise<{ png: string; json: string }> {
  const still = await buildSymptomStill(seed);
  const png = join(dir, 'symptom1.png');
  const json = join(dir, 'symptom1.json');
  await encodeImage(still.frame, png);
  writeFileSync(
    json,
    JSON.stringify(
      {
        about:
          'issue #17 symptom 1: six large faces in front, one walker at about 15, 26 and 43 px in the back; boxes forehead to chin, from construction (test/helpers/video/face-set)',
        width: still.frame.width,
        height: still.frame.height,
        seed,
        faces: still.faces.map((f) => ({ ...f.box, source: f.source, width1080: f.width1080 })),
      },
      null,
      1,
    ),
  );
  return { png, json };
}
