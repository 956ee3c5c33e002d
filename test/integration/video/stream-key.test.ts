// Stream keys stay inside the node: the anonymized feed goes to a local nginx-rtmp through the node's
// own RTMP client (ffmpeg only encodes FLV to a pipe), so no process's command line or environment
// holds the key. First the publisher alone (the process check, nginx's recording, a refused app or
// key as a typed error, timestamps past 0xFFFFFF), then a real headless node: a stream target saved
// through the API (its key sealed), a stream started by its id, and every file, log line, API
// answer and WebSocket event looked through for the key.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VideoError } from '../../../main/video/errors';
import type { AnonymizedFrame } from '../../../main/video/pipeline/anonymized-frame';
import { parseIngestUrl } from '../../../main/video/stream/ingest-url';
import { RtmpPublisher } from '../../../main/video/stream/rtmp';
import { RtmpClient } from '../../../main/video/stream/rtmp-client';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { REPO_ROOT } from '../../helpers/onvif-sim/bundle';
import { freePort, type NodeProcess } from '../../helpers/node-process';
import { processTexts, processTree } from '../../helpers/process-texts';
import { rpcCall } from '../../helpers/rest-calls';
import { NginxRtmp } from '../../helpers/rtsp/nginx-rtmp';
import { makeFaceClip, RtspServer } from '../../helpers/rtsp/rtsp-server';
import { tempDir } from '../../helpers/tmp';
import { eventsClient, filesUnder, startCameraNode } from '../../helpers/video/camera-node';
import { facelessPipeline } from '../../helpers/video/faceless-pipeline';
import { waitFor } from './rig';

// Distinctive (a URL escapes none of its characters, so it stands in a URL as is).
const KEY = 'live_8127_Qx7fTz9kLmN2-unique-key';
const NODE_KEY = 'sk_node_4hR2wPq9ZtYc-unique-key';
const WRONG_APP_KEY = 'sk_wrong_app_V6bN3xJ8-unique';

const dir = tempDir('hotpot-stream-key-');
const nginx = new NginxRtmp(join(dir.path, 'nginx'));
beforeAll(() => nginx.start());
afterAll(async () => {
  await nginx.stop();
  dir.cleanup();
});

// The frames are flat gray with a moving bar: no face, so they leave the real pipeline unchanged.
const pipeline = facelessPipeline('no face in a gray frame with a moving bar');

/** Frame `i` (320×240) as the privacy pipeline hands it to the exits. */
async function frame(i: number): Promise<AnonymizedFrame> {
  const w = 320;
  const h = 240;
  const data = new Uint8Array(w * h * 3).fill(90);
  const x0 = (i * 8) % w;
  for (let y = 0; y < h; y++) for (let x = x0; x < Math.min(w, x0 + 20); x++) data[(y * w + x) * 3] = 250;
  return (await pipeline.process({ width: w, height: h, format: 'rgb24', data }, i * 100))!;
}

/** codec, size and decoded frame count of a recording (ffprobe), and whether ffmpeg decodes it without error. */
function probe(file: string): {
  codec: string;
  width: number;
  height: number;
  frames: number;
  decodes: boolean;
} {
  const p = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(p.stdout) as { streams: Array<Record<string, string | number>> }).streams[0] ?? {};
  const d = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return {
    codec: String(s['codec_name']),
    width: Number(s['width']),
    height: Number(s['height']),
    frames: Number(s['nb_read_frames']),
    decodes: d.status === 0 && d.stderr.trim() === '',
  };
}

async function publishFrames(pub: RtmpPublisher, n: number, fps: number): Promise<void> {
  for (let i = 0; i < n && pub.alive; i++) {
    pub.write(await frame(i));
    await new Promise((r) => setTimeout(r, 1000 / fps));
  }
}

const leaks = (text: string, keys: string[]): string[] => keys.filter((k) => text.includes(k));

describe('RtmpPublisher: ffmpeg encodes, the node publishes (nginx-rtmp on loopback)', () => {
  it('streams playable H.264 while no process holds the key in its command line or environment', async () => {
    const pub = new RtmpPublisher({
      url: nginx.url(KEY),
      width: 320,
      height: 240,
      fps: 10,
      pixelFormat: 'rgb24',
    });
    await publishFrames(pub, 20, 10);
    const during = processTexts();
    const encoders = during.filter(
      (p) => processTree(process.pid).has(p.pid) && /^\S*ffmpeg /.test(p.cmdline),
    );
    expect(encoders.length).toBeGreaterThanOrEqual(1);
    for (const p of during) {
      expect(leaks(p.cmdline, [KEY]), `pid ${p.pid} command line: ${p.cmdline}`).toEqual([]);
      expect(leaks(p.environ, [KEY]), `pid ${p.pid} environment`).toEqual([]);
    }
    for (const e of encoders) expect(e.cmdline).not.toMatch(/rtmps?:\/\//);
    await publishFrames(pub, 30, 10);
    await pub.stop();
    expect(await pub.done).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(nginx.recordingOf(KEY)), nginx.log()).toBe(true);
    const p = probe(nginx.recordingOf(KEY));
    expect(p).toMatchObject({ codec: 'h264', width: 320, height: 240, decodes: true });
    expect(p.frames).toBeGreaterThan(25); // of 50: the encoder skips a frame that comes while it is busy
  });

  it('crosses into extended timestamps (past 0xFFFFFF ms) without the server losing the stream', async () => {
    const name = 'extended-ts';
    const pub = new RtmpPublisher({
      url: nginx.url(name),
      width: 320,
      height: 240,
      fps: 10,
      pixelFormat: 'rgb24',
      client: { timestampBaseMs: 0xffffff - 1500 },
    });
    await publishFrames(pub, 40, 10);
    await pub.stop();
    expect(await pub.done).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    const p = probe(nginx.recordingOf(name));
    expect(p).toMatchObject({ codec: 'h264', decodes: true });
    expect(p.frames).toBeGreaterThan(20);
    const times = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v',
        '-show_entries',
        'packet=pts',
        '-of',
        'csv=p=0',
        nginx.recordingOf(name),
      ],
      { encoding: 'utf8' },
    )
      .stdout.trim()
      .split('\n')
      .map(Number);
    // nginx records from the stream's first timestamp; the clock runs on evenly across 0xFFFFFF
    // (1.5 s in): 100 ms a frame, no jump (a timestamp cut to 24 bits would jump back 4.66 hours).
    expect(pub.framesDropped).toBe(0);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(1500);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(100);
  });

  it('an app the server does not have is a typed error, at once', async () => {
    const t0 = Date.now();
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${nginx.port}/nope/${KEY}`));
    const err = await c.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoError);
    expect(err).toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'closed' } });
    expect((err as Error).message).not.toContain(KEY);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await c.ended).toBe(err);
  });

  it('a stream key already publishing is refused (NetStream.Publish.BadName), a typed error', async () => {
    const first = new RtmpClient(parseIngestUrl(nginx.url('taken')));
    await first.ready;
    const second = new RtmpClient(parseIngestUrl(nginx.url('taken')));
    const err = await second.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'bad-name' } });
    expect((err as Error).message).toMatch(/BadName/);
    await first.close();
    expect(await first.ended).toBeNull();
  });

  it('rtmps:// checks the server certificate: publishes to a trusted one, a typed TLS error otherwise', async () => {
    // A TLS front for nginx with a certificate for "localhost", signed by itself.
    const key = join(dir.path, 'tls.key');
    const cert = join(dir.path, 'tls.crt');
    const made = spawnSync('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert],
    ]);
    expect(made.status, made.stderr.toString()).toBe(0);
    const front = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => {
      const back = connect(nginx.port, '127.0.0.1');
      s.pipe(back).pipe(s);
      s.on('error', () => back.destroy());
      back.on('error', () => s.destroy());
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const port = (front.address() as { port: number }).port;
    try {
      const name = 'over-tls';
      const pub = new RtmpPublisher({
        url: `rtmps://localhost:${port}/live/${name}`,
        width: 320,
        height: 240,
        fps: 10,
        pixelFormat: 'rgb24',
        client: { extraCas: [readFileSync(cert, 'utf8')] },
      });
      await publishFrames(pub, 30, 10);
      await pub.stop();
      expect(await pub.done).toBeNull();
      await new Promise((r) => setTimeout(r, 300));
      expect(probe(nginx.recordingOf(name))).toMatchObject({ codec: 'h264', decodes: true });
      // Not trusted, or not the name the certificate is for: refused before any RTMP byte.
      const untrusted = new RtmpClient(parseIngestUrl(`rtmps://localhost:${port}/live/${KEY}`));
      await expect(untrusted.ready).rejects.toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'tls' } });
      const wrongName = new RtmpClient(parseIngestUrl(`rtmps://127.0.0.1:${port}/live/${KEY}`), {
        extraCas: [readFileSync(cert, 'utf8')],
      });
      await expect(wrongName.ready).rejects.toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'tls' } });
    } finally {
      await new Promise((r) => front.close(r));
    }
  });

  it('nothing listening is a typed error, and so is a publisher whose server refuses it', async () => {
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${await freePort()}/live/${KEY}`));
    await expect(c.ready).rejects.toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'unreachable' } });
    const pub = new RtmpPublisher({
      url: `rtmp://127.0.0.1:${nginx.port}/nope/${KEY}`,
      width: 320,
      height: 240,
      fps: 10,
      pixelFormat: 'rgb24',
    });
    const reason = await pub.done;
    expect(reason).toMatch(/closed the connection/);
    expect(reason).not.toContain(KEY);
    expect(pub.error).toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'closed' } });
    expect(pub.alive).toBe(false);
  });
});

interface CameraAnswer {
  id: string;
  name: string;
  state: string;
  streaming: boolean;
}

describe('a stream target saved through the API (real node, real ffmpeg, nginx-rtmp)', () => {
  const dataDir = join(dir.path, 'data');
  const rtsp = new RtspServer({ dir: join(REPO_ROOT, 'test', '.tmp', 'face-clip-640'), fps: 10 });
  let sim: OnvifSim;
  let node: NodeProcess;
  let ws: WebSocket;
  let wsMessages: string[] = [];
  const answers: string[] = [];
  let during: ReturnType<typeof processTexts> = [];
  let nodeTree = new Set<number>();
  const logText = () =>
    filesUnder(dataDir)
      .filter((f) => /logs/.test(f.path))
      .map((f) => f.text)
      .join('');
  let targets: Array<{ id: number; name: string; keyHint: string; serverUrl: string }> = [];

  beforeAll(async () => {
    makeFaceClip(join(REPO_ROOT, 'test', '.tmp', 'face-clip-640'), {
      width: 640,
      height: 360,
      fps: 10,
      framesPerPhoto: 20,
    });
    await rtsp.start();
    sim = new OnvifSim({
      user: 'admin',
      pass: 'cam-pass-9',
      rtspUri: rtsp.url,
      width: 640,
      height: 360,
      fps: 10,
    });
    await sim.start();
    let cookie: string;
    ({ node, cookie } = await startCameraNode(dataDir, { segmentSeconds: 5 }));
    const events = await eventsClient(node.url, cookie);
    ws = events.ws;
    wsMessages = events.text;
    const call = async (name: string, input: unknown) => {
      const v = await rpcCall(node.url, cookie, name, input);
      answers.push(JSON.stringify(v));
      return v;
    };
    const cam = (await call('video.addCamera', {
      address: sim.address,
      username: 'admin',
      password: 'cam-pass-9',
      name: 'Door',
    })) as unknown as CameraAnswer;
    const camera = async () => ((await call('video.cameras', {})) as unknown as CameraAnswer[])[0]!;
    await waitFor(
      'the camera streaming',
      async () => ((await camera()).state === 'streaming' ? true : undefined),
      90_000,
    );
    await call('auth.confirmPassword', { password: 'owner-password-for-tests' });
    await call('video.addConsent', {
      cameraId: cam.id,
      grantedBy: 'the owner',
      scope: 'test stream to a local ingest',
      startsMs: Date.now() - 1000,
      endsMs: Date.now() + 600_000,
    });
    const serverUrl = `rtmp://127.0.0.1:${nginx.port}/live`;
    const saved = await call('video.saveStreamTarget', {
      name: 'Local ingest',
      preset: 'custom',
      serverUrl,
      streamKey: NODE_KEY,
    });
    await call('video.saveStreamTarget', {
      name: 'Wrong app',
      preset: 'custom',
      serverUrl: `rtmp://127.0.0.1:${nginx.port}/nope`,
      streamKey: WRONG_APP_KEY,
    });
    targets = (await call('video.streamTargets', {})) as unknown as typeof targets;
    await call('video.startStream', { cameraId: cam.id, targetId: saved['id'] });
    await waitFor('the stream on', async () => ((await camera()).streaming ? true : undefined), 10_000);
    await waitFor(
      "nginx's recording growing",
      async () =>
        existsSync(nginx.recordingOf(NODE_KEY)) && statSync(nginx.recordingOf(NODE_KEY)).size > 50_000
          ? true
          : undefined,
      30_000,
    );
    nodeTree = processTree(node.proc.pid!);
    during = processTexts();
    await new Promise((r) => setTimeout(r, 3000));
    await call('video.stopStream', { cameraId: cam.id });
    // The next stream starts at once: the stopped one's late end names its own stream and changes nothing.
    // The wrong app: nginx hangs up, the stream ends by itself and the log says why.
    await call('video.startStream', {
      cameraId: cam.id,
      targetId: targets.find((t) => t.name === 'Wrong app')!.id,
    });
    await waitFor(
      'the refused stream to end',
      async () => ((await camera()).streaming ? undefined : true),
      20_000,
    );
    await waitFor(
      'the refusal in the log',
      async () => (logText().includes('"stream ended"') ? true : undefined),
      10_000,
    );
  }, 240_000);

  afterAll(async () => {
    ws?.close();
    await node?.stop();
    await sim?.stop();
    await rtsp.stop();
  });

  it('lists the targets with only the last 4 characters of each key', () => {
    expect(targets.map((t) => [t.name, t.keyHint])).toEqual([
      ['Local ingest', `••••${NODE_KEY.slice(-4)}`],
      ['Wrong app', `••••${WRONG_APP_KEY.slice(-4)}`],
    ]);
    expect(targets[0]!.serverUrl).toBe(`rtmp://127.0.0.1:${nginx.port}/live`);
  });

  it('nginx received a playable H.264 stream of the camera', () => {
    const p = probe(nginx.recordingOf(NODE_KEY));
    expect(p).toMatchObject({ codec: 'h264', width: 640, height: 360, decodes: true });
    // Several seconds of the camera at the rate the node captures it (a few frames a second).
    expect(p.frames).toBeGreaterThan(10);
  });

  it('while it streamed, no process held the key in its command line or environment', () => {
    const encoders = during.filter(
      (p) => nodeTree.has(p.pid) && /^\S*ffmpeg /.test(p.cmdline) && / flv pipe:1/.test(p.cmdline),
    );
    expect(encoders.length).toBe(1);
    for (const p of during) {
      expect(leaks(p.cmdline, [NODE_KEY]), `pid ${p.pid} command line: ${p.cmdline}`).toEqual([]);
      expect(leaks(p.environ, [NODE_KEY]), `pid ${p.pid} environment`).toEqual([]);
    }
  });

  it('no file the node wrote (video db, audit log, logs) holds a key in the clear; the refusal is logged', () => {
    for (const f of filesUnder(dataDir)) expect(leaks(f.text, [NODE_KEY, WRONG_APP_KEY]), f.path).toEqual([]);
    const ended = logText()
      .split('\n')
      .filter((l) => l.includes('"stream ended"'));
    expect(
      ended.some((l) => /closed the connection/.test(l)),
      ended.join('\n'),
    ).toBe(true);
  });

  it('no API answer or WebSocket event holds a key', () => {
    expect(answers.flatMap((a) => leaks(a, [NODE_KEY, WRONG_APP_KEY]))).toEqual([]);
    expect(wsMessages.length).toBeGreaterThan(0);
    expect(wsMessages.flatMap((m) => leaks(m, [NODE_KEY, WRONG_APP_KEY]))).toEqual([]);
  });
});
