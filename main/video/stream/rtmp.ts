import { VideoError } from '../errors';
import { FfmpegSink } from '../capture/ffmpeg-sink';
import type { AnonymizedFrame } from '../pipeline/anonymized-frame';
import type { PixelFormat } from '../types';
import { FlvTagReader } from './flv-tags';
import { parseIngestUrl } from './ingest-url';
import { RtmpClient, type RtmpClientOptions } from './rtmp-client';

/** Options of {@link RtmpPublisher}. */
export interface RtmpOptions {
  /** The ingest URL, stream key included (`rtmp://live.twitch.tv/app/KEY`); it stays in this process. */
  url: string;
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  bitrateKbps?: number;
  ffmpegPath?: string;
  /** The RTMP session's timeouts and limits. */
  client?: RtmpClientOptions;
}

/** Checks an RTMP ingest URL (rtmp:// or rtmps://, no spaces, bounded length); returns the problem or null. */
export function rtmpUrlProblem(url: string): string | null {
  if (url.length > 2048) return `RTMP URL is ${url.length} characters; at most 2048`;
  // The URL is not quoted: its last segment is the stream key.
  if (!/^rtmps?:\/\/[^\s/]+\/\S+$/i.test(url))
    return 'the stream URL is not an rtmp:// or rtmps:// ingest URL with an app path (e.g. rtmp://live.twitch.tv/app/KEY)';
  return null;
}

/**
 * Pushes the anonymized feed to an RTMP ingest (H.264 in FLV, as Twitch and YouTube take it).
 * ffmpeg encodes into FLV on its stdout and knows no URL; {@link RtmpClient} in this process
 * publishes the tags, so the stream key is on no command line. Only {@link AnonymizedFrame}s go
 * in; the consent check happens before this is built.
 */
export class RtmpPublisher {
  /** Resolves with null when the stream ended cleanly (by {@link stop}), else the reason. */
  readonly done: Promise<string | null>;
  /** Why the stream failed (STREAM_FAILED with `data.reason`), null while it has not. */
  error: VideoError | null = null;
  private readonly sink: FfmpegSink | undefined;
  private readonly client: RtmpClient | undefined;
  private stopping = false;
  private finished = false;
  private resolveDone!: (reason: string | null) => void;

  constructor(opts: RtmpOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    try {
      this.client = new RtmpClient(parseIngestUrl(opts.url), opts.client);
    } catch (err) {
      this.end(
        err instanceof VideoError
          ? err
          : new VideoError('STREAM_FAILED', String(err), { reason: 'protocol' }),
      );
      return;
    }
    const client = this.client;
    const kbps = opts.bitrateKbps ?? 2500;
    const flv = new FlvTagReader();
    this.sink = new FfmpegSink({
      width: opts.width,
      height: opts.height,
      fps: opts.fps,
      pixelFormat: opts.pixelFormat,
      ffmpegPath: opts.ffmpegPath,
      onStdout: (chunk) => {
        try {
          for (const tag of flv.push(chunk)) client.sendTag(tag);
        } catch (err) {
          if (err instanceof VideoError) this.fail(err);
          else throw err;
        }
      },
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
        // A pipe cannot be seeked back to write the duration and size.
        '-flvflags',
        'no_duration_filesize',
        '-f',
        'flv',
        'pipe:1',
      ],
    });
    void client.ended.then((err) => {
      if (err) this.fail(err);
    });
    void this.sink.done.then((reason) => {
      if (!this.stopping)
        this.fail(
          new VideoError('STREAM_FAILED', `the stream's encoder ended: ${reason ?? 'without an error'}`, {
            reason: 'encoder',
          }),
        );
    });
  }

  get alive(): boolean {
    return !this.finished;
  }

  /** Video frames the RTMP session dropped (before publishing began, or while the network was behind). */
  get framesDropped(): number {
    return this.client?.framesDropped ?? 0;
  }

  write(frame: AnonymizedFrame): void {
    if (!this.finished) this.sink?.write(frame);
  }

  /** Ends the stream: ffmpeg flushes its last frames, then the RTMP session unpublishes and closes. */
  async stop(): Promise<void> {
    if (this.stopping || this.finished) return this.done.then(() => undefined);
    this.stopping = true;
    if (this.sink) {
      const t = setTimeout(() => void this.sink?.kill(), 5000);
      await this.sink.finish();
      clearTimeout(t);
    }
    await this.client?.close();
    this.end(this.error);
  }

  private fail(err: VideoError): void {
    if (this.finished) return;
    this.error ??= err;
    void this.sink?.kill();
    void this.client?.close();
    this.end(err);
  }

  private end(err: VideoError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.error = err;
    this.resolveDone(err ? err.message : null);
  }
}
