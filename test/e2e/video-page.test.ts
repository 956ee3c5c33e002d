// The Video page in Chromium against a real headless node: a camera (the ONVIF simulator + an RTSP
// server streaming the face clip, both on 127.0.0.1) is added by address from the page, its tile
// goes live, the live picture and a snapshot carry no detectable face, a privacy mask drawn on the
// page is saved and burned into later pictures, a bad address and a wrong password are refused
// with clear messages, and the tile says what the camera records (its main stream's size and rate,
// its sub-stream, the smallest face protected) and takes a lower rate. Nothing leaves loopback: the node runs with mDNS off and libp2p on 127.0.0.1,
// the simulator has no WS-Discovery responder, and nobody presses "Find cameras".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPath } from '../../main/platform/paths';
import { parseDetectorOptions, protectedFacePx, type WorkerFaceDetector } from '../../main/video/detect';
import { defaultVideoOptions } from '../../main/video/service-options';
import type { Frame } from '../../main/video/types';
import { chromiumMissing, launchChromium, ownerPage } from '../helpers/browser';
import { freePort, type NodeProcess, signInAsOwner, startNode } from '../helpers/node-process';
import { OnvifSim } from '../helpers/onvif-sim/sim';
import { faceChecker, saveFailureFrame } from '../helpers/rtsp/face-check';
import { decodeRgbFrames } from '../helpers/rtsp/frames';
import { FACE_PHOTOS_DIR, RtspServer } from '../helpers/rtsp/rtsp-server';
import { tempDir } from '../helpers/tmp';
import { REPO_ROOT } from '../helpers/onvif-sim/bundle';

/** Run in the page: the live picture's URL and its pixels as a PNG data URL (drawn on a canvas). */
const READ_LIVE_PICTURE = `(async () => {
  const el = document.querySelector('[data-testid="live-view"]');
  const src = el.src;
  await el.decode();
  const c = document.createElement('canvas');
  c.width = el.naturalWidth;
  c.height = el.naturalHeight;
  c.getContext('2d').drawImage(el, 0, 0);
  return { src, png: c.toDataURL('image/png') };
})()`;

const missing =
  chromiumMissing() ??
  (spawnSync('ffmpeg', ['-version']).status === 0
    ? null
    : 'ffmpeg is not installed (apt-get install ffmpeg)');
if (missing) console.warn(`skipping e2e Video page tests: ${missing}`);

const W = 640;
const H = 360;
/** The detector the node's cameras run (its defaults): what the tile's "faces ≥ N px" is worked out for. */
const CAMERA_DETECTOR_OPTIONS = parseDetectorOptions(
  defaultVideoOptions('/nonexistent', { capture: () => '', detector: () => '' }).detector,
);
const PASS = 'cam-pass-7';
// The mask drawn on the page (normalized): over the middle of the group, clear of the faces.
const MASK = [
  { x: 0.3, y: 0.15 },
  { x: 0.55, y: 0.15 },
  { x: 0.55, y: 0.45 },
  { x: 0.3, y: 0.45 },
];

/**
 * A camera-like clip: one group photo filling the 640×360 frame, drifting slowly on a closed path
 * (40 frames at 10 fps; the last frame leads smoothly into the first, so the looping RTSP stream has
 * no cut). Hard cuts between photos (as in makeFaceClip) are not what a fixed camera sees, and the
 * pipeline's detect-every-3rd-frame default does not cover faces that appear between detections:
 * that gap is shown, deterministically, by test/unit/video/detect/scene-cut.test.ts.
 */
function makePanClip(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).filter((f) => /^frame\d{4}\.jpg$/.test(f)).length === 40) return;
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-loop',
      '1',
      '-framerate',
      '10',
      '-i',
      join(FACE_PHOTOS_DIR, 'sample5.jpg'),
      '-vf',
      "scale=720:-2,crop=640:360:x='40+40*sin(2*PI*n/40)':y='(ih-360)/2+24*cos(2*PI*n/40)'",
      '-frames:v',
      '40',
      '-q:v',
      '3',
      join(dir, 'frame%04d.jpg'),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not make the e2e clip: ${r.stderr}`);
}

/** Mean of the r, g, b bytes of `f` over the normalized rectangle [x0,x1)×[y0,y1). */
function meanIn(f: Frame, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.ceil(y0 * f.height); y < Math.floor(y1 * f.height); y++) {
    for (let x = Math.ceil(x0 * f.width); x < Math.floor(x1 * f.width); x++) {
      const i = (y * f.width + x) * 3;
      sum += f.data[i]! + f.data[i + 1]! + f.data[i + 2]!;
      n += 3;
    }
  }
  return sum / n;
}

describe.skipIf(missing)(
  'Video page in Chromium: add a camera, anonymized live view, privacy mask, clear errors',
  () => {
    const dir = tempDir('hotpot-e2e-video-');
    const clipDir = join(REPO_ROOT, 'test', '.tmp', 'face-clip-e2e-pan');
    let node: NodeProcess;
    let browser: Browser;
    let rtsp: RtspServer;
    let sim: OnvifSim;
    let checker: WorkerFaceDetector;
    let page: Page;
    const pageErrors: string[] = [];

    /** Decodes a data:image/png URL (a live picture read back from the page) into an rgb24 frame of its own size. */
    const decodePicture = (png: string, w: number, h: number): Frame => {
      const file = join(dir.path, `f-${Date.now()}-${Math.random().toString(36).slice(2)}.png`);
      writeFileSync(file, Buffer.from(png.replace(/^data:image\/png;base64,/, ''), 'base64'));
      return decodeRgbFrames(file, w, h)[0]!;
    };
    /**
     * The tile's current live picture, once its URL differs from `previous`: its URL (an object URL
     * of a frame pushed as bytes) and its pixels as the page decoded them (read back as a lossless PNG).
     */
    const nextLive = async (previous: string | null): Promise<{ src: string; png: string }> => {
      const img = page.getByTestId('live-view');
      await expect
        .poll(async () => ((await img.count()) > 0 ? await img.getAttribute('src') : null), {
          timeout: 20_000,
        })
        .not.toBe(previous);
      // A newer frame may replace the picture while it is read: read the one shown then.
      for (let attempt = 0; ; attempt++) {
        try {
          return (await page.evaluate(READ_LIVE_PICTURE)) as { src: string; png: string };
        } catch (err) {
          if (attempt >= 5) throw err;
        }
      }
    };
    /** How many watch the camera live, as the node counts them. */
    const liveWatchers = async (): Promise<number> =>
      (await rpc<Array<{ liveWatchers: number }>>('video.cameras', {}))[0]?.liveWatchers ?? -1;
    /** Asserts the checker finds no face in `f`; a failing frame is kept as PNG under test/.tmp/failures for a human. */
    const expectNoFace = async (f: Frame, what: string): Promise<void> => {
      const found = await checker.detect(f);
      if (found.length > 0) await saveFailureFrame(`video-page-${what}-${Date.now()}`, f, found);
      expect(found, what).toEqual([]);
    };
    let cookie = '';
    const rpc = async <T>(method: string, body: unknown): Promise<T> => {
      const r = (await (
        await fetch(new URL(`/rpc/${method}`, node.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify(body),
        })
      ).json()) as { ok: boolean; value: T };
      if (!r.ok) throw new Error(`${method} failed: ${JSON.stringify(r)}`);
      return r.value;
    };

    beforeAll(async () => {
      makePanClip(clipDir);
      rtsp = new RtspServer({ dir: clipDir, fps: 10 });
      await rtsp.start();
      sim = new OnvifSim({
        host: '127.0.0.1',
        user: 'admin',
        pass: PASS,
        rtspUri: rtsp.url,
        name: 'Kitchen Door',
        discovery: false,
        // A main stream and a sub-stream (the sub-stream is remembered, not recorded).
        profiles: [
          { token: 'main', name: 'mainStream', width: W, height: H, fps: 10 },
          { token: 'sub', name: 'subStream', width: W / 2, height: H / 2, fps: 10 },
        ],
      });
      await sim.start();
      [node, browser, checker] = await Promise.all([
        // The test camera is on loopback, which video.cameraNetworks leaves out by default.
        startNode({
          dataDir: join(dir.path, 'data'),
          env: { HOTPOT_VIDEO_CAMERA_NETWORKS: '127.0.0.0/8' },
          timeoutMs: 30_000,
        }),
        launchChromium(),
        faceChecker(workerPath('detector')),
      ]);
      page = await ownerPage(browser, node.url, { viewport: { width: 1280, height: 1000 } });
      cookie = await signInAsOwner(node.url);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${node.url}#/video`);
      await page.getByTestId('video-page').waitFor({ timeout: 10_000 });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await node?.stop();
      await checker?.dispose();
      await sim?.stop();
      await rtsp?.stop();
      dir.cleanup();
    });

    const addForm = () => page.getByTestId('add-camera');
    const submit = async (address: string, password: string, name = ''): Promise<void> => {
      await page.getByTestId('camera-address').fill(address);
      await addForm().getByLabel('Name (optional)').fill(name);
      await addForm().getByLabel('User name').fill('admin');
      await addForm().getByLabel('Password').fill(password);
      await addForm().getByRole('button', { name: 'Add camera' }).click();
    };

    it('refuses a malformed address, a silent address and a wrong password, each with a message that says what to do', async () => {
      await submit('cam era!', PASS);
      await expect
        .poll(() => addForm().getByRole('alert').textContent(), { timeout: 10_000 })
        .toMatch(/is not a host, host:port or http URL.*\[BAD_ADDRESS\]/);

      // A port on loopback nobody listens on: the camera "does not answer".
      await submit(`127.0.0.1:${await freePort()}`, PASS);
      await expect
        .poll(() => addForm().getByRole('alert').textContent(), { timeout: 20_000 })
        .toMatch(/does not answer.*check that it is powered.*\[CAMERA_UNREACHABLE\]/);

      await submit(sim.address, 'wrong-password');
      await expect
        .poll(() => addForm().getByRole('alert').textContent(), { timeout: 20_000 })
        .toMatch(/refused the user name or password; check them.*\[CAMERA_AUTH_FAILED\]/);
      expect(sim.stats.authFailures).toBeGreaterThanOrEqual(1);
      expect(await rpc<unknown[]>('video.cameras', {})).toEqual([]);
      await expect.poll(() => page.getByTestId('cameras').textContent()).toContain('No cameras yet');
    });

    it('adds the camera by address; its tile goes live with a picture in which no face is detectable', async () => {
      // Sanity: the checker does find faces in the source pictures at the live view's size.
      let sourceFaces = 0;
      for (const i of [1, 11, 21, 31])
        sourceFaces += (
          await checker.detect(
            decodeRgbFrames(join(clipDir, `frame${String(i).padStart(4, '0')}.jpg`), 480, 270)[0]!,
          )
        ).length;
      expect(sourceFaces).toBeGreaterThanOrEqual(8);

      await submit(sim.address, PASS, 'Kitchen Door');
      const tile = page.locator('section.card[data-testid^="camera-"]');
      await expect.poll(() => tile.count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => tile.locator('h3').textContent()).toContain('Kitchen Door');
      await expect
        .poll(() => tile.getByTestId('camera-state').textContent(), { timeout: 30_000 })
        .toBe('live');
      expect(await addForm().getByRole('alert').count()).toBe(0);
      // What it records: the main stream at its own size and rate, and the smallest face it protects.
      expect(await tile.getByTestId('camera-format').textContent()).toBe(
        'Records 640×360 at 10 fps from profile “mainStream” (640×360, 10 fps); sub-stream “subStream” 320×180, 10 fps',
      );
      expect(await tile.getByTestId('camera-faces').textContent()).toBe(
        `Faces ≥ ${protectedFacePx(CAMERA_DETECTOR_OPTIONS, W, H)} px wide are protected`,
      );

      // Pull three successive live pictures from the page itself and look for faces in each.
      // The tile on the page is the camera's one watcher; its frames come as bytes (object URLs, no base64).
      expect(await liveWatchers()).toBe(1);
      let src: string | null = null;
      for (let i = 0; i < 3; i++) {
        const shot = await nextLive(src);
        src = shot.src;
        expect(src).toMatch(/^blob:/);
        const live = decodePicture(shot.png, 480, 270);
        expect(meanIn(live, 0.2, 0.1, 0.8, 0.9)).toBeGreaterThan(20); // a picture, not a black frame
        await expectNoFace(live, `live-${i}`);
      }

      // The snapshot button downloads a full-size anonymized JPEG: no face in it either.
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 20_000 }),
        tile.getByRole('button', { name: 'Snapshot' }).click(),
      ]);
      const snapFile = join(dir.path, 'snapshot.jpg');
      await download.saveAs(snapFile);
      const snap = decodeRgbFrames(snapFile, W, H)[0]!;
      expect(meanIn(snap, 0.2, 0.1, 0.8, 0.9)).toBeGreaterThan(20);
      await expectNoFace(snap, 'snapshot');
    });

    it('draws a privacy mask on the live picture, saves it, and later pictures carry it burned in', async () => {
      const tile = page.locator('section.card[data-testid^="camera-"]');
      const before = decodePicture((await nextLive(null)).png, 480, 270);
      const inner = [0.34, 0.2, 0.51, 0.4] as const; // inside MASK, clear of its anti-aliased edges
      expect(meanIn(before, ...inner)).toBeGreaterThan(30);

      await tile.getByRole('button', { name: 'Privacy masks' }).click();
      const canvas = tile.getByTestId('mask-canvas');
      const box = (await canvas.boundingBox())!;
      for (const p of MASK) await canvas.click({ position: { x: p.x * box.width, y: p.y * box.height } });
      await tile.getByRole('button', { name: 'Close outline' }).click();
      await expect.poll(() => canvas.locator('polygon').count()).toBe(1);
      await tile.getByTestId('mask-save').click();
      await expect.poll(() => tile.getByTestId('mask-editor').count()).toBe(0);

      const cams = await rpc<Array<{ masks: Array<{ points: Array<{ x: number; y: number }> }> }>>(
        'video.cameras',
        {},
      );
      expect(cams[0]!.masks).toHaveLength(1);
      cams[0]!.masks[0]!.points.forEach((p, i) => {
        expect(p.x).toBeCloseTo(MASK[i]!.x, 2);
        expect(p.y).toBeCloseTo(MASK[i]!.y, 2);
      });

      // Within a few live pictures the masked area turns solid black (JPEG leaves a few levels).
      let src: string | null = null;
      let png = '';
      await expect
        .poll(
          async () => {
            ({ src, png } = await nextLive(src));
            return meanIn(decodePicture(png, 480, 270), ...inner);
          },
          { timeout: 20_000, interval: 100 },
        )
        .toBeLessThan(8);
      const after = decodePicture(png, 480, 270);
      expect(meanIn(after, 0.6, 0.1, 0.8, 0.9)).toBeGreaterThan(20); // the rest of the picture is still there
      await expectNoFace(after, 'masked-live');
      expect(pageErrors, pageErrors.join('\n')).toEqual([]);
    });

    it("lowers the camera's rate from its tile, refuses a bad width with the node's message, and the tile says what it records", async () => {
      const tile = page.locator('section.card[data-testid^="camera-"]');
      await tile.getByRole('button', { name: 'Size and rate' }).click();
      const panel = tile.getByTestId('capture-limits');
      await panel.getByLabel('Largest rate, fps').fill('5');
      await panel.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => panel.count()).toBe(0);
      await expect
        .poll(() => tile.getByTestId('camera-format').textContent())
        .toBe(
          'Records 640×360 at 5 fps from profile “mainStream” (640×360, 10 fps) — lowered by this camera’s settings; sub-stream “subStream” 320×180, 10 fps',
        );
      const [cam] = await rpc<
        Array<{ id: string; fps: number; maxFps: number | null; maxWidth: number | null }>
      >('video.cameras', {});
      expect(cam).toMatchObject({ fps: 5, maxFps: 5, maxWidth: null });
      // The capture restarted with the new rate and the tile goes live again.
      await expect
        .poll(() => tile.getByTestId('camera-state').textContent(), { timeout: 30_000 })
        .toBe('live');

      // An odd width is refused by the node (the page's field would not submit it); nothing changes.
      const r = (await (
        await fetch(new URL('/rpc/video.configureCamera', node.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ id: cam!.id, maxWidth: 641 }),
        })
      ).json()) as { ok: boolean; error: { code: string; message: string } };
      expect(r.ok).toBe(false);
      expect(r.error.message).toMatch(/maxWidth must be even/);
      expect(
        (await rpc<Array<{ maxWidth: number | null; fps: number }>>('video.cameras', {}))[0],
      ).toMatchObject({
        maxWidth: null,
        fps: 5,
      });
      // The restarted worker knows the tile still watches: live pictures come again.
      expect((await nextLive(null)).src).toMatch(/^blob:/);
      expect(pageErrors, pageErrors.join('\n')).toEqual([]);
    });

    it('watches the camera only while its tile is on screen: leaving the page stops its live JPEGs', async () => {
      expect(await liveWatchers()).toBe(1);
      await page.goto(`${node.url}#/`);
      await expect.poll(liveWatchers, { timeout: 10_000 }).toBe(0);
      // the worker's counter stops once its last JPEGs are out (it reports about once a second)
      const liveJpegs = async () =>
        (await rpc<Array<{ stats: { liveJpegs: number } | null }>>('video.cameras', {}))[0]!.stats!.liveJpegs;
      await new Promise((r) => setTimeout(r, 2500));
      const stopped = await liveJpegs();
      await new Promise((r) => setTimeout(r, 3000));
      expect(await liveJpegs()).toBe(stopped);
      await page.goto(`${node.url}#/video`);
      await expect.poll(liveWatchers, { timeout: 10_000 }).toBe(1);
      expect((await nextLive(null)).src).toMatch(/^blob:/);
      await expect.poll(liveJpegs, { timeout: 10_000 }).toBeGreaterThan(stopped);
      expect(pageErrors, pageErrors.join('\n')).toEqual([]);
    });
  },
);
