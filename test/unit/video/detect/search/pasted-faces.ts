// Faces of the demo photos pasted, scaled, into a larger frame at known places: the small-face
// tests' frames (ground truth from the paste, not from a detector).
import type { Frame, Rect } from '../../../../../main/video/types';
import { facePhotos, loadPhoto } from '../faces';

export interface SourceFace {
  photo: Frame;
  box: Rect;
}

export async function sourceFaces(): Promise<SourceFace[]> {
  const out: SourceFace[] = [];
  for (const p of facePhotos()) {
    const photo = await loadPhoto(p);
    for (const box of p.faces) out.push({ photo, box });
  }
  return out;
}

/** Bilinear resample of the rect (sx, sy, sw, sh) of an rgb24 frame to dw×dh. */
export function resample(src: Frame, r: Rect, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh * 3);
  const at = (x: number, y: number, c: number): number => src.data[(y * src.width + x) * 3 + c]!;
  for (let y = 0; y < dh; y++) {
    const fy = Math.max(0, r.y + ((y + 0.5) * r.height) / dh - 0.5);
    const y0 = Math.min(src.height - 1, Math.floor(fy));
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - Math.floor(fy);
    for (let x = 0; x < dw; x++) {
      const fx = Math.max(0, r.x + ((x + 0.5) * r.width) / dw - 0.5);
      const x0 = Math.min(src.width - 1, Math.floor(fx));
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - Math.floor(fx);
      for (let c = 0; c < 3; c++)
        out[(y * dw + x) * 3 + c] =
          (at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx) * (1 - wy) +
          (at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx) * wy;
    }
  }
  return out;
}

/** A W×H rgb24 frame whose background is the bottom quarter of a demo photo (no face there), scaled up. */
export function background(src: Frame, W: number, H: number): Frame {
  const r = { x: 0, y: src.height * 0.75, width: src.width, height: src.height * 0.25 };
  return { format: 'rgb24', width: W, height: H, data: resample(src, r, W, H) };
}

/**
 * Pastes `face` into `frame` so its face box is `size` px wide with its top-left corner at (x, y),
 * with 60% of context around it (hair, neck); returns the face box in frame pixels.
 */
export function paste(frame: Frame, face: SourceFace, size: number, x: number, y: number): Rect {
  const k = size / face.box.width;
  const m = 0.6;
  const src = {
    x: face.box.x - face.box.width * m,
    y: face.box.y - face.box.height * m,
    width: face.box.width * (1 + 2 * m),
    height: face.box.height * (1 + 2 * m),
  };
  const dw = Math.round(src.width * k);
  const dh = Math.round(src.height * k);
  const ox = Math.round(x - face.box.width * m * k);
  const oy = Math.round(y - face.box.height * m * k);
  const px = resample(face.photo, src, dw, dh);
  for (let r = 0; r < dh; r++) {
    const fy = oy + r;
    if (fy < 0 || fy >= frame.height) continue;
    const x0 = Math.max(0, ox);
    const x1 = Math.min(frame.width, ox + dw);
    if (x1 <= x0) continue;
    frame.data.set(
      px.subarray((r * dw + (x0 - ox)) * 3, (r * dw + (x1 - ox)) * 3),
      (fy * frame.width + x0) * 3,
    );
  }
  return {
    x: ox + face.box.width * m * k,
    y: oy + face.box.height * m * k,
    width: size,
    height: face.box.height * k,
  };
}

/** Whether some box covers at least half of `face`. */
export function found(boxes: readonly Rect[], face: Rect): boolean {
  return boxes.some((b) => {
    const ix = Math.max(0, Math.min(b.x + b.width, face.x + face.width) - Math.max(b.x, face.x));
    const iy = Math.max(0, Math.min(b.y + b.height, face.y + face.height) - Math.max(b.y, face.y));
    return ix * iy >= 0.5 * face.width * face.height;
  });
}
