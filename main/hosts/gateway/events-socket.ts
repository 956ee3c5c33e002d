import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Router } from '../../api/router';
import type { EventBus } from '../../app/events';
import type { EventPayload } from '../../contract';
import { encodeLiveFrame } from '../../contract/live-frame';
import { LiveWatchRequest } from '../../contract/video';
import type { LiveWatchers } from '../../video/live/watchers';
import { SESSION_COOKIE, type SessionResolver } from './caller';

/** A client whose unsent events exceed this is too slow to follow: it is dropped, not buffered for. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Every client is pinged this often; one that has not answered the previous ping is gone (half-open). */
export const HEARTBEAT_MS = 30_000;
/** A watcher with this much unsent skips live frames until it catches up (a slow link shows fewer). */
export const LIVE_SKIP_BUFFERED_BYTES = 256 * 1024;
/** The largest message a client may send (a watch request); a larger one closes the socket. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** Frames a socket at the protocol level (the plugin's limit, above the one a message is held to). */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** WebSocket close codes: a message of the wrong kind (1003), one against the protocol (1008), one too big (1009). */
const CLOSE_UNSUPPORTED = 1003;
const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;

/**
 * WebSocket support for the gateway. Registered before any other hook: the plugin's own request
 * hook marks upgrade requests, and only a marked upgrade that another hook refuses (the guard's 401)
 * has its socket closed after the answer; one refused before the mark would stay open.
 */
export async function registerWebSocketSupport(app: FastifyInstance): Promise<void> {
  await app.register(websocket, { options: { maxPayload: MAX_PAYLOAD_BYTES } });
}

/** What the events socket is built on. */
export interface EventsSocketDeps {
  bus: EventBus;
  router: Router;
  sessions: SessionResolver;
  /** The node's count of live-view watchers (absent: no client gets live frames). */
  liveWatchers?: LiveWatchers;
}

/**
 * `/ws`: the bus's events pushed as `{ type: 'event', name, payload }` to each connected client
 * whose session may receive them (the contract's event rights, checked on every event, so a
 * session that ends stops receiving at once). Live frames (`video.live`) go only to the clients
 * watching that camera, as binary messages (main/contract/live-frame.ts): a client says what it
 * watches with a {@link LiveWatchRequest} (`{"type":"watch","cameraIds":[…]}`, `[]` to stop), and
 * counts as a watcher only while its session may receive `video.live` and it is connected. Any
 * other message closes the socket. Calls go over `POST /rpc`. Returns the function that detaches
 * it from the bus and ends every client.
 */
export function installEventsSocket(app: FastifyInstance, deps: EventsSocketDeps): () => void {
  const clients = new Map<WebSocket, string | undefined>();
  const alive = new WeakSet<WebSocket>();
  const mayWatch = (socket: WebSocket): boolean =>
    deps.router.mayReceive('video.live', deps.sessions.principalOf(clients.get(socket)));
  const onClientMessage = (socket: WebSocket, data: RawData, isBinary: boolean): void => {
    const bytes = Array.isArray(data)
      ? data.reduce((n, b) => n + b.length, 0)
      : data instanceof ArrayBuffer
        ? data.byteLength
        : data.length;
    if (bytes > MAX_CLIENT_MESSAGE_BYTES)
      return socket.close(CLOSE_TOO_BIG, `a message is at most ${MAX_CLIENT_MESSAGE_BYTES} bytes`);
    if (isBinary) return socket.close(CLOSE_UNSUPPORTED, 'clients send text (JSON) only');
    let request: LiveWatchRequest;
    try {
      request = LiveWatchRequest.parse(JSON.parse(rawText(data)));
    } catch {
      return socket.close(CLOSE_POLICY, 'expected {"type":"watch","cameraIds":[…]}');
    }
    // A session that may not see live pictures is not counted (nor sent any).
    if (!deps.liveWatchers) return;
    if (mayWatch(socket)) deps.liveWatchers.watch(socket, request.cameraIds);
    else deps.liveWatchers.leave(socket);
  };
  app.get('/ws', { websocket: true }, (socket, req) => {
    clients.set(socket, req.cookies[SESSION_COOKIE]);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => {
      clients.delete(socket);
      deps.liveWatchers?.leave(socket);
    });
    socket.on('message', (data, isBinary) => onClientMessage(socket, data, isBinary));
    socket.send(JSON.stringify({ type: 'hello' }));
  });
  const sendLive = (frame: EventPayload<'video.live'>): void => {
    const watchers = deps.liveWatchers;
    if (!watchers) return;
    let bytes: Uint8Array | undefined;
    for (const client of clients.keys()) {
      if (client.readyState !== client.OPEN || !watchers.isWatching(client, frame.cameraId)) continue;
      // Signed out (or lost the right) since it asked: it stops counting.
      if (!mayWatch(client)) {
        watchers.leave(client);
        continue;
      }
      if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.terminate();
      else if (client.bufferedAmount <= LIVE_SKIP_BUFFERED_BYTES)
        client.send((bytes ??= encodeLiveFrame(frame)), { binary: true });
    }
  };
  const offEvents = deps.bus.onAny((name, payload) => {
    if (name === 'video.live') return sendLive(payload as EventPayload<'video.live'>);
    const msg = JSON.stringify({ type: 'event', name, payload });
    for (const [client, token] of clients) {
      if (client.readyState !== client.OPEN) continue;
      if (!deps.router.mayReceive(name, deps.sessions.principalOf(token))) continue;
      if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.terminate();
      else client.send(msg);
    }
  });
  const heartbeat = setInterval(() => {
    for (const client of clients.keys()) {
      if (!alive.has(client)) {
        client.terminate();
        continue;
      }
      alive.delete(client);
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return () => {
    offEvents();
    clearInterval(heartbeat);
    for (const client of clients.keys()) client.terminate();
  };
}

/** A text message's characters, however `ws` delivered its bytes. */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
