/** The network's part of the API contract: peers and adding one by multiaddr. */
import { z } from 'zod';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';
import { PEOPLE, allow } from './access';

export const PeerInfo = z.object({
  id: z.string(),
  address: z.string().nullable(),
  /** How we found it: mdns, static (config), manual (added here), inbound (it dialed us). */
  source: z.enum(['mdns', 'static', 'manual', 'inbound']),
  connected: z.boolean(),
  latencyMs: z.number().nullable(),
  score: z.number(),
  /** The peer's finalized height, when known. */
  height: z.number().int().nullable(),
  bannedUntilMs: z.number().nullable(),
});
export type PeerInfo = z.infer<typeof PeerInfo>;

/** A multiaddr with the peer id, e.g. /ip4/192.168.1.20/tcp/4510/p2p/12D3KooW… */
export const PeerMultiaddr = z
  .string()
  .trim()
  .max(512)
  .regex(
    /^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}\/p2p\/[1-9A-HJ-NP-Za-km-z]{20,100}$/,
    'expected a multiaddr like /ip4/192.168.1.20/tcp/4510/p2p/12D3KooW…',
  );

export const networkMethods = {
  'network.peers': method(z.object({}).strict(), z.array(PeerInfo), allow(PEOPLE.readers, ['read'])),
  'network.addPeer': method(
    z.object({ multiaddr: PeerMultiaddr }).strict(),
    PeerInfo,
    allow(PEOPLE.owners),
    AUDITED,
  ),
  'network.addresses': method(
    z.object({}).strict(),
    z.object({ peerId: z.string(), addresses: z.array(z.string()) }),
    allow(PEOPLE.readers, ['read']),
  ),
} satisfies MethodTable;

export const networkEvents = {
  /** The peer list changed (same shape as `network.peers`, so the UI replaces its copy). */
  'network.peers': z.array(PeerInfo),
} satisfies EventTable;

/** Who receives each of the network events. */
export const networkEventRights = {
  'network.peers': allow(PEOPLE.readers, ['read']),
} satisfies EventRights<typeof networkEvents>;
