// Camera credentials stay inside the node: a real headless node (bin/hotpot start --headless) with one
// camera that streams (its RTSP server checks digest credentials, as a camera does) and one whose
// RTSP port is closed, so ffmpeg fails on it again and again and says why. The passwords must not
// stand in any process's command line or environment, the API's answer, a WebSocket event or a log.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { OnvifSim } from '../../helpers/onvif-sim/sim';
import { freePort, type NodeProcess } from '../../helpers/node-process';
import { rpcCall } from '../../helpers/rest-calls';
import { makeFaceClip, RtspServer } from '../../helpers/rtsp/rtsp-server';
import { processTexts, processTree } from '../../helpers/process-texts';
import { tempDir } from '../../helpers/tmp';
import { REPO_ROOT } from '../../helpers/onvif-sim/bundle';
import { eventsClient, filesUnder, startCameraNode } from '../../helpers/video/camera-node';
import { waitFor } from './rig';

// Distinctive, with characters a URL must escape: found in any form they could take.
const GOOD_PASS = 'Fz9:q/k@Lm-unique-1';
const DEAD_PASS = 'Wp4#t%Rv-unique-2';
const FORMS = [GOOD_PASS, DEAD_PASS].flatMap((p) => [p, encodeURIComponent(p)]);

const leaks = (text: string): string[] => FORMS.filter((f) => text.includes(f));

interface CameraAnswer {
  id: string;
  name: string;
  state: string;
  message: string;
}

describe('camera credentials never leave the node (real process, real ffmpeg, real RTSP auth)', () => {
  const dir = tempDir('hotpot-video-secrets-');
  const dataDir = join(dir.path, 'data');
  const rtsp = new RtspServer({
    dir: join(REPO_ROOT, 'test', '.tmp', 'face-clip-640'),
    fps: 10,
    auth: { user: 'admin', password: GOOD_PASS },
  });
  let good: OnvifSim;
  let dead: OnvifSim;
  let node: NodeProcess;
  let wsMessages: string[] = [];
  let ws: WebSocket;
  let cameras: CameraAnswer[] = [];
  let duringStreaming: ReturnType<typeof processTexts> = [];
  let nodeTree = new Set<number>();

  beforeAll(async () => {
    makeFaceClip(join(REPO_ROOT, 'test', '.tmp', 'face-clip-640'), {
      width: 640,
      height: 360,
      fps: 10,
      framesPerPhoto: 20,
    });
    await rtsp.start();
    good = new OnvifSim({
      user: 'admin',
      pass: GOOD_PASS,
      rtspUri: rtsp.url,
      width: 640,
      height: 360,
      fps: 10,
    });
    await good.start();
    // ONVIF answers, but nothing listens on its stream's port: ffmpeg fails with the URL in its error.
    dead = new OnvifSim({
      user: 'admin',
      pass: DEAD_PASS,
      rtspUri: `rtsp://127.0.0.1:${await freePort()}/cam`,
      width: 640,
      height: 360,
      fps: 10,
    });
    await dead.start();
    let cookie: string;
    ({ node, cookie } = await startCameraNode(dataDir, { segmentSeconds: 5 }));
    const events = await eventsClient(node.url, cookie);
    ws = events.ws;
    wsMessages = events.text;
    const call = (name: string, input: unknown) => rpcCall(node.url, cookie, name, input);
    await call('video.addCamera', {
      address: good.address,
      username: 'admin',
      password: GOOD_PASS,
      name: 'Good',
    });
    await call('video.addCamera', {
      address: dead.address,
      username: 'admin',
      password: DEAD_PASS,
      name: 'Dead',
    });
    const list = async () => (await call('video.cameras', {})) as unknown as CameraAnswer[];
    await waitFor(
      'the good camera streaming',
      async () => ((await list()).find((c) => c.name === 'Good')?.state === 'streaming' ? true : undefined),
      90_000,
    );
    nodeTree = processTree(node.proc.pid!);
    duringStreaming = processTexts();
    // The dead camera has failed and said why several times (every status is an event too).
    await waitFor(
      'three failures of the dead camera',
      async () => (wsMessages.filter((m) => /Connection refused/.test(m)).length >= 3 ? true : undefined),
      60_000,
    );
    cameras = await list();
  }, 240_000);

  afterAll(async () => {
    ws?.close();
    await node?.stop();
    await good?.stop();
    await dead?.stop();
    await rtsp.stop();
    dir.cleanup();
  });

  it('no process holds a password in its command line or environment, while ffmpeg decodes the camera', () => {
    const decoders = duringStreaming.filter(
      (p) => nodeTree.has(p.pid) && /^\S*ffmpeg /.test(p.cmdline) && / rawvideo /.test(p.cmdline),
    );
    // the check looks at the node's own decoders: the good camera's is running
    expect(decoders.length).toBeGreaterThanOrEqual(1);
    for (const p of duringStreaming) {
      expect(leaks(p.cmdline), `pid ${p.pid} command line: ${p.cmdline}`).toEqual([]);
      expect(leaks(p.environ), `pid ${p.pid} environment`).toEqual([]);
    }
    // not even the camera's address with the credentials cut out: the URL goes to ffmpeg on stdin
    for (const d of decoders) expect(d.cmdline).not.toContain('rtsp://');
  });

  it("the API's answer says why the dead camera fails, without its credentials", () => {
    const deadCam = cameras.find((c) => c.name === 'Dead')!;
    expect(deadCam.message).toMatch(/Connection refused/);
    expect(leaks(JSON.stringify(cameras))).toEqual([]);
    expect(JSON.stringify(cameras)).not.toMatch(/rtsp:\/\/[^/\s]*admin[^/\s]*@/);
  });

  it('no WebSocket event holds a password', () => {
    expect(wsMessages.length).toBeGreaterThanOrEqual(3);
    expect(wsMessages.flatMap(leaks)).toEqual([]);
  });

  it('no file the node wrote (logs, databases, config) holds a password in the clear', () => {
    const files = filesUnder(dataDir);
    // the log holds the dead camera's outage and ffmpeg's reason, so the check has text to look at
    const log = files
      .filter((f) => /logs/.test(f.path))
      .map((f) => f.text)
      .join('');
    const outages = log.split('\n').filter((l) => l.includes('camera outage started'));
    expect(outages.some((l) => l.includes('Connection refused'))).toBe(true);
    for (const f of files) expect(leaks(f.text), f.path).toEqual([]);
  });
});
