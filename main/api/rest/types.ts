import type { MethodName } from '../../contract';

/** A request to the public REST surface: its path parameters, query and (parsed JSON) body. */
export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/**
 * One route of the public REST surface (`/api/v1/...`): an HTTP binding of a contract method.
 * `input` only gathers the method's input from the request; the contract's schema parses it and the
 * router runs the handler, as for IPC and `/rpc` (`callRoute` in ./call.ts).
 *
 * @example { method: 'GET', path: '/api/v1/txs/:hash', summary: 'A transaction', call: 'chain.tx', input: ({ params }) => ({ hash: params['hash'] }) }
 */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:name` parameters, e.g. `/api/v1/blocks/:height`. */
  path: string;
  summary: string;
  /** What each `:name` in the path holds, for the OpenAPI document (every path parameter has one). */
  params?: Record<string, string>;
  /** The query parameters the route reads, each with what it holds (their schema is the input's). */
  query?: Record<string, string>;
  /** The status of a success: 200 unless the route makes something (201). */
  created?: true;
  /** Problems the route may answer beyond those its rights and path imply, e.g. 409 for a conflicting replay. */
  problems?: readonly 409[];
  /** The contract method the route calls. */
  call: MethodName;
  /** The method's input, gathered from the request and not yet checked. */
  input(req: RestRequest): unknown;
}
