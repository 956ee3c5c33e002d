import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import {
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  isMethodName,
} from '../main/contract';
import type { HotpotBridge } from '../main/contract/bridge';
import { type LiveFrame, decodeLiveFrame } from '../main/contract/live-frame';
import type { LiveWatchRequest } from '../main/contract/video';
import { type Envelope, RemoteError } from '../main/common/errors';
import { throttle } from './throttle';

declare global {
  interface Window {
    hotpot?: HotpotBridge;
  }
}

/** How the UI reaches the node: Electron IPC (preload) or HTTP + WebSocket (headless host). */
interface Transport {
  kind: 'ipc' | 'http';
  call(name: string, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Says which cameras' live frames to send (replacing the last list; `[]`: none). */
  watchLive(cameraIds: string[]): void;
  /** Listens to the live frames of the cameras watched. */
  subscribeLive(listener: (frame: LiveFrame) => void): () => void;
  /** Opens the event channel again, as the person now signed in (or out). */
  reconnect(): void;
}

type ConnectionState = 'connecting' | 'online' | 'offline';
let connection: ConnectionState = 'connecting';
const connectionListeners = new Set<() => void>();
function setConnection(s: ConnectionState): void {
  if (s === connection) return;
  connection = s;
  for (const l of connectionListeners) l();
}

/** Is the live event channel up? (Always online over IPC.) */
export function useConnection(): ConnectionState {
  return useSyncExternalStore(
    (cb) => {
      connectionListeners.add(cb);
      return () => connectionListeners.delete(cb);
    },
    () => connection,
  );
}

function accessToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('hotpot.token', fromUrl);
    history.replaceState(null, '', location.pathname + location.hash);
  }
  return sessionStorage.getItem('hotpot.token');
}

function httpTransport(): Transport {
  const token = accessToken();
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const liveListeners = new Set<(frame: LiveFrame) => void>();
  let watching: string[] = [];
  let retryMs = 500;
  let current: WebSocket | undefined;
  const sendWatch = (ws: WebSocket | undefined) => {
    const request: LiveWatchRequest = { type: 'watch', cameraIds: watching };
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(request));
  };
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = (current = new WebSocket(
      `${proto}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`,
    ));
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      retryMs = 500;
      setConnection('online');
      // A new socket watches nothing until told (after a reconnect, or signing in).
      if (watching.length > 0) sendWatch(ws);
    };
    ws.onmessage = (m) => {
      // Binary messages are live frames (main/contract/live-frame.ts); text ones are events.
      if (m.data instanceof ArrayBuffer) {
        let frame: LiveFrame;
        try {
          frame = decodeLiveFrame(new Uint8Array(m.data));
        } catch {
          return;
        }
        for (const l of liveListeners) l(frame);
        return;
      }
      const msg = JSON.parse(String(m.data)) as { type: string; name?: string; payload?: unknown };
      if (msg.type === 'event' && msg.name) for (const l of listeners) l(msg.name, msg.payload);
    };
    ws.onclose = () => {
      if (ws !== current) return; // replaced by reconnect()
      setConnection('offline');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  connect();
  return {
    kind: 'http',
    async call(name, input) {
      const res = await fetch(`/rpc/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(input ?? {}),
      });
      return (await res.json()) as Envelope<unknown>;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchLive(cameraIds) {
      watching = cameraIds;
      sendWatch(current);
    },
    subscribeLive(listener) {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },
    reconnect() {
      const old = current;
      connect();
      old?.close();
    },
  };
}

function ipcTransport(bridge: HotpotBridge): Transport {
  setConnection('online');
  let watching: string[] = [];
  const sendWatch = () => void bridge.watchLive(watching).catch(() => undefined);
  return {
    kind: 'ipc',
    call: (name, input) => bridge.call(name, input),
    // Live frames have their own listeners: they refresh no query.
    subscribe: (l) => bridge.onEvent((name, payload) => name !== 'video.live' && l(name, payload)),
    watchLive(cameraIds) {
      watching = cameraIds;
      sendWatch();
    },
    subscribeLive: (l) =>
      bridge.onEvent((name, payload) => name === 'video.live' && l(payload as EventPayload<'video.live'>)),
    // The main process filters the window's events by its session; what it watches is asked again as the new person.
    reconnect: () => {
      if (watching.length > 0) sendWatch();
    },
  };
}

const transport: Transport = window.hotpot ? ipcTransport(window.hotpot) : httpTransport();

/** Which transport this build runs over. */
export const transportKind = transport.kind;

/** Asks the signed-in person for their password again; resolves true once confirmed, false if they cancel. */
type PasswordAsker = () => Promise<boolean>;
let askPassword: PasswordAsker | undefined;

/** The step-up dialog registers itself here (renderer/components/access/step-up-dialog.tsx). */
export function setPasswordAsker(asker: PasswordAsker | undefined): void {
  askPassword = asker;
}

/** After signing in or out: the event channel reopens as the new person, and every query is asked again. */
export function sessionChanged(): void {
  transport.reconnect();
  void queryClient.invalidateQueries();
}

/**
 * Calls a contract method; resolves with its typed result or rejects with a RemoteError (branch on `code`).
 * A dangerous act the node wants the password for first (`STEP_UP_REQUIRED`) asks for it and is
 * tried once more.
 *
 * @example const status = await call('node.status', {});
 */
export async function call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  try {
    return await callOnce(name, input);
  } catch (err) {
    if (!(err instanceof RemoteError) || err.code !== 'STEP_UP_REQUIRED' || !askPassword) throw err;
    if (!(await askPassword())) throw err;
    return callOnce(name, input);
  }
}

async function callOnce<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  let env: Envelope<unknown>;
  try {
    env = await transport.call(name, input);
  } catch (err) {
    throw new RemoteError({
      name: 'TransportError',
      code: 'UNREACHABLE',
      message: `the node did not answer (${(err as Error).message})`,
      data: {},
    });
  }
  if (!env.ok) {
    // The session ended (signed out elsewhere, idle, disabled): back to the sign-in page.
    if (env.error.code === 'UNAUTHORIZED' && name !== 'auth.status')
      void queryClient.invalidateQueries({ queryKey: ['auth.status'] });
    throw new RemoteError(env.error);
  }
  return env.value as MethodOutput<M>;
}

/**
 * Query options for react-query: `useQuery(q('chain.blocks', { limit: 20 }))`.
 * Keys are `[method, input]`, so pushed events can find the queries they affect.
 */
export function q<M extends MethodName>(name: M, input: MethodInput<M>) {
  return { queryKey: [name, input] as QueryKey, queryFn: () => call(name, input) };
}

/** How many mounted views show each camera's live picture (the transport is told the cameras with any). */
const liveViews = new Map<string, number>();

/**
 * Watches a camera's live picture while a view shows it: the node encodes and sends a camera's live
 * frames only while someone watches. Call the returned function when the view goes (unmount, close).
 *
 * @example useEffect(() => watchLive(cam.id, (f) => show(f.jpeg)), [cam.id]);
 */
export function watchLive(cameraId: string, onFrame: (frame: LiveFrame) => void): () => void {
  liveViews.set(cameraId, (liveViews.get(cameraId) ?? 0) + 1);
  if (liveViews.get(cameraId) === 1) transport.watchLive([...liveViews.keys()]);
  const off = transport.subscribeLive((f) => {
    if (f.cameraId === cameraId) onFrame(f);
  });
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    off();
    const n = (liveViews.get(cameraId) ?? 1) - 1;
    if (n > 0) return void liveViews.set(cameraId, n);
    liveViews.delete(cameraId);
    transport.watchLive([...liveViews.keys()]);
  };
}

/** Listens to one pushed event. */
export function onEvent<E extends EventName>(
  name: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return transport.subscribe((n, p) => {
    if (n === name) listener(p as EventPayload<E>);
  });
}

/** The app's query client. Pushed events refresh queries: see wireEvents. */
export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 5_000, refetchOnWindowFocus: false } },
});

/**
 * Events that come in bursts, and the least time between the refreshes each causes: a rush of
 * sales refreshes the Sales page and the dashboard at most once a second, however many tills post.
 */
const REFRESH_AT_MOST_EVERY_MS: Partial<Record<EventName, number>> = { 'sales.accepted': 1000 };

/**
 * Pushed events keep the UI live: an event named like a method (`node.status`) replaces that query's
 * data; any other event invalidates every query of its domain (`chain.block` → all `chain.*`), at
 * most as often as REFRESH_AT_MOST_EVERY_MS allows.
 */
function wireEvents(): void {
  const refreshers = new Map<string, () => void>();
  const refresherOf = (name: string) => {
    let r = refreshers.get(name);
    if (!r) {
      const domain = name.split('.')[0] + '.';
      const invalidate = () =>
        void queryClient.invalidateQueries({
          predicate: (query) => String(query.queryKey[0]).startsWith(domain),
        });
      const everyMs = REFRESH_AT_MOST_EVERY_MS[name as EventName];
      r = everyMs ? throttle(invalidate, everyMs) : invalidate;
      refreshers.set(name, r);
    }
    return r;
  };
  transport.subscribe((name, payload) => {
    if (isMethodName(name)) {
      queryClient.setQueryData([name, {}], payload);
      return;
    }
    refresherOf(name)();
  });
}
wireEvents();
