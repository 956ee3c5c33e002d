import { FfmpegSink } from '../capture/ffmpeg-sink';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import type { PixelFormat } from '../types';

/** Options of {@link RtmpPublisher}. */
export interface RtmpOptions {
  url: string;
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  bitrateKbps?: number;
  ffmpegPath?: string;
}

/** Checks an RTMP ingest URL (rtmp:// or rtmps://, no spaces, bounded length); returns the problem or null. */
export function rtmpUrlProblem(url: string): string | null {
  if (url.length > 2048) return `RTMP URL is ${url.length} characters; at most 2048`;
  if (!/^rtmps?:\/\/[^\s/]+\/\S+$/i.test(url))
    return `"${url.slice(0, 80)}" is not an rtmp:// or rtmps:// ingest URL with an app path (e.g. rtmp://live.twitch.tv/app/KEY)`;
  return null;
}

/**
 * Pushes the anonymized feed to an RTMP ingest (ffmpeg, H.264 in FLV, as Twitch and YouTube
 * take it). Only {@link AnonymizedFrame}s go in; the consent check happens before this is built.
 */
export class RtmpPublisher {
  private readonly sink: FfmpegSink;

  constructor(opts: RtmpOptions) {
    const kbps = opts.bitrateKbps ?? 2500;
    this.sink = new FfmpegSink({
      width: opts.width,
      height: opts.height,
      fps: opts.fps,
      pixelFormat: opts.pixelFormat,
      ffmpegPath: opts.ffmpegPath,
      outputArgs: [
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'zerolatency',
        '-pix_fmt',
        'yuv420p',
        '-g',
        String(opts.fps * 2),
        '-b:v',
        `${kbps}k`,
        '-maxrate',
        `${kbps}k`,
        '-bufsize',
        `${kbps * 2}k`,
        '-f',
        'flv',
        opts.url,
      ],
    });
  }

  /** Resolves with null when the stream ended cleanly, else the reason. */
  get done(): Promise<string | null> {
    return this.sink.done;
  }

  get alive(): boolean {
    return this.sink.alive;
  }

  write(frame: AnonymizedFrame): void {
    this.sink.write(frame);
  }

  /** Ends the stream (flushes and closes the FLV connection). */
  async stop(): Promise<void> {
    const t = setTimeout(() => void this.sink.kill(), 5000);
    await this.sink.finish();
    clearTimeout(t);
  }
}
