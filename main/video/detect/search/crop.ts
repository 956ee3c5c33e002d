import type { FrameKernels } from '../../../../native';
import type { Frame, Rect } from '../../types';

/**
 * The pixels of `rect` (even origin and sides: see `evenRect`) of a yuv420p or rgb24 frame, as a
 * packed rgb24 frame at full resolution: what the small-face pass hands the model.
 */
export function cropToRgb24(frame: Frame, rect: Rect, kernels: FrameKernels): Frame {
  const { x, y, width: cw, height: ch } = rect;
  const w = frame.width;
  if (frame.format === 'rgb24') {
    const out = new Uint8Array(cw * ch * 3);
    for (let r = 0; r < ch; r++)
      out.set(frame.data.subarray(((y + r) * w + x) * 3, ((y + r) * w + x + cw) * 3), r * cw * 3);
    return { format: 'rgb24', width: cw, height: ch, data: out };
  }
  const h = frame.height;
  // odd sides round their chroma planes up: convert the whole frame (cameras send even sides)
  if (w % 2 !== 0 || h % 2 !== 0) return cropToRgb24(kernels.toRgb24(frame), rect, kernels);
  const out = new Uint8Array(cw * ch * 1.5);
  for (let r = 0; r < ch; r++) out.set(frame.data.subarray((y + r) * w + x, (y + r) * w + x + cw), r * cw);
  const uv = w / 2;
  const cx = x / 2;
  const cy = y / 2;
  for (let plane = 0; plane < 2; plane++) {
    const src = w * h + plane * (w / 2) * (h / 2);
    const dst = cw * ch + plane * (cw / 2) * (ch / 2);
    for (let r = 0; r < ch / 2; r++)
      out.set(
        frame.data.subarray(src + (cy + r) * uv + cx, src + (cy + r) * uv + cx + cw / 2),
        dst + r * (cw / 2),
      );
  }
  return kernels.toRgb24({ format: 'yuv420p', width: cw, height: ch, data: out });
}
