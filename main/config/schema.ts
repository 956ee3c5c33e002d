import { isIP } from 'node:net';
import { z } from 'zod';
import { LAN_NETWORKS } from '../common/lan-networks';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** host:port for the headless host's HTTP server. */
export const HttpAddress = z.object({
  host: z.string().min(1).max(255).describe('an IPv4/IPv6 address or "localhost"'),
  port: z.number().int().min(0).max(65535),
});

/** Requests a minute the gateway allows, by who is asking; each one left out keeps its default (rate-limits.ts). */
export const HttpRateLimits = z
  .object({
    anonymousPerMin: z.number().int().min(1),
    personPerMin: z.number().int().min(1),
    keyPerMin: z.number().int().min(1),
  })
  .partial()
  .strict();

/** Whether `s` is a network as an address and a prefix length ("192.168.0.0/16", "fc00::/7"). */
function isCidr(s: string): boolean {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  const family = m ? isIP(m[1]!) : 0;
  return family !== 0 && Number(m![2]) <= (family === 4 ? 32 : 128);
}

/** A network cameras may be on, as a CIDR. */
const CameraNetwork = z
  .string()
  .max(64)
  .superRefine((s, ctx) => {
    if (!isCidr(s))
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" is not a network; write an address and a prefix length, e.g. 192.168.0.0/16 or fc00::/7`,
      });
  });

/**
 * The node's configuration. Sources, later ones winning: built-in defaults ← `<dataDir>/config.json`
 * ← environment (`HOTPOT_*`, see ENV_KEYS) ← command-line flags.
 */
export const ConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    http: HttpAddress.extend({ rateLimits: HttpRateLimits.optional() }).strict(),
    /**
     * HTTPS for the gateway. `lan` (default): HTTPS whenever it serves an address other than
     * loopback, plain HTTP on loopback; `always`: HTTPS on loopback too. The certificate is the
     * owner's (`certFile` + `keyFile`, PEM) or, without them, one the node makes at first start.
     */
    https: z
      .object({
        mode: z.enum(['lan', 'always']),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .strict(),
    /** Required when http.host is not a loopback address: clients send it as a Bearer token. */
    accessToken: z.string().min(32, 'must be at least 32 characters').max(256).optional(),
    /** This store's franchise id on the chain (registered by HQ to this node's key); recordings are anchored under it. */
    franchiseId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
      .optional(),
    log: z
      .object({
        level: z.enum(LOG_LEVELS),
        console: z.enum(['pretty', 'json', 'none']),
      })
      .strict(),
    network: z
      .object({
        /** libp2p listen multiaddrs. */
        listen: z.array(z.string().max(256)).max(16),
        /** Stores beyond the LAN, as multiaddrs with /p2p/<peer id>. */
        staticPeers: z.array(z.string().max(512)).max(256),
        mdns: z.boolean(),
        /** Most MiB of validators' votes and proposals kept for the next height (the driver's buffer). */
        futureBufferMiB: z.number().int().min(1).max(4096),
      })
      .strict(),
    sync: z
      .object({
        /** Snapshot sync: joining from a peer's state snapshot, and keeping snapshots for others. */
        snapshot: z
          .object({
            /**
             * An empty ledger joins from a peer's snapshot when one is `minBlocksAhead` or more blocks
             * past genesis, instead of replaying every block (its history is back-filled after).
             */
            join: z.boolean(),
            minBlocksAhead: z.number().int().min(1),
            /** How long an empty node waits for such a peer before syncing from genesis, seconds. */
            waitForPeersSeconds: z.number().int().min(0).max(600),
            /** Verify from this block (height and hash, both or neither) instead of from genesis. */
            trustHeight: z.number().int().min(1).nullable(),
            trustHash: z
              .string()
              .regex(/^0x[0-9a-f]{64}$/, 'must be a block hash: 0x and 64 lowercase hex digits')
              .nullable(),
            /** Keep a snapshot every this many blocks, for peers that join (0: keep and serve none). */
            intervalBlocks: z.number().int().min(0),
            /** How many of the newest snapshots are kept. */
            keep: z.number().int().min(1).max(16),
          })
          .strict()
          .refine((s) => (s.trustHeight === null) === (s.trustHash === null), {
            message: 'sync.snapshot.trustHeight and trustHash go together: give both or neither',
          }),
      })
      .strict(),
    wallet: z
      .object({
        autoLockMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
      })
      .strict(),
    video: z
      .object({
        enabled: z.boolean(),
        /** Recording segment length. */
        segmentSeconds: z.number().int().min(5).max(600),
        /** Recordings older than this are deleted. */
        retentionDays: z.number().int().min(1).max(3650),
        /** Oldest recordings are deleted when free space falls below this. */
        minFreeBytes: z.number().int().min(0),
        /** The widest any camera is recorded, in pixels (null: each camera's main stream at its own size). */
        maxWidth: z
          .number()
          .int()
          .min(160)
          .max(7680)
          .refine((w) => w % 2 === 0, 'video.maxWidth must be even')
          .nullable(),
        /** The highest rate any camera is recorded at: each at its main stream's own rate up to this. */
        maxFps: z.number().int().min(1).max(60),
        /**
         * The networks cameras may be on, as CIDRs: the node contacts no camera address, and opens no
         * camera stream, outside them. Default: the LAN ranges (no loopback, nothing public).
         */
        cameraNetworks: z.array(CameraNetwork).max(64),
        /**
         * HQ's X25519 public key, 32 bytes in hex or base64: each closed segment is sealed to it and
         * published over IPFS on the node's libp2p (main/video/publish). null: nothing is published.
         */
        hqPublicKey: z
          .string()
          .trim()
          .regex(
            /^(?:0x)?[0-9a-fA-F]{64}$|^[A-Za-z0-9+/_-]{43}=?$/,
            "video.hqPublicKey must be HQ's 32-byte X25519 public key in hex (64 digits) or base64 (43-44 characters)",
          )
          .nullable(),
      })
      .strict(),
    sales: z
      .object({
        /** How often the sales batcher makes \`record-sales\` transactions of the waiting sales. */
        batchEveryMs: z
          .number()
          .int()
          .min(100)
          .max(10 * 60_000),
      })
      .strict(),
    audit: z
      .object({
        /** How often the audit log's head is anchored on the chain when it moved since the last anchor. */
        anchorEveryMs: z
          .number()
          .int()
          .min(1_000)
          .max(24 * 60 * 60_000),
      })
      .strict(),
  })
  .strict();

/** The validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Defaults of everything but the data dir (which depends on the host: see defaultDataDir). */
export const DEFAULTS: Omit<Config, 'dataDir'> = {
  http: { host: '127.0.0.1', port: 7420 },
  https: { mode: 'lan' },
  log: { level: 'info', console: 'pretty' },
  network: { listen: ['/ip4/0.0.0.0/tcp/4510'], staticPeers: [], mdns: true, futureBufferMiB: 48 },
  sync: {
    snapshot: {
      join: true,
      minBlocksAhead: 1_000,
      waitForPeersSeconds: 10,
      trustHeight: null,
      trustHash: null,
      intervalBlocks: 1_000,
      keep: 2,
    },
  },
  wallet: { autoLockMinutes: 10 },
  video: {
    enabled: true,
    segmentSeconds: 60,
    retentionDays: 30,
    minFreeBytes: 2 * 1024 ** 3,
    maxWidth: null,
    maxFps: 30,
    cameraNetworks: [...LAN_NETWORKS],
    hqPublicKey: null,
  },
  sales: { batchEveryMs: 2000 },
  audit: { anchorEveryMs: 10 * 60_000 },
};

/** Environment variables read as configuration, with the key each sets and how it is parsed. */
export const ENV_KEYS: Record<
  string,
  { key: string; parse: 'string' | 'int' | 'bool' | 'list' | 'hostport' }
> = {
  HOTPOT_DATA_DIR: { key: 'dataDir', parse: 'string' },
  HOTPOT_HTTP: { key: 'http', parse: 'hostport' },
  HOTPOT_ACCESS_TOKEN: { key: 'accessToken', parse: 'string' },
  HOTPOT_HTTPS: { key: 'https.mode', parse: 'string' },
  HOTPOT_HTTPS_CERT: { key: 'https.certFile', parse: 'string' },
  HOTPOT_HTTPS_KEY: { key: 'https.keyFile', parse: 'string' },
  HOTPOT_FRANCHISE_ID: { key: 'franchiseId', parse: 'string' },
  HOTPOT_LOG_LEVEL: { key: 'log.level', parse: 'string' },
  HOTPOT_LOG_CONSOLE: { key: 'log.console', parse: 'string' },
  HOTPOT_P2P_LISTEN: { key: 'network.listen', parse: 'list' },
  HOTPOT_P2P_PEERS: { key: 'network.staticPeers', parse: 'list' },
  HOTPOT_P2P_MDNS: { key: 'network.mdns', parse: 'bool' },
  HOTPOT_SNAPSHOT_JOIN: { key: 'sync.snapshot.join', parse: 'bool' },
  HOTPOT_SNAPSHOT_TRUST_HEIGHT: { key: 'sync.snapshot.trustHeight', parse: 'int' },
  HOTPOT_SNAPSHOT_TRUST_HASH: { key: 'sync.snapshot.trustHash', parse: 'string' },
  HOTPOT_WALLET_AUTOLOCK_MINUTES: { key: 'wallet.autoLockMinutes', parse: 'int' },
  HOTPOT_VIDEO_ENABLED: { key: 'video.enabled', parse: 'bool' },
  HOTPOT_VIDEO_CAMERA_NETWORKS: { key: 'video.cameraNetworks', parse: 'list' },
  HOTPOT_VIDEO_HQ_PUBLIC_KEY: { key: 'video.hqPublicKey', parse: 'string' },
  HOTPOT_AUDIT_ANCHOR_EVERY_MS: { key: 'audit.anchorEveryMs', parse: 'int' },
  HOTPOT_SALES_BATCH_EVERY_MS: { key: 'sales.batchEveryMs', parse: 'int' },
};
