import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Router } from '../../api/router';
import type { EventBus } from '../../app/events';
import { SESSION_COOKIE, type SessionResolver } from './caller';

/** A client whose unsent events exceed this is too slow to follow: it is dropped, not buffered for. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Every client is pinged this often; one that has not answered the previous ping is gone (half-open). */
export const HEARTBEAT_MS = 30_000;
/** Clients only listen; a larger message than this closes the socket. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * WebSocket support for the gateway. Registered before any other hook: the plugin's own request
 * hook marks upgrade requests, and only a marked upgrade that another hook refuses (the guard's 401)
 * has its socket closed after the answer; one refused before the mark would stay open.
 */
export async function registerWebSocketSupport(app: FastifyInstance): Promise<void> {
  await app.register(websocket, { options: { maxPayload: MAX_PAYLOAD_BYTES } });
}

/**
 * `/ws`: the bus's events pushed as `{ type: 'event', name, payload }` to each connected client
 * whose session may receive them (the contract's event rights, checked on every event, so a
 * session that ends stops receiving at once).
 * Calls go over `POST /rpc`; anything a client sends is ignored. Returns the function that
 * detaches it from the bus and ends every client.
 */
export function installEventsSocket(
  app: FastifyInstance,
  deps: { bus: EventBus; router: Router; sessions: SessionResolver },
): () => void {
  const clients = new Map<WebSocket, string | undefined>();
  const alive = new WeakSet<WebSocket>();
  app.get('/ws', { websocket: true }, (socket, req) => {
    clients.set(socket, req.cookies[SESSION_COOKIE]);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('close', () => clients.delete(socket));
    socket.on('message', () => undefined);
    socket.send(JSON.stringify({ type: 'hello' }));
  });
  const offEvents = deps.bus.onAny((name, payload) => {
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
