import type { FastifyReply } from 'fastify';
import { type SerializedError, serializeError } from '../../common/errors';
import { pathOf, surfaceOf } from './surfaces';

/** RFC 9457 problem details: the REST surface's error body. */
export function sendProblem(reply: FastifyReply, status: number, error: SerializedError): FastifyReply {
  const { code, message, data } = error;
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .header('Content-Type', 'application/problem+json')
    .send(
      // A Buffer: fastify would append a charset to a string's type, which RFC 9457's does not have.
      Buffer.from(
        JSON.stringify({
          type: `urn:hotpot:problem:${code.toLowerCase()}`,
          title: code,
          status,
          detail: message,
          code,
          ...(Object.keys(data).length ? { data } : {}),
        }),
      ),
    );
}

/**
 * Refuses a request in the shape its surface speaks: `/rpc` callers get the contract's envelope,
 * REST callers a problem, the UI and WebSocket plain text.
 */
export function refuse(reply: FastifyReply, status: number, err: unknown): FastifyReply {
  const error = serializeError(err);
  switch (surfaceOf(pathOf(reply.request.url))) {
    case 'rest':
      return sendProblem(reply, status, error);
    case 'rpc':
      return reply.code(status).header('Cache-Control', 'no-store').send({ ok: false, error });
    default:
      return reply.code(status).type('text/plain; charset=utf-8').send(error.message);
  }
}
