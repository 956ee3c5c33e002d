// The live view is made only while someone watches: a real headless node (bin/hotpot start
// --headless) with one camera (ONVIF simulator + RTSP server on loopback). Nobody watching, its
// worker encodes no live JPEG while frames flow; a WebSocket client that says it watches gets binary
// frames (main/contract/live-frame.ts) holding JPEGs of the anonymized picture, and the count grows;
// once it stops watching, or its socket closes without a word, the count stops.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLiveFrame, type LiveFrame } from '../../../main/contract/live-frame';
import { REPO_ROOT } from '../../helpers/onvif-sim/bundle';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import type { NodeProcess } from '../../helpers/node-process';
import { rpcCall } from '../../helpers/rest-calls';
import { makeFaceClip, RtspServer } from '../../helpers/rtsp/rtsp-server';
import { tempDir } from '../../helpers/tmp';
import { eventsClient, startCameraNode } from '../../helpers/video/camera-node';
import { waitFor } from './rig';

interface CameraAnswer {
  id: string;
  state: string;
  liveWatchers: number;
  stats: { frames: number; liveJpegs: number } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live view only while someone watches (real node, real ffmpeg, WebSocket)', () => {
  const dir = tempDir('hotpot-live-watch-');
  const dataDir = join(dir.path, 'data');
  const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-640');
  const rtsp = new RtspServer({ dir: clipDir, fps: 10 });
  let sim: OnvifSim;
  let node: NodeProcess;
  let cookie = '';
  let camId = '';
  const camera = async (): Promise<CameraAnswer> =>
    ((await rpcCall(node.url, cookie, 'video.cameras', {})) as unknown as CameraAnswer[]).find(
      (c) => c.id === camId,
    )!;
  /** The counters after the worker's next status (it reports at least once a second). */
  const settled = async (): Promise<CameraAnswer> => {
    await sleep(1500);
    return camera();
  };

  beforeAll(async () => {
    makeFaceClip(clipDir, { width: 640, height: 360, fps: 10, framesPerPhoto: 20 });
    await rtsp.start();
    sim = new OnvifSim({ user: 'admin', pass: 'pw', rtspUri: rtsp.url, width: 640, height: 360, fps: 10 });
    await sim.start();
    ({ node, cookie } = await startCameraNode(dataDir));
    const added = await rpcCall(node.url, cookie, 'video.addCamera', {
      address: sim.address,
      username: 'admin',
      password: 'pw',
      name: 'Counter',
    });
    camId = String(added.id);
    await waitFor(
      'the camera streaming',
      async () => ((await camera()).state === 'streaming' ? true : undefined),
      90_000,
    );
  }, 180_000);

  afterAll(async () => {
    await node?.stop();
    await sim?.stop();
    await rtsp.stop();
    dir.cleanup();
  });

  it('encodes no live JPEG while nobody watches, though frames flow; a connected client alone is no watcher', async () => {
    const idle = await eventsClient(node.url, cookie);
    const before = await settled();
    await sleep(5000);
    const after = await settled();
    expect(after.stats!.frames - before.stats!.frames).toBeGreaterThan(20);
    expect(after.stats!.liveJpegs).toBe(0);
    expect(after.liveWatchers).toBe(0);
    expect(idle.binary).toEqual([]);
    report.idle = { frames: after.stats!.frames - before.stats!.frames, liveJpegs: after.stats!.liveJpegs };
    expect(idle.text.filter((t) => t.includes('video.live'))).toEqual([]);
    // a snapshot still works on demand
    const snap = await rpcCall(node.url, cookie, 'video.snapshot', { id: camId });
    expect([...Buffer.from(String(snap.jpegBase64), 'base64').subarray(0, 2)]).toEqual([0xff, 0xd8]);
    idle.ws.close();
  }, 30_000);

  it('sends a watching client binary frames of JPEGs, counting them; stops when it stops watching', async () => {
    const viewer = await eventsClient(node.url, cookie);
    const other = await eventsClient(node.url, cookie);
    viewer.watch([camId]);
    const frames = await waitFor(
      'three live frames',
      () =>
        viewer.binary.length >= 3 ? viewer.binary.map((b) => decodeLiveFrame(new Uint8Array(b))) : undefined,
      30_000,
    );
    const watching = await settled();
    expect(watching.liveWatchers).toBe(1);
    expect(watching.stats!.liveJpegs).toBeGreaterThanOrEqual(3);
    for (const f of frames) {
      expect(f.cameraId).toBe(camId);
      expect([...f.jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    }
    // the JPEG is the live view's picture: 480 px wide (live.outWidthPx) out of the 640×360 stream
    expect(jpegSize(frames.at(-1)!, dir.path)).toBe('480x270');
    // a client not watching gets none, and no live frame goes out as JSON
    expect(other.binary).toEqual([]);
    expect([...viewer.text, ...other.text].filter((t) => t.includes('video.live'))).toEqual([]);

    viewer.watch([]);
    await sleep(1500); // the encoder's last JPEGs in flight
    const stopped = await settled();
    expect(stopped.liveWatchers).toBe(0);
    await sleep(4000);
    const later = await settled();
    expect(later.stats!.liveJpegs).toBe(stopped.stats!.liveJpegs);
    expect(later.stats!.frames).toBeGreaterThan(stopped.stats!.frames);
    report.watched = { liveJpegs: watching.stats!.liveJpegs, framesReceived: viewer.binary.length };
    report.stopped = { liveJpegs: later.stats!.liveJpegs, frames: later.stats!.frames };
    viewer.ws.close();
    other.ws.close();
  }, 60_000);

  it('a socket that closes without unsubscribing stops counting', async () => {
    const c = await eventsClient(node.url, cookie);
    c.watch([camId]);
    await waitFor('a frame', () => (c.binary.length > 0 ? true : undefined), 30_000);
    expect((await camera()).liveWatchers).toBe(1);
    c.ws.terminate();
    await waitFor('no watcher', async () => ((await camera()).liveWatchers === 0 ? true : undefined), 10_000);
    await sleep(1500);
    const stopped = await settled();
    await sleep(3000);
    expect((await settled()).stats!.liveJpegs).toBe(stopped.stats!.liveJpegs);
    console.log(`live JPEG counter: ${JSON.stringify(report)}`);
  }, 60_000);
});

const report: Record<string, unknown> = {};

/** A JPEG's size as ffprobe reads it (`WxH`). */
function jpegSize(f: LiveFrame, tmp: string): string {
  const file = join(tmp, `live-${Date.now()}.jpg`);
  writeFileSync(file, f.jpeg);
  return execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=s=x:p=0', file],
    {
      encoding: 'utf8',
    },
  ).trim();
}
