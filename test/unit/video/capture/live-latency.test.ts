import { describe, expect, it } from 'vitest';
import { LiveJpegEncoder } from '../../../../main/video/live/jpeg';
import type { AnonymizedFrame } from '../../../../main/video/pipeline/anonymized-frame';
import type { PixelFormat } from '../../../../main/video/types';
import { facelessPipeline } from '../../../helpers/video/faceless-pipeline';

// The live view must show a camera's first anonymized frame at once. ffmpeg's input probe (5 MB by
// default) held the first JPEG of a 640×360 yuv420p view back until 13 frames had been written.
describe('live view latency (real ffmpeg)', () => {
  for (const format of ['yuv420p', 'rgb24'] as PixelFormat[]) {
    it(`gives the first JPEG after at most two ${format} frames`, async () => {
      const width = 640;
      const height = 360;
      const pipeline = facelessPipeline('no face in a flat grey frame');
      const jpegs: Buffer[] = [];
      const live = new LiveJpegEncoder({ width, height, pixelFormat: format, fps: 2, outWidthPx: 320 }, (j) =>
        jpegs.push(j),
      );
      const bytes = format === 'rgb24' ? width * height * 3 : (width * height * 3) / 2;
      let written = 0;
      try {
        for (; written < 2;) {
          const f = (await pipeline.process(
            { format, width, height, data: new Uint8Array(bytes).fill(100 + written) },
            Date.now() + written * 500,
          )) as AnonymizedFrame;
          live.offer(f);
          written++;
          const until = Date.now() + 3000;
          while (jpegs.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
          if (jpegs.length > 0) break;
        }
        expect(jpegs.length, `no JPEG after ${written} frames`).toBeGreaterThan(0);
        expect(jpegs[0]!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      } finally {
        await live.close();
      }
    }, 20_000);
  }
});
