import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VideoError } from '../../../main/video/errors';
import {
  checkCaptureLimits,
  DEFAULT_MAX_FPS,
  FPS_WHEN_UNKNOWN,
  recordingFormat,
} from '../../../main/video/recording-format';
import { defaultVideoOptions } from '../../../main/video/service-options';

const NODE = defaultVideoOptions('/nonexistent', { capture: () => '', detector: () => '' }).capture;
const NONE = { maxWidth: null, maxFps: null };

describe('what a camera records (recordingFormat)', () => {
  it('records the main stream at its own size and rate by default: no 1280 cap, no 10 fps cap', () => {
    expect(NODE.maxWidth).toBeNull();
    expect(NODE.maxFps).toBe(DEFAULT_MAX_FPS);
    expect(recordingFormat({ width: 1920, height: 1080, fps: 25 }, NODE, NONE)).toEqual({
      width: 1920,
      height: 1080,
      fps: 25,
    });
    expect(recordingFormat({ width: 3840, height: 2160, fps: 15 }, NODE, NONE)).toEqual({
      width: 3840,
      height: 2160,
      fps: 15,
    });
  });

  it('holds the rate to the node cap (30 fps by default) and the size and rate to the lower of the node and the owner caps', () => {
    expect(recordingFormat({ width: 1920, height: 1080, fps: 60 }, NODE, NONE).fps).toBe(30);
    const node640 = { maxWidth: 640, maxFps: 5 };
    expect(recordingFormat({ width: 1920, height: 1080, fps: 25 }, node640, NONE)).toEqual({
      width: 640,
      height: 360,
      fps: 5,
    });
    expect(
      recordingFormat({ width: 1920, height: 1080, fps: 25 }, NODE, { maxWidth: 1280, maxFps: 12 }),
    ).toEqual({ width: 1280, height: 720, fps: 12 });
    // The owner's cap is a cap: above the camera's own (or the node's) it changes nothing.
    expect(
      recordingFormat({ width: 1280, height: 720, fps: 10 }, node640, { maxWidth: 1920, maxFps: 30 }),
    ).toEqual({ width: 640, height: 360, fps: 5 });
  });

  it('keeps the sides even (H.264 4:2:0) without going above the source, and the aspect', () => {
    expect(
      recordingFormat({ width: 2592, height: 1944, fps: 20 }, NODE, { maxWidth: 1000, maxFps: null }),
    ).toEqual({ width: 1000, height: 750, fps: 20 });
    expect(recordingFormat({ width: 1281, height: 721, fps: 10 }, NODE, NONE)).toMatchObject({
      width: 1280,
      height: 720,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8192 }),
        fc.integer({ min: 2, max: 8192 }),
        fc.option(fc.integer({ min: 80, max: 4000 }).map((w) => w * 2)),
        (w, h, cap) => {
          const f = recordingFormat({ width: w, height: h, fps: 10 }, NODE, { maxWidth: cap, maxFps: null });
          expect(f.width % 2).toBe(0);
          expect(f.height % 2).toBe(0);
          expect(f.width).toBeLessThanOrEqual(Math.max(2, Math.min(w, cap ?? w)));
          expect(f.height).toBeLessThanOrEqual(Math.max(2, h));
        },
      ),
    );
  });

  it('takes 1280×720 and 15 fps for a profile that does not say its size or rate', () => {
    expect(recordingFormat({ width: 0, height: 0, fps: 0 }, NODE, NONE)).toEqual({
      width: 1280,
      height: 720,
      fps: FPS_WHEN_UNKNOWN,
    });
  });
});

describe("the owner's caps on a camera (checkCaptureLimits)", () => {
  const refused = (input: Parameters<typeof checkCaptureLimits>[0]): VideoError => {
    try {
      checkCaptureLimits(input);
    } catch (e) {
      if (e instanceof VideoError) return e;
      throw e;
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };

  it('accepts none, an even width from 160 to 7680 and a whole rate from 1 to 60', () => {
    for (const ok of [{}, NONE, { maxWidth: 160 }, { maxWidth: 7680 }, { maxFps: 1 }, { maxFps: 60 }])
      expect(() => checkCaptureLimits(ok)).not.toThrow();
  });

  it('refuses anything else with BAD_SETTINGS, a message naming the value and the range', () => {
    for (const maxWidth of [0, 158, 641, 7682, 1280.5, Number.NaN, -640]) {
      const e = refused({ maxWidth });
      expect(e.code).toBe('BAD_SETTINGS');
      expect(e.message).toMatch(/^maxWidth must be an even number of pixels from 160 to 7680 .*got /);
    }
    for (const maxFps of [0, 61, 12.5, Number.POSITIVE_INFINITY]) {
      const e = refused({ maxFps });
      expect(e.code).toBe('BAD_SETTINGS');
      expect(e.message).toMatch(/^maxFps must be a whole number of frames per second from 1 to 60 .*got /);
    }
  });
});
