import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_CALL, IPC_EVENT, IPC_WATCH_LIVE } from '../../../main/contract/bridge';
import { type AllHandlers, Router } from '../../../main/api/router';
import { EventBus } from '../../../main/app/events';
import { type ElectronApi, ElectronHost } from '../../../main/hosts/electron';
import { ANONYMOUS, type Principal } from '../../../main/contract/access';
import { LiveWatchers } from '../../../main/video/live/watchers';
import { uiResponse } from '../../../main/hosts/ui-protocol';
import { tempDir } from '../../helpers/tmp';
import WebSocket from 'ws';
import { type LiveFrame, decodeLiveFrame } from '../../../main/contract/live-frame';
import { Gateway } from '../../../main/hosts/gateway/gateway';
import { SESSION_COOKIE } from '../../../main/hosts/gateway/caller';
import { NodeMetrics } from '../../../main/app/metrics';

/** A stand-in for the parts of Electron the host uses; it records what the host asked for. */
function fakeElectron() {
  const windows: FakeWindow[] = [];
  const ipcHandlers = new Map<string, (...a: unknown[]) => unknown>();
  const trays: FakeTray[] = [];
  const protocols = new Map<string, (req: Request) => Promise<Response>>();
  const session = {
    permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    permissionCheck: undefined as undefined | (() => boolean),
    headers: undefined as
      undefined | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
  };
  class FakeWebContents extends EventEmitter {
    sent: unknown[][] = [];
    openHandler: ((d: { url: string }) => unknown) | undefined;
    send(...a: unknown[]) {
      this.sent.push(a);
    }
    isDestroyed() {
      return false;
    }
    setWindowOpenHandler(h: (d: { url: string }) => unknown) {
      this.openHandler = h;
    }
  }
  class FakeWindow extends EventEmitter {
    webContents = new FakeWebContents();
    loaded: string | undefined;
    hidden = false;
    destroyed = false;
    constructor(public opts: { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    show() {
      this.hidden = false;
    }
    hide() {
      this.hidden = true;
    }
    focus() {}
    isMinimized() {
      return false;
    }
    restore() {}
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  class FakeTray extends EventEmitter {
    menu: Array<{ label?: string; click?: () => void }> = [];
    destroyed = false;
    constructor() {
      super();
      trays.push(this);
    }
    setToolTip() {}
    setContextMenu(m: Array<{ label?: string; click?: () => void }>) {
      this.menu = m;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (ch: string, fn: (...a: unknown[]) => unknown) => ipcHandlers.set(ch, fn),
      removeHandler: (ch: string) => ipcHandlers.delete(ch),
    },
    Tray: FakeTray,
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => p },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof session.permissionRequest) => (session.permissionRequest = h),
        setPermissionCheckHandler: (h: typeof session.permissionCheck) => (session.permissionCheck = h),
        webRequest: { onHeadersReceived: (h: typeof session.headers) => (session.headers = h) },
      },
    },
    powerMonitor: new EventEmitter(),
    protocol: {
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => protocols.set(scheme, fn),
      unhandle: (scheme: string) => protocols.delete(scheme),
    },
  };
  return {
    electron: electron as unknown as ElectronApi,
    app,
    windows,
    ipcHandlers,
    trays,
    protocols,
    session,
    FakeWebContents,
  };
}

const handlers = {
  'node.status': async () => ({
    chainId: 'c',
    height: 3,
    hash: null,
    blockTimeMs: null,
    peers: 0,
    syncing: false,
    version: 'v',
    validator: false,
    uptimeMs: 0,
  }),
} as unknown as AllHandlers;

async function setup(opts: { bus?: EventBus; liveWatchers?: LiveWatchers; principal?: Principal } = {}) {
  const f = fakeElectron();
  const bus = opts.bus ?? new EventBus();
  const locks: string[] = [];
  const host = new ElectronHost(
    {
      rendererDir: '/app/dist/renderer',
      preloadPath: '/app/dist/preload/index.cjs',
      trayIcon: '/app/assets/tray.png',
    },
    {
      electron: f.electron,
      router: new Router(handlers),
      sessions: { principalOf: () => opts.principal ?? ANONYMOUS },
      bus,
      liveWatchers: opts.liveWatchers,
      log: pino({ level: 'silent' }),
      onLockRequest: (r) => locks.push(r),
    },
  );
  await host.start();
  return { ...f, host, bus, locks };
}

describe('ElectronHost', () => {
  it('opens one hardened window on the built renderer', async () => {
    const { windows } = await setup();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/app/dist/preload/index.cjs',
    });
    expect(windows[0]!.loaded).toBe('hotpot://app/index.html');
  });

  it('refuses navigation, redirects, webviews and new windows in every web contents', async () => {
    const { app, FakeWebContents } = await setup();
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      contents.emit(ev, e, 'https://example.com');
      expect(e.preventDefault).toHaveBeenCalled();
    }
    expect(contents.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('denies every permission and adds the CSP to responses', async () => {
    const { session } = await setup();
    const cb = vi.fn();
    session.permissionRequest?.({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    expect(session.permissionCheck?.()).toBe(false);
    const out = vi.fn();
    session.headers?.({ responseHeaders: {} }, out);
    expect(JSON.stringify(out.mock.calls[0])).toContain("default-src 'self'");
  });

  it('answers IPC only from frames of its own renderer', async () => {
    const { ipcHandlers } = await setup();
    const call = ipcHandlers.get(IPC_CALL)!;
    const own = { senderFrame: { url: 'hotpot://app/index.html' } };
    expect(await call(own, 'node.status', {})).toMatchObject({ ok: true, value: { height: 3 } });
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      pathToFileURL('/app/dist/renderer/index.html').href, // the old file:// load is no longer ours
      'hotpot://evil/index.html',
      'hotpot://app.evil.example/index.html',
    ]) {
      expect(await call({ senderFrame: { url } }, 'node.status', {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(await call({ senderFrame: null }, 'node.status', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call(own, 42, {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('keeps running in the tray when the window closes, and Quit quits', async () => {
    const { windows, trays, app, host } = await setup();
    const e = { preventDefault: vi.fn() };
    windows[0]!.emit('close', e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(windows[0]!.hidden).toBe(true);
    trays[0]!.menu.find((m) => m.label?.startsWith('Open'))!.click!();
    expect(windows[0]!.hidden).toBe(false);
    trays[0]!.menu.find((m) => m.label?.startsWith('Quit'))!.click!();
    expect(app.quit).toHaveBeenCalled();
    const e2 = { preventDefault: vi.fn() };
    windows[0]!.emit('close', e2);
    expect(e2.preventDefault).not.toHaveBeenCalled();
    await host.stop();
  });

  it('forwards events to the window and asks the wallet to lock on suspend and screen lock', async () => {
    const { windows, bus, electron, locks } = await setup();
    bus.emit('node.status', {
      chainId: 'c',
      height: 4,
      hash: null,
      blockTimeMs: null,
      peers: 0,
      syncing: false,
      version: 'v',
      validator: false,
      uptimeMs: 0,
    });
    expect(windows[0]!.webContents.sent[0]).toEqual([
      IPC_EVENT,
      'node.status',
      expect.objectContaining({ height: 4 }),
    ]);
    (electron.powerMonitor as unknown as EventEmitter).emit('suspend');
    (electron.powerMonitor as unknown as EventEmitter).emit('lock-screen');
    expect(locks).toEqual(['suspend', 'lock-screen']);
  });

  it('stops cleanly: IPC handler removed, tray and window gone', async () => {
    const { host, ipcHandlers, trays, windows } = await setup();
    await host.stop();
    expect(ipcHandlers.has(IPC_CALL)).toBe(false);
    expect(trays[0]!.destroyed).toBe(true);
    expect(windows[0]!.destroyed).toBe(true);
  });
});

describe("the window's UI protocol (hotpot://app/)", () => {
  const dir = tempDir();
  const ui = join(dir.path, 'renderer');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir.path, 'secret.txt'), 'nope');
  afterAll(() => dir.cleanup());

  it('is what the host serves: the renderer with the CSP, the single-page fallback, nothing outside', async () => {
    const { protocols } = await setup();
    const serve = protocols.get('hotpot')!;
    expect(serve).toBeDefined();
    const index = await uiResponse(ui, 'hotpot://app/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<title>ui</title>');
    expect((await uiResponse(ui, 'hotpot://app/assets/app.js')).headers.get('content-type')).toContain(
      'javascript',
    );
    expect(await (await uiResponse(ui, 'hotpot://app/network')).text()).toContain('<title>ui</title>');
    expect((await uiResponse(ui, 'hotpot://app/assets/missing.js')).status).toBe(404);
    expect((await uiResponse(ui, 'hotpot://other/index.html')).status).toBe(404);
    for (const bad of [
      'hotpot://app/..%2fsecret.txt',
      'hotpot://app/assets/..%2f..%2fsecret.txt',
      'hotpot://app/%2e%2e/secret.txt',
    ]) {
      const r = await uiResponse(ui, bad);
      expect(await r.text(), bad).not.toContain('nope');
      expect(r.status, bad).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('ElectronHost: the live view', () => {
  const manager: Principal = {
    kind: 'user',
    userId: 'u',
    username: 'm',
    roles: ['manager'],
    sessionId: 's',
    stepUpAtMs: Date.now(),
  };
  const own = (sender: unknown) => ({ sender, senderFrame: { url: 'hotpot://app/index.html' } });
  const frame = (cameraId: string) => ({
    cameraId,
    atMs: 1,
    jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]),
  });

  it("sends a camera's frames, as bytes, only while the window watches it; counts it; checks the request", async () => {
    const watchers = new LiveWatchers(() => undefined);
    const { windows, ipcHandlers, bus, host } = await setup({ liveWatchers: watchers, principal: manager });
    const wc = windows[0]!.webContents;
    const watch = ipcHandlers.get(IPC_WATCH_LIVE)!;
    const live = () => wc.sent.filter((s) => s[1] === 'video.live');
    bus.emit('video.live', frame('cam-1'));
    expect(live()).toEqual([]);
    expect(await watch(own(wc), { type: 'watch', cameraIds: ['cam-1', 'cam-1'] })).toEqual({
      ok: true,
      value: { watching: ['cam-1'] },
    });
    expect(watchers.count('cam-1')).toBe(1);
    bus.emit('video.live', frame('cam-1'));
    bus.emit('video.live', frame('cam-2'));
    expect(live()).toEqual([[IPC_EVENT, 'video.live', frame('cam-1')]]);
    expect(live()[0]![2]).toMatchObject({ jpeg: expect.any(Uint8Array) });
    // garbage and strangers are refused, and change nothing
    expect(await watch(own(wc), { type: 'watch', cameraIds: 'cam-1' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(
      await watch(
        { sender: wc, senderFrame: { url: 'https://evil.example/' } },
        { type: 'watch', cameraIds: [] },
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(watchers.count('cam-1')).toBe(1);
    // hidden in the tray it does not count; shown again it does
    windows[0]!.emit('hide');
    expect(watchers.count('cam-1')).toBe(0);
    windows[0]!.emit('show');
    expect(watchers.count('cam-1')).toBe(1);
    // the contents going away ends its watch
    wc.emit('destroyed');
    expect(watchers.count('cam-1')).toBe(0);
    await host.stop();
  });

  it('does not count a window whose session may not see live pictures', async () => {
    const watchers = new LiveWatchers(() => undefined);
    const { windows, ipcHandlers } = await setup({ liveWatchers: watchers, principal: ANONYMOUS });
    const wc = windows[0]!.webContents;
    expect(await ipcHandlers.get(IPC_WATCH_LIVE)!(own(wc), { type: 'watch', cameraIds: ['cam-1'] })).toEqual({
      ok: true,
      value: { watching: [] },
    });
    expect(watchers.count('cam-1')).toBe(0);
  });

  it('counts the window and two /ws clients together: one leaving, one closing without a word', async () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>ui</title>');
    const changes: Array<[string, number]> = [];
    const watchers = new LiveWatchers((id, n) => changes.push([id, n]));
    const bus = new EventBus();
    const sessions = {
      principalOf: (t: string | undefined) =>
        t === 'mgr' ? manager : t === 'cashier' ? { ...manager, roles: ['cashier' as const] } : ANONYMOUS,
      principalOfBearer: async () => ANONYMOUS,
    };
    const gw = new Gateway(
      { host: '127.0.0.1', port: 0, rendererDir: dir.path },
      {
        router: new Router(handlers),
        sessions,
        operations: {
          status: () => ({}) as never,
          metrics: new NodeMetrics({ status: () => ({}) as never, mempoolSize: () => 0, cameras: () => [] }),
        },
        rest: [],
        bus,
        liveWatchers: watchers,
        log: pino({ level: 'silent' }),
      },
    );
    await gw.start();
    const { windows, ipcHandlers, host } = await setup({ bus, liveWatchers: watchers, principal: manager });
    const client = async (token: string) => {
      const ws = new WebSocket(gw.url.replace(/^http/, 'ws') + 'ws', {
        headers: { cookie: `${SESSION_COOKIE}=${token}` },
      });
      const frames: LiveFrame[] = [];
      const texts: string[] = [];
      ws.on('message', (m, isBinary) =>
        isBinary ? frames.push(decodeLiveFrame(new Uint8Array(m as Buffer))) : texts.push(String(m)),
      );
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      return { ws, frames, texts, closed };
    };
    const until = async (what: string, ok: () => boolean) => {
      for (const end = Date.now() + 5000; !ok(); await new Promise((r) => setTimeout(r, 10)))
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    };
    try {
      const a = await client('mgr');
      const b = await client('mgr');
      const cashier = await client('cashier');
      a.ws.send(JSON.stringify({ type: 'watch', cameraIds: ['cam-1'] }));
      b.ws.send(JSON.stringify({ type: 'watch', cameraIds: ['cam-1', 'cam-2'] }));
      cashier.ws.send(JSON.stringify({ type: 'watch', cameraIds: ['cam-1'] }));
      await ipcHandlers.get(IPC_WATCH_LIVE)!(own(windows[0]!.webContents), {
        type: 'watch',
        cameraIds: ['cam-1'],
      });
      await until(
        'three watchers of cam-1',
        () => watchers.count('cam-1') === 3 && watchers.count('cam-2') === 1,
      );

      bus.emit('video.live', frame('cam-1'));
      bus.emit('video.live', frame('cam-2'));
      await until('the frames', () => a.frames.length === 1 && b.frames.length === 2);
      expect(a.frames.map((f) => f.cameraId)).toEqual(['cam-1']);
      expect(b.frames.map((f) => f.cameraId)).toEqual(['cam-1', 'cam-2']);
      expect([...b.frames[0]!.jpeg]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
      expect(cashier.frames).toEqual([]);
      // no live frame ever goes out as JSON
      expect([...a.texts, ...b.texts, ...cashier.texts].filter((t) => t.includes('video.live'))).toEqual([]);
      expect(windows[0]!.webContents.sent.filter((s) => s[1] === 'video.live')).toHaveLength(1);

      a.ws.send(JSON.stringify({ type: 'watch', cameraIds: [] }));
      await until('a leaving', () => watchers.count('cam-1') === 2);
      b.ws.terminate(); // closed without unsubscribing
      await until('b gone', () => watchers.count('cam-1') === 1 && watchers.count('cam-2') === 0);
      expect(changes.filter(([id]) => id === 'cam-2')).toEqual([
        ['cam-2', 1],
        ['cam-2', 0],
      ]);

      // garbage closes the socket: not JSON, the wrong shape, binary, too big
      for (const [msg, code] of [
        ['watch cam-1', 1008],
        [JSON.stringify({ type: 'watch', cameraIds: [1] }), 1008],
        [JSON.stringify({ type: 'watch', cameraIds: Array.from({ length: 65 }, (_, i) => `c${i}`) }), 1008],
        [Buffer.from([1, 2, 3]), 1003],
        [JSON.stringify({ type: 'watch', cameraIds: ['x'.repeat(5000)] }), 1009],
      ] as const) {
        const c = await client('mgr');
        c.ws.send(msg);
        expect(await c.closed).toBe(code);
      }
      expect(watchers.count('cam-1')).toBe(1);
      a.ws.close();
      cashier.ws.close();
    } finally {
      await host.stop();
      await gw.stop();
      dir.cleanup();
    }
    expect(watchers.count('cam-1')).toBe(0);
  });
});
