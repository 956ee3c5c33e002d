/**
 * Which part of the gateway a request path belongs to, and so which answer shape it speaks and
 * which checks apply: the contract (`/rpc/`), REST (`/api/`), events (`/ws`), the API's docs, the UI.
 */

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
/** Where the readable docs page is (Swagger UI over the same document). */
export const DOCS_PATH = '/api/v1/docs';

/** Is `path` the API's documentation: public, holding no secrets, not counted by the rate limits? */
export function isApiDocs(path: string): boolean {
  return path === OPENAPI_PATH || path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
}

/**
 * Which answer shape a path speaks: the contract's envelope, RFC 9457 problems, or plain text. The
 * UI's files and the API's docs are public and hold no secrets.
 */
export type Surface = 'rpc' | 'rest' | 'ws' | 'ui' | 'docs';

/** The surface of a request path (without its query). */
export function surfaceOf(path: string): Surface {
  if (path.startsWith('/rpc/')) return 'rpc';
  if (isApiDocs(path)) return 'docs';
  if (path.startsWith('/api/')) return 'rest';
  if (path === '/ws') return 'ws';
  return 'ui';
}

/** The path of a raw URL, without its query string (which may hold a token): what logs and checks see. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
