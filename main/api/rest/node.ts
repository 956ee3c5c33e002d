import type { StatusService } from '../../app/status';
import type { RestRoute } from './types';

/** `GET /api/v1/status` → `{ chainId, height, hash, peers, syncing, version }` (and a little more). */
export function nodeRoutes(deps: { status: StatusService }): RestRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/status',
      summary: "The node's chain, head, peers and sync state",
      handler: async () => deps.status.status(),
    },
  ];
}
