// The preload: exposes only the typed client, built by iterating the contract (no second list).
// Sandboxed preloads are CommonJS; scripts/build.mjs bundles this file with the contract inlined.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { methods } from '../main/contract';
import { type HotpotBridge, IPC_CALL, IPC_EVENT, IPC_WATCH_LIVE } from '../main/contract/bridge';
import type { LiveWatchRequest } from '../main/contract/video';
import type { Envelope } from '../main/common/errors';

const invoke = (method: string, input: unknown) =>
  ipcRenderer.invoke(IPC_CALL, method, input) as Promise<Envelope<unknown>>;

const bridge: HotpotBridge = {
  call(method, input) {
    if (!Object.hasOwn(methods, method)) {
      return Promise.resolve({
        ok: false,
        error: { name: 'ApiError', code: 'UNKNOWN_METHOD', message: `unknown method "${method}"`, data: {} },
      });
    }
    return invoke(method, input);
  },
  methods: Object.fromEntries(Object.keys(methods).map((m) => [m, (input: unknown) => invoke(m, input)])),
  onEvent(listener) {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
  watchLive(cameraIds) {
    const request: LiveWatchRequest = { type: 'watch', cameraIds };
    return ipcRenderer.invoke(IPC_WATCH_LIVE, request) as Promise<Envelope<{ watching: string[] }>>;
  },
};

contextBridge.exposeInMainWorld('hotpot', bridge);
