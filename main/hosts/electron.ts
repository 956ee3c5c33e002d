import { IPC_CALL, IPC_EVENT, IPC_WATCH_LIVE } from '../contract/bridge';
import type { EventPayload } from '../contract';
import { LiveWatchRequest } from '../contract/video';
import type { LiveWatchers } from '../video/live/watchers';
import type { Principal } from '../contract/access';
import type { IpcMainInvokeEvent } from 'electron';
import { ApiError } from '../api/errors';
import { type Router, describeIssues } from '../api/router';
import type { EventBus } from '../app/events';
import type { Startable } from '../common/startable';
import type { Logger } from '../app/logger';
import { type Envelope, serializeError } from '../common/errors';
import { CONTENT_SECURITY_POLICY } from './security';
import { UI_ORIGIN, UI_SCHEME, uiResponse } from './ui-protocol';

/** The part of Electron this host uses, so unit tests can pass a stand-in module. */
export type ElectronApi = Pick<
  typeof import('electron'),
  | 'app'
  | 'BrowserWindow'
  | 'ipcMain'
  | 'Tray'
  | 'Menu'
  | 'nativeImage'
  | 'session'
  | 'powerMonitor'
  | 'protocol'
>;
type BrowserWindowT = InstanceType<ElectronApi['BrowserWindow']>;
type TrayT = InstanceType<ElectronApi['Tray']>;

export interface ElectronHostOptions {
  /** dist/renderer: served to the window as `hotpot://app/` (IPC is accepted only from frames loaded from there). */
  rendererDir: string;
  /** dist/preload/index.cjs */
  preloadPath: string;
  /** Tray icon (PNG). */
  trayIcon: string;
}

export interface ElectronHostDeps {
  electron: ElectronApi;
  router: Router;
  /** Who the window's session token signs in. */
  sessions: { principalOf(token: string | undefined): Principal };
  bus: EventBus;
  /** Who watches which camera live (the video service's count); the window adds to it. */
  liveWatchers?: LiveWatchers;
  log: Logger;
  /** Called on system suspend and screen lock (the wallet locks itself). */
  onLockRequest?: (reason: 'suspend' | 'lock-screen') => void;
}

/**
 * The Electron host: one hardened window (context isolation, sandbox, no Node, strict CSP, no
 * navigation, no new windows, no permissions), IPC accepted only from our own renderer frames, and a
 * tray: closing the window keeps the node running; Quit in the tray stops it. The window's live
 * frames (`video.live`) come only for the cameras it watches (`window.hotpot.watchLive`), as bytes.
 */
export class ElectronHost implements Startable {
  private window: BrowserWindowT | undefined;
  private tray: TrayT | undefined;
  private quitting = false;
  private offEvents: (() => void) | undefined;
  /** The window's session: held here in the main process, never in the renderer. */
  private sessionToken: string | undefined;
  /** Web contents whose watching ends with them (a 'destroyed' listener is on each). */
  private readonly watchedContents = new WeakSet<object>();
  /** The cameras the window last asked to watch: it stops watching while hidden in the tray, and resumes. */
  private liveRequest: string[] = [];

  constructor(
    private readonly opts: ElectronHostOptions,
    private readonly deps: ElectronHostDeps,
  ) {}

  async start(): Promise<void> {
    const { electron, log } = this.deps;
    const { app, session, ipcMain, powerMonitor, protocol } = electron;
    // The UI comes from our own scheme, not file:// (registered as privileged before app ready).
    protocol.handle(UI_SCHEME, (req) => uiResponse(this.opts.rendererDir, req.url));

    app.on('web-contents-created', (_e, contents) => {
      contents.on('will-navigate', (ev, url) => {
        log.warn({ url }, 'navigation refused');
        ev.preventDefault();
      });
      contents.on('will-redirect', (ev) => ev.preventDefault());
      contents.on('will-attach-webview', (ev) => ev.preventDefault());
      contents.setWindowOpenHandler(({ url }) => {
        log.warn({ url }, 'window.open refused');
        return { action: 'deny' };
      });
    });
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, permission, callback) => {
      log.warn({ permission }, 'permission request denied');
      callback(false);
    });
    ses.setPermissionCheckHandler(() => false);
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });

    ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!this.isTrustedUrl(url)) {
        log.warn({ url }, 'IPC call from an untrusted frame refused');
        return {
          ok: false,
          error: serializeError(
            new ApiError('FORBIDDEN', 'calls are accepted only from the node’s own window'),
          ),
        };
      }
      if (typeof method !== 'string')
        return { ok: false, error: serializeError(new ApiError('BAD_REQUEST', 'method must be a string')) };
      return this.deps.router.call(method, input, {
        via: 'ipc',
        principal: this.deps.sessions.principalOf(this.sessionToken),
        client: { ip: 'window', userAgent: 'electron' },
        session: {
          open: (token) => (this.sessionToken = token),
          close: () => (this.sessionToken = undefined),
        },
      });
    });

    ipcMain.handle(IPC_WATCH_LIVE, (event, request: unknown) => this.watchLive(event, request));

    this.offEvents = this.deps.bus.onAny((name, payload) => {
      const wc = this.window?.webContents;
      if (!wc || wc.isDestroyed()) return;
      if (!this.deps.router.mayReceive(name, this.deps.sessions.principalOf(this.sessionToken))) {
        if (name === 'video.live') this.deps.liveWatchers?.leave(wc);
        return;
      }
      // A live frame goes only to a window that watches its camera; its bytes are structured-cloned.
      if (name === 'video.live') {
        const { cameraId } = payload as EventPayload<'video.live'>;
        if (!this.deps.liveWatchers?.isWatching(wc, cameraId)) return;
      }
      wc.send(IPC_EVENT, name, payload);
    });

    powerMonitor.on('suspend', () => this.deps.onLockRequest?.('suspend'));
    powerMonitor.on('lock-screen', () => this.deps.onLockRequest?.('lock-screen'));

    this.createTray();
    this.show();
  }

  /**
   * The window says which cameras it watches live (a {@link LiveWatchRequest}); it counts only while
   * its session may receive `video.live`, and stops counting when its contents go away.
   */
  private watchLive(event: IpcMainInvokeEvent, request: unknown): Envelope<{ watching: string[] }> {
    const url = event.senderFrame?.url ?? '';
    if (!this.isTrustedUrl(url)) {
      this.deps.log.warn({ url }, 'live watch from an untrusted frame refused');
      return {
        ok: false,
        error: serializeError(
          new ApiError('FORBIDDEN', 'calls are accepted only from the node’s own window'),
        ),
      };
    }
    const parsed = LiveWatchRequest.safeParse(request);
    if (!parsed.success)
      return {
        ok: false,
        error: serializeError(
          new ApiError('BAD_INPUT', `bad live watch request: ${describeIssues(parsed.error)}`),
        ),
      };
    const watchers = this.deps.liveWatchers;
    const sender = event.sender;
    this.liveRequest = parsed.data.cameraIds;
    if (!watchers) return { ok: true, value: { watching: [] } };
    if (!this.deps.router.mayReceive('video.live', this.deps.sessions.principalOf(this.sessionToken))) {
      watchers.leave(sender);
      return { ok: true, value: { watching: [] } };
    }
    if (!this.watchedContents.has(sender)) {
      this.watchedContents.add(sender);
      sender.once('destroyed', () => watchers.leave(sender));
    }
    return { ok: true, value: { watching: watchers.watch(sender, parsed.data.cameraIds) } };
  }

  /** Is `url` a page of our own renderer (the only frames allowed to call the node)? */
  isTrustedUrl(url: string): boolean {
    return url.startsWith(`${UI_ORIGIN}/`) && !url.includes('..');
  }

  /** Shows the window, creating it when it was never made or was destroyed. */
  show(): void {
    if (this.window && !this.window.isDestroyed()) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return;
    }
    const { BrowserWindow } = this.deps.electron;
    const win = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 800,
      minHeight: 560,
      title: 'Hot Pot Spot Node',
      show: false,
      webPreferences: {
        preload: this.opts.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    win.once('ready-to-show', () => win.show());
    // Hidden in the tray, the window shows no live picture: its cameras make none for it.
    win.on('hide', () => this.deps.liveWatchers?.leave(win.webContents));
    win.on('show', () => {
      const may = this.deps.router.mayReceive(
        'video.live',
        this.deps.sessions.principalOf(this.sessionToken),
      );
      if (may && this.watchedContents.has(win.webContents))
        this.deps.liveWatchers?.watch(win.webContents, this.liveRequest);
    });
    // Closing the window leaves the node running in the tray; Quit (tray) stops it.
    win.on('close', (e) => {
      if (!this.quitting) {
        e.preventDefault();
        win.hide();
      }
    });
    void win.loadURL(`${UI_ORIGIN}/index.html`);
    this.window = win;
  }

  /** Marks the app as quitting, so the window's close really closes. */
  prepareQuit(): void {
    this.quitting = true;
  }

  private createTray(): void {
    const { Tray, Menu, nativeImage, app } = this.deps.electron;
    this.tray = new Tray(nativeImage.createFromPath(this.opts.trayIcon));
    this.tray.setToolTip('Hot Pot Spot Node');
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Hot Pot Spot Node', click: () => this.show() },
        { type: 'separator' },
        {
          label: 'Quit (stops the node)',
          click: () => {
            this.prepareQuit();
            app.quit();
          },
        },
      ]),
    );
    this.tray.on('click', () => this.show());
  }

  async stop(): Promise<void> {
    this.quitting = true;
    this.offEvents?.();
    this.deps.electron.ipcMain.removeHandler(IPC_CALL);
    this.deps.electron.ipcMain.removeHandler(IPC_WATCH_LIVE);
    const wc = this.window?.webContents;
    if (wc) this.deps.liveWatchers?.leave(wc);
    this.deps.electron.protocol.unhandle(UI_SCHEME);
    this.tray?.destroy();
    if (this.window && !this.window.isDestroyed()) this.window.destroy();
  }
}
