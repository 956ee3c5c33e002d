import ffmpeg from 'fluent-ffmpeg';
import { Readable } from 'node:stream';
import type { PixelFormat } from '../types';

/** Options of {@link startDecoder}. */
export interface DecoderOptions {
  /** rtsp://… (credentials included), or a file path (tests, CLI). */
  input: string;
  width: number;
  height: number;
  fps: number;
  pixelFormat: PixelFormat;
  /** RTSP socket I/O timeout: ffmpeg gives up when the camera sends nothing for this long. */
  ioTimeoutMs: number;
  /** Loop a file input forever (test rigs); ignored for RTSP. */
  loopFile?: boolean;
  /** Read a file input at its native rate (like a camera) instead of as fast as possible. */
  realtime?: boolean;
  /** ffmpeg binary (Debian's by default). */
  ffmpegPath?: string;
}

/** A running ffmpeg decoder: raw frames on `stdout`, a way to kill it, and how it ended. */
export interface Decoder {
  stdout: Readable;
  kill(): void;
  /** Resolves when ffmpeg exits: null on a clean end, else what went wrong (last stderr lines). */
  done: Promise<string | null>;
  /** The last stderr lines (for the status message). */
  stderrTail(): string;
  /** ffmpeg's process id once it runs (tests crash it on purpose). */
  pid(): number | null;
}

/**
 * How ffmpeg reads a camera's URL from stdin: as the one entry of a concat script (`-f concat -i
 * pipe:0`), with the RTSP options as the entry's own options. The protocols are the ones an RTSP
 * camera needs (rtsps: tls), so the script can reach nothing else.
 */
const RTSP_ON_STDIN_OPTIONS = [
  '-f',
  'concat',
  '-safe',
  '0',
  '-protocol_whitelist',
  'pipe,rtsp,rtsps,tcp,udp,rtp,srtp,tls,crypto',
];

/**
 * The concat script that opens `opts.input` (an RTSP URL with credentials) over TCP with a socket
 * I/O timeout, a short probe and corrupt packets dropped. ffmpeg's concat demuxer retries a timed-out read a few
 * times, so a silent camera ends it after a few `ioTimeoutMs`: the capture watchdog (`stallMs`)
 * notices a stall before that.
 */
export function rtspConcatScript(opts: Pick<DecoderOptions, 'input' | 'ioTimeoutMs'>): string {
  if (/[\r\n]/.test(opts.input)) throw new Error('a camera URL cannot hold a line break');
  const quoted = `'${opts.input.replace(/'/g, "'\\''")}'`;
  return [
    'ffconcat version 1.0',
    `file ${quoted}`,
    'option rtsp_transport tcp',
    // 1 s of the stream is enough to learn its size (its SDP usually says it): ffmpeg's default
    // took 2.9 s to the first frame here, 1 s takes 1.4 s, on every start and every reconnect.
    'option analyzeduration 1000000',
    `option timeout ${opts.ioTimeoutMs * 1000}`,
    'option fflags +discardcorrupt',
    '',
  ].join('\n');
}

/** Bytes of one tightly packed frame. */
export function frameBytesOf(format: PixelFormat, width: number, height: number): number {
  return format === 'rgb24' ? width * height * 3 : width * height + 2 * ((width >> 1) * (height >> 1));
}

/**
 * Starts Debian's ffmpeg (through fluent-ffmpeg) decoding `input` to raw frames of a fixed size,
 * rate and pixel format on stdout. RTSP runs over TCP (cameras' UDP is lossy through switches)
 * with a socket timeout so a dead camera ends the process instead of hanging it.
 * Only the capture worker calls this: the raw frames must not exist anywhere else.
 */
export function startDecoder(opts: DecoderOptions): Decoder {
  if (opts.width % 2 !== 0 || opts.height % 2 !== 0)
    throw new Error(`decode size must be even, got ${opts.width}x${opts.height}`);
  const isRtsp = /^rtsps?:\/\//i.test(opts.input);
  // A camera's URL holds its credentials: it reaches ffmpeg on stdin (see rtspConcatScript), never on
  // the command line, where every user of the machine can read it (`ps -ef`, /proc/*/cmdline).
  const cmd = isRtsp ? ffmpeg(Readable.from([rtspConcatScript(opts)])) : ffmpeg(opts.input);
  if (opts.ffmpegPath) cmd.setFfmpegPath(opts.ffmpegPath);
  // One decoding thread: ffmpeg's default frame threads each hold frames of their own (a 1080p
  // camera's decoder: 121 MB → 89 MB; 4K: 289 MB → 191 MB), and one thread decodes H.264 4K at
  // 70 fps here, more than a camera sends.
  const inputOptions = ['-hide_banner', '-loglevel', 'error', '-threads', '1'];
  if (isRtsp) inputOptions.push(...RTSP_ON_STDIN_OPTIONS);
  else {
    inputOptions.push('-nostdin');
    if (opts.loopFile) inputOptions.push('-stream_loop', '-1');
    if (opts.realtime) inputOptions.push('-re');
  }
  cmd
    .inputOptions(inputOptions)
    .noAudio()
    .videoFilters([
      `fps=${opts.fps}`,
      `scale=${opts.width}:${opts.height}:force_original_aspect_ratio=decrease`,
      `pad=${opts.width}:${opts.height}:(ow-iw)/2:(oh-ih)/2`,
    ])
    .outputOptions(['-pix_fmt', opts.pixelFormat, '-f', 'rawvideo']);
  let tail = '';
  let resolveDone: (v: string | null) => void = () => undefined;
  const done = new Promise<string | null>((r) => (resolveDone = r));
  cmd.on('stderr', (line: string) => {
    tail = (tail + line + '\n').slice(-2000);
  });
  cmd.on('error', (err: Error) =>
    resolveDone(/SIGKILL|SIGTERM|killed/i.test(err.message) ? 'killed' : lastLines(tail) || err.message),
  );
  cmd.on('end', () => resolveDone(null));
  const stdout = cmd.pipe() as Readable;
  return {
    stdout,
    kill: () => cmd.kill('SIGKILL'),
    done,
    stderrTail: () => lastLines(tail),
    // fluent-ffmpeg keeps the child process on the command as `ffmpegProc` once spawned.
    pid: () => (cmd as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid ?? null,
  };
}

function lastLines(s: string): string {
  return s.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}
