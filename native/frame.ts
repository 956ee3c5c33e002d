/**
 * The frames the kernels work on. They are native's own, so that the kernels depend on nothing above
 * them; the video pipeline (`main/video/types.ts`) builds on exactly these shapes.
 */

/** Pixel layouts the kernels handle. rgb24: 3 bytes per pixel; yuv420p: planar Y, then U and V at half size. */
export type PixelFormat = 'rgb24' | 'yuv420p';

/** One decoded frame. `data` is tightly packed (no row padding). */
export interface Frame {
  format: PixelFormat;
  width: number;
  height: number;
  data: Uint8Array;
}

/** An axis-aligned rectangle in pixels of the frame it belongs to. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
