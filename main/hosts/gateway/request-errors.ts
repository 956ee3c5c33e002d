import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../common/errors';
import { ApiError } from '../../api/errors';
import { httpStatusOf } from '../../api/rest/call';
import type { Logger } from '../../app/logger';
import { refuse } from './replies';
import { pathOf } from './surfaces';

/** The largest request body the gateway reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Bodies are JSON (an empty one is `{}`), parsed by fastify's own parser with prototype poisoning
 * refused; anything else is 415. A body that is too large or not JSON is the caller's mistake and
 * is answered 413 or 400 with a typed error on every surface (it used to be a 500 on `/rpc`).
 */
export function installBodyParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, {});
    parseJson(req, text, (err, value) =>
      err
        ? done(new ApiError('BAD_INPUT', `request body is not valid JSON: ${err.message}`), undefined)
        : done(null, value),
    );
  });
}

/**
 * Every error a request can end in, answered in its surface's shape (envelope, problem, text) with
 * the status its code means. Only our own failures (500) are logged, by path: a URL's query may hold
 * a token and never reaches a log line.
 */
export function installErrorReplies(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, error } = classify(err);
    if (status >= 500) log.error({ err, method: req.method, path: pathOf(req.url) }, 'request failed');
    return refuse(reply, status, error);
  });
}

function classify(err: FastifyError): { status: number; error: unknown } {
  if (err instanceof AppError) return { status: httpStatusOf(err.code), error: err };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        error: new ApiError(
          'TOO_LARGE',
          `request body is larger than ${MAX_BODY_BYTES} bytes: split it into smaller requests (a CSV import into files of whole orders)`,
          {
            limitBytes: MAX_BODY_BYTES,
          },
        ),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, error: new ApiError('BAD_REQUEST', 'Content-Type must be application/json') };
  }
  const status = err.statusCode ?? 500;
  if (status === 429) return { status, error: new ApiError('RATE_LIMITED', err.message) };
  if (status >= 400 && status < 500) return { status, error: new ApiError('BAD_REQUEST', err.message) };
  return { status: 500, error: err };
}
