import { z } from 'zod';
import { type EventRights, type EventTable, type MethodTable, method } from './define';
import { PEOPLE, PUBLIC, allow } from './access';

/** The node's live status: what `GET /api/v1/status` returns and the dashboard shows. */
export const NodeStatus = z.object({
  chainId: z.string(),
  height: z.number().int().min(0),
  /** Hash of the block at `height` (null before the first block). */
  hash: z.string().nullable(),
  /** Time of the block at `height`, ms since the epoch (null before the first block). */
  blockTimeMs: z.number().nullable(),
  peers: z.number().int().min(0),
  syncing: z.boolean(),
  version: z.string(),
  /** Is this node in the active validator set? */
  validator: z.boolean(),
  uptimeMs: z.number().int().min(0),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

/**
 * The certificate the gateway serves HTTPS with: the node's own (made at first start) or the
 * owner's; clients on the LAN check it by its SHA-256 fingerprint.
 */
export const HttpsInfo = z.object({
  source: z.enum(['node', 'owner']),
  /** SHA-256 of the certificate (DER), as colon-separated hex pairs. */
  fingerprintSha256: z.string(),
  /** The names and addresses it is valid for. */
  names: z.array(z.string()),
  validToMs: z.number(),
});
export type HttpsInfo = z.infer<typeof HttpsInfo>;

/** Facts about this node that change rarely. */
export const NodeInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  startedAtMs: z.number(),
  /** Is the native frame kernel loaded (else the JavaScript fallback runs)? */
  nativeKernels: z.boolean(),
  node: z.string(),
  platform: z.string(),
  /** How browsers and terminals reach the gateway over HTTPS; null when it serves plain HTTP (loopback) or there is no gateway. */
  https: HttpsInfo.nullable(),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

/** A recent line of the node's log, for the Settings page. */
export const LogLine = z.object({
  timeMs: z.number(),
  level: z.string(),
  msg: z.string(),
  component: z.string().optional(),
});

export const nodeMethods = {
  'node.status': method(z.object({}).strict(), NodeStatus, PUBLIC),
  'node.info': method(z.object({}).strict(), NodeInfo, allow(PEOPLE.readers, ['read'])),
  'node.logs': method(
    z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.array(LogLine),
    allow(PEOPLE.overseers),
  ),
} satisfies MethodTable;

export const nodeEvents = {
  'node.status': NodeStatus,
} satisfies EventTable;

/** Who receives each of the node events. */
export const nodeEventRights = {
  'node.status': PUBLIC,
} satisfies EventRights<typeof nodeEvents>;
