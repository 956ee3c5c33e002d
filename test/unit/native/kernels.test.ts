import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameKernels,
  frameBytes,
  jsFrameKernels,
  nativeAvailable,
  nativeRawKernels,
  nativeUnavailableReason,
} from '../../../native';
import type { Frame, PixelFormat, Rect } from '../../../main/video/types';

const raw = nativeRawKernels();
const native = raw ? new FrameKernels(raw, true) : null;
if (!native) console.warn(`SKIP native addon tests: ${nativeUnavailableReason()}`);

function randomFrame(format: PixelFormat, width: number, height: number, seed: number): Frame {
  const data = new Uint8Array(frameBytes(format, width, height));
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = s & 0xff;
  }
  return { format, width, height, data };
}
const clone = (f: Frame): Frame => ({ ...f, data: f.data.slice() });

const arbFrame = fc.record({
  format: fc.constantFrom<PixelFormat>('rgb24', 'yuv420p'),
  width: fc.integer({ min: 1, max: 97 }),
  height: fc.integer({ min: 1, max: 61 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});
// Rects may stick out of the frame on any side, be fractional, or be empty.
const arbRect = fc.record({
  x: fc.double({ min: -40, max: 120, noNaN: true }),
  y: fc.double({ min: -40, max: 80, noNaN: true }),
  width: fc.double({ min: 0, max: 90, noNaN: true }),
  height: fc.double({ min: 0, max: 70, noNaN: true }),
});
const arbRects = fc.array(arbRect, { minLength: 0, maxLength: 4 });

describe('native addon', () => {
  // Skipped (with the reason printed above) only when the addon did not build on this machine.
  it.skipIf(!native)('was built and loads here', () => {
    expect(nativeAvailable()).toBe(true);
    expect(nativeUnavailableReason()).toBeNull();
    expect((raw as unknown as { abiVersion: number }).abiVersion).toBe(1);
  });
});

describe.skipIf(!native)('native and JavaScript kernels give identical bytes', () => {
  const n = native as FrameKernels;
  const same = (run: (k: FrameKernels, f: Frame) => void, f: Frame): void => {
    const a = clone(f);
    const b = clone(f);
    run(n, a);
    run(jsFrameKernels, b);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  };

  it('blur', () => {
    fc.assert(
      fc.property(
        arbFrame,
        arbRects,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 4 }),
        (p, rects, radiusPx, passes) => {
          same(
            (k, f) => k.blurRects(f, rects, { radiusPx, passes }),
            randomFrame(p.format, p.width, p.height, p.seed),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pixelate', () => {
    fc.assert(
      fc.property(arbFrame, arbRects, fc.integer({ min: 1, max: 33 }), (p, rects, block) => {
        same((k, f) => k.pixelateRects(f, rects, block), randomFrame(p.format, p.width, p.height, p.seed));
      }),
      { numRuns: 200 },
    );
  });

  it('solid fill', () => {
    const arbRgb = fc.tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(arbFrame, arbRects, arbRgb, (p, rects, rgb) => {
        same((k, f) => k.fillRects(f, rects, rgb), randomFrame(p.format, p.width, p.height, p.seed));
      }),
      { numRuns: 200 },
    );
  });

  it('polygon fill', () => {
    const arbPt = fc.record({
      x: fc.double({ min: -30, max: 130, noNaN: true }),
      y: fc.double({ min: -30, max: 90, noNaN: true }),
    });
    fc.assert(
      fc.property(arbFrame, fc.array(arbPt, { minLength: 0, maxLength: 9 }), (p, pts) => {
        same(
          (k, f) => k.fillPolygon(f, pts, [10, 200, 30]),
          randomFrame(p.format, p.width, p.height, p.seed),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('downscale and colour conversion', () => {
    fc.assert(
      fc.property(
        arbFrame,
        fc.integer({ min: 1, max: 97 }),
        fc.integer({ min: 1, max: 61 }),
        (p, dw0, dh0) => {
          const f = randomFrame('rgb24', p.width, p.height, p.seed);
          const dw = Math.min(dw0, p.width);
          const dh = Math.min(dh0, p.height);
          expect(
            Buffer.from(n.downscaleRgb24(f, dw, dh).data).equals(
              Buffer.from(jsFrameKernels.downscaleRgb24(f, dw, dh).data),
            ),
          ).toBe(true);
          expect(Buffer.from(n.toYuv420p(f).data).equals(Buffer.from(jsFrameKernels.toYuv420p(f).data))).toBe(
            true,
          );
          const y = randomFrame('yuv420p', p.width, p.height, p.seed);
          expect(
            Buffer.from(n.downscaleToRgb24(y, dw, dh).data).equals(
              Buffer.from(jsFrameKernels.downscaleToRgb24(y, dw, dh).data),
            ),
          ).toBe(true);
          expect(Buffer.from(n.toRgb24(y).data).equals(Buffer.from(jsFrameKernels.toRgb24(y).data))).toBe(
            true,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe.skipIf(!native)('the tiny detector input: native and JavaScript give identical bits', () => {
  const n = native as FrameKernels;
  const MEAN = [122.782, 117.001, 104.298] as const;
  it('copied, scaled up by any factor, padded to any network size', () => {
    fc.assert(
      fc.property(
        arbFrame,
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (p, gw, gh, pw, ph) => {
          const f = randomFrame('rgb24', p.width, p.height, p.seed);
          const size = {
            tw: p.width + gw,
            th: p.height + gh,
            netW: p.width + gw + pw,
            netH: p.height + gh + ph,
          };
          const a = n.tinyInput(f, size, MEAN);
          const b = jsFrameKernels.tinyInput(f, size, MEAN);
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('kernel semantics (JavaScript kernels)', () => {
  const k = jsFrameKernels;
  it('blur touches only the clipped rect, and flattens noise inside it', () => {
    const f = randomFrame('rgb24', 64, 48, 7);
    const before = f.data.slice();
    const rect: Rect = { x: 10.4, y: 5.6, width: 20.2, height: 30 }; // → x 10..30, y 5..35
    k.blurRects(f, [rect], { radiusPx: 6 });
    let changedInside = 0;
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        const inside = x >= 10 && x < 31 && y >= 5 && y < 36;
        for (let c = 0; c < 3; c++) {
          const i = (y * 64 + x) * 3 + c;
          if (!inside) expect(f.data[i]).toBe(before[i]);
          else if (f.data[i] !== before[i]) changedInside++;
        }
      }
    }
    expect(changedInside).toBeGreaterThan(21 * 31 * 3 * 0.9);
  });

  it('blur of a flat region is the identity; fill then blur stays the fill colour', () => {
    const f: Frame = {
      format: 'yuv420p',
      width: 33,
      height: 17,
      data: new Uint8Array(frameBytes('yuv420p', 33, 17)),
    };
    k.fillRects(f, [{ x: 0, y: 0, width: 33, height: 17 }], [200, 100, 50]);
    const filled = f.data.slice();
    k.blurRects(f, [{ x: -5, y: -5, width: 100, height: 100 }], { radiusPx: 9 });
    expect(Buffer.from(f.data).equals(Buffer.from(filled))).toBe(true);
  });

  it('yuv420p blur covers the chroma of the rect at half resolution', () => {
    const f = randomFrame('yuv420p', 16, 16, 3);
    const before = f.data.slice();
    k.blurRects(f, [{ x: 3, y: 3, width: 5, height: 5 }], { radiusPx: 2 });
    // chroma rect: x 1..4 (exclusive), y 1..4; U plane starts at 256, 8 wide
    for (let cy = 0; cy < 8; cy++) {
      for (let cx = 0; cx < 8; cx++) {
        const i = 256 + cy * 8 + cx;
        if (cx < 1 || cx >= 4 || cy < 1 || cy >= 4) expect(f.data[i]).toBe(before[i]);
      }
    }
  });

  it('polygon fill uses pixel centres', () => {
    const f: Frame = { format: 'rgb24', width: 10, height: 10, data: new Uint8Array(300) };
    k.fillPolygon(
      f,
      [
        { x: 2, y: 2 },
        { x: 5, y: 2 },
        { x: 5, y: 4 },
        { x: 2, y: 4 },
      ],
      [255, 255, 255],
    );
    let lit = 0;
    for (let i = 0; i < 300; i += 3) if (f.data[i] === 255) lit++;
    expect(lit).toBe(3 * 2);
    expect(f.data[(2 * 10 + 2) * 3]).toBe(255);
    expect(f.data[(4 * 10 + 2) * 3]).toBe(0);
  });

  it('refuses a frame whose buffer does not match its size', () => {
    expect(() =>
      k.blurRects({ format: 'rgb24', width: 4, height: 4, data: new Uint8Array(47) }, [], { radiusPx: 1 }),
    ).toThrow(/needs 48 bytes, got 47/);
  });
});
