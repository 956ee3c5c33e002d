import type { RestRoute } from './types';

/** `GET /api/v1/status` → `{ chainId, height, hash, peers, syncing, version }` (and a little more): `node.status`. */
export const nodeRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/status',
    summary: "The node's chain, head, peers and sync state",
    call: 'node.status',
    input: () => ({}),
  },
];
