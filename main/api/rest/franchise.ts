import type { RestRoute } from './types';

/**
 * HQ's franchise registry for integrators, each route a binding of a `franchise.*` method:
 * - `GET /api/v1/franchises` (`?status=&limit=&after=`) → a page of stores with their chain-recorded sales;
 * - `GET /api/v1/franchises/:id` → one store (404 `FRANCHISE_NOT_FOUND`);
 * - `POST /api/v1/franchises` → 201 with the store and its committed transaction (409 `FRANCHISE_CONFLICT`
 *   for an id in use);
 * - `PATCH /api/v1/franchises/:id` → the store with the body's fields changed (status, city, region,
 *   owner, tokenomics fields);
 * - `POST /api/v1/peers` → a franchise node's libp2p peer id registered (`active`, default true) or
 *   retired: on a chain whose genesis lists `peerIds`, only listed and registered peers connect.
 * Writes are transactions signed by the node's key, answered once committed; a node without the HQ
 * authority's key answers 403 `NOT_HQ_AUTHORITY`. Token rates and amounts are decimal strings.
 */
export const franchiseRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/franchises',
    summary: 'Franchise stores with their status, tokenomics and sales totals from the chain',
    query: {
      status: 'Only stores with this status (active, inactive, suspended)',
      limit: 'How many stores (1 to 1000, default 200)',
      after: 'Page on: the `nextAfter` of the previous page',
    },
    call: 'franchise.list',
    input: ({ query }) => ({
      status: query.get('status') ?? undefined,
      limit: numberOrText(query.get('limit')),
      after: query.get('after') ?? undefined,
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/franchises',
    summary: 'Register a franchise store (HQ; answered once the transaction is committed)',
    created: true,
    problems: [409],
    call: 'franchise.register',
    input: ({ body }) => body,
  },
  {
    method: 'GET',
    path: '/api/v1/franchises/:id',
    summary: 'A franchise store with its sales totals from the chain',
    params: { id: "The store's franchise id" },
    call: 'franchise.get',
    input: ({ params }) => ({ id: params['id'] }),
  },
  {
    method: 'PATCH',
    path: '/api/v1/franchises/:id',
    summary: "Change a franchise store's status, place, owner or tokenomics (HQ; answered once committed)",
    params: { id: "The store's franchise id" },
    call: 'franchise.update',
    input: ({ params, body }) => ({ ...(isObject(body) ? body : {}), id: params['id'] }),
  },
  {
    method: 'POST',
    path: '/api/v1/peers',
    summary: "Let a franchise node's libp2p peer id connect, or retire it (HQ; answered once committed)",
    call: 'franchise.registerPeer',
    input: ({ body }) => body,
  },
];

/** A query value as a number when it is a whole decimal, as text otherwise (the schema says what is wrong). */
function numberOrText(value: string | null): number | string | undefined {
  if (value === null) return undefined;
  return /^[0-9]{1,16}$/.test(value) ? Number(value) : value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
