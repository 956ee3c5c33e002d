/**
 * Cuts a byte stream into fixed-size frames. Each frame gets its own buffer (the pipeline
 * anonymizes in place and hands it on), so no pixel is shared between frames.
 */
export class FrameReader {
  private buf: Uint8Array;
  private filled = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly onFrame: (data: Uint8Array) => void,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new Error(`frameBytes must be a positive integer, got ${frameBytes}`);
    this.buf = new Uint8Array(frameBytes);
  }

  /** Feeds a chunk; calls `onFrame` for every frame it completes. */
  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        const done = this.buf;
        this.buf = new Uint8Array(this.frameBytes);
        this.filled = 0;
        this.onFrame(done);
      }
    }
  }

  /** Discards a partial frame (after the decoder died mid-frame). */
  reset(): void {
    this.buf.fill(0);
    this.filled = 0;
  }
}
