import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';

const HERE = join(appRoot(), 'test', 'helpers', 'rtsp');
/** The face photos the clip is made of. */
export const FACE_PHOTOS_DIR = join(appRoot(), 'node_modules', '@vladmandic', 'face-api', 'demo');
/** Debian's python (it has python3-gi; a pyenv python on PATH may not). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Options of {@link makeFaceClip}. */
export interface FaceClipOptions {
  width: number;
  height: number;
  fps: number;
  /** Frames each photo is shown for (the photo pans slowly so the faces move). */
  framesPerPhoto: number;
}

/**
 * Writes `frame%04d.jpg` into `dir`: each face-api demo photo letterboxed into width×height and
 * panned a little, `framesPerPhoto` frames each. Idempotent (skips when the frames exist).
 */
export function makeFaceClip(dir: string, opts: FaceClipOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const existing = readdirSync(dir).filter((f) => /^frame\d{4}\.jpg$/.test(f));
  const photos = readdirSync(FACE_PHOTOS_DIR)
    .filter((f) => /^sample\d\.jpg$/.test(f))
    .sort();
  if (existing.length === photos.length * opts.framesPerPhoto)
    return existing.sort().map((f) => join(dir, f));
  const secs = opts.framesPerPhoto / opts.fps;
  const inputs = photos.flatMap((p) => [
    '-loop',
    '1',
    '-framerate',
    String(opts.fps),
    '-t',
    String(secs),
    '-i',
    join(FACE_PHOTOS_DIR, p),
  ]);
  // Scale to a bit wider than the frame and pan horizontally over the photo's time, then letterbox.
  const w = opts.width;
  const h = opts.height;
  const chains = photos.map(
    (_, i) =>
      `[${i}:v]scale=${Math.round(w * 1.1)}:${h}:force_original_aspect_ratio=decrease,pad=${Math.round(w * 1.1)}:${h}:(ow-iw)/2:(oh-ih)/2,` +
      `crop=${w}:${h}:x='(iw-${w})*t/${secs}':y=0,setsar=1,fps=${opts.fps}[v${i}]`,
  );
  const filter = `${chains.join(';')};${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1:a=0[out]`;
  const r = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      filter,
      '-map',
      '[out]',
      '-q:v',
      '3',
      join(dir, 'frame%04d.jpg'),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make the face clip: ${r.stderr}`);
  return readdirSync(dir)
    .filter((f) => /^frame\d{4}\.jpg$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** A running RTSP server (gst-rtsp-server) serving the face clip. */
export class RtspServer {
  private child: ChildProcess | undefined;
  private authDir: string | undefined;
  port = 0;

  constructor(
    private readonly opts: {
      dir: string;
      fps: number;
      path?: string;
      port?: number;
      /** Serve only to this user and password (RTSP digest authentication), as a camera does. */
      auth?: { user: string; password: string };
    },
  ) {}

  /** The stream's URL, without credentials (as a camera's ONVIF GetStreamUri gives it). */
  get url(): string {
    return `rtsp://127.0.0.1:${this.port}${this.opts.path ?? '/cam'}`;
  }

  /** A private file holding the auth password (serve.py reads it). */
  private passwordFile(): string {
    const dir = (this.authDir ??= mkdtempSync(join(tmpdir(), 'hotpot-rtsp-auth-')));
    const file = join(dir, 'password');
    writeFileSync(file, this.opts.auth!.password, { mode: 0o600 });
    return file;
  }

  /** Starts serve.py and waits for READY. */
  async start(): Promise<void> {
    const child = spawn(
      PYTHON,
      [
        join(HERE, 'serve.py'),
        '--dir',
        this.opts.dir,
        '--fps',
        String(this.opts.fps),
        '--path',
        this.opts.path ?? '/cam',
        '--port',
        String(this.opts.port ?? this.port ?? 0),
        // The password goes in a file: the node's process-list tests look for it in every command line.
        ...(this.opts.auth ? ['--user', this.opts.auth.user, '--password-file', this.passwordFile()] : []),
      ],
      {
        // stdin stays open while we live: serve.py exits when it closes, so no server outlives a crashed test.
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`RTSP server did not start: ${err}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`RTSP server exited (${code}): ${err}`));
      });
    });
  }

  /** Freezes the server (SIGSTOP): connections stay open but no packets flow — a stalled stream. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Undoes {@link pause}. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops the server (the camera disappears). */
  async stop(): Promise<void> {
    if (this.authDir) rmSync(this.authDir, { recursive: true, force: true });
    this.authDir = undefined;
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    this.child = undefined;
  }
}
