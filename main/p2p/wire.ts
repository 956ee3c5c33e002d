/**
 * Wire formats of the chain-scoped protocols (no I/O here). Every message is length-prefixed on
 * the stream (unsigned varint, then the bytes) and every decoder checks sizes and shapes before
 * anything is used: a peer can send any bytes at all.
 *
 * - status `/hotpot/<chainId>/status/1`: each side writes one `StatusMessage` (JSON), reads one.
 * - sync `/hotpot/<chainId>/sync/1`: the client writes one `SyncRequest` (JSON); the server answers
 *   with one `SyncResponseHeader` (JSON) and then `header.count` frames, each one encoded block
 *   with its commit (opaque bytes), then closes.
 * - snapshot `/hotpot/<chainId>/snapshot/1`: the client writes one `SnapshotRequest` (JSON: the list
 *   of manifests, one chunk, or a range of headers with their commits); the server answers with one
 *   `SnapshotResponseHeader` (JSON) and then `header.count` frames of opaque bytes, then closes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { GossipTopic } from './types';

/** Protocol ids and gossip topics carry the chain id so two franchises on one LAN never mix. */
export function protocolIds(chainId: string): { status: string; sync: string; snapshot: string } {
  return {
    status: `/hotpot/${chainId}/status/1`,
    sync: `/hotpot/${chainId}/sync/1`,
    snapshot: `/hotpot/${chainId}/snapshot/1`,
  };
}

/** The gossipsub topic string of one of our topics, e.g. `hotpot/hotpot-testnet/vote/1`. */
export function topicName(chainId: string, topic: GossipTopic): string {
  return `hotpot/${chainId}/${topic}/1`;
}

/** Reverse of `topicName` for our chain; undefined for anything else. */
export function topicFromName(chainId: string, name: string): GossipTopic | undefined {
  const prefix = `hotpot/${chainId}/`;
  if (!name.startsWith(prefix) || !name.endsWith('/1')) return undefined;
  const t = name.slice(prefix.length, -2);
  return t === 'tx' || t === 'proposal' || t === 'vote' ? t : undefined;
}

/**
 * Chain ids appear in protocol ids, topic names and mDNS service names, so they are limited (as in
 * the genesis file) to 1–63 characters of `[a-z0-9-]`, starting with a letter or digit.
 */
export const CHAIN_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The mDNS service name of a chain. A DNS label is at most 63 bytes, so a chain id longer than 55
 * characters is cut and given a hash suffix (two chains that still collided would meet on mDNS but
 * be dropped by the status handshake).
 */
export function mdnsServiceTag(chainId: string): string {
  const label = `_hotpot-${chainId}`;
  if (label.length <= 63) return `${label}._udp.local`;
  return `_hotpot-${chainId.slice(0, 45)}-${bytesToHex(sha256(utf8ToBytes(chainId))).slice(0, 8)}._udp.local`;
}

/** Largest status message accepted, bytes. */
export const MAX_STATUS_BYTES = 512;
/** Largest sync request accepted, bytes. */
export const MAX_SYNC_REQUEST_BYTES = 256;
/** Largest sync response header accepted, bytes. */
export const MAX_SYNC_HEADER_BYTES = 512;

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'expected a 32-byte lowercase 0x hash');
const height = z
  .number()
  .int()
  .min(0)
  .max(2 ** 48);

/** What each side says in the status handshake. */
export const StatusMessage = z.strictObject({
  v: z.literal(1),
  chainId: z.string().max(64),
  height,
  headHash: hex32,
});
export type StatusMessage = z.infer<typeof StatusMessage>;

/** A request for `count` blocks from `fromHeight`. */
export const SyncRequest = z.strictObject({
  v: z.literal(1),
  fromHeight: height,
  count: z.number().int().min(1).max(1_000_000),
});
export type SyncRequest = z.infer<typeof SyncRequest>;

/** Why a server refused a sync request. */
export type SyncRefusal = 'RANGE_TOO_LARGE' | 'BAD_REQUEST' | 'BUSY' | 'NO_PROVIDER';

/** The first frame of a sync response. */
export const SyncResponseHeader = z.discriminatedUnion('ok', [
  z.strictObject({ v: z.literal(1), ok: z.literal(true), count: z.number().int().min(0).max(1_000_000) }),
  z.strictObject({
    v: z.literal(1),
    ok: z.literal(false),
    code: z.enum(['RANGE_TOO_LARGE', 'BAD_REQUEST', 'BUSY', 'NO_PROVIDER']),
    message: z.string().max(256),
  }),
]);
export type SyncResponseHeader = z.infer<typeof SyncResponseHeader>;

/** Largest snapshot request accepted, bytes. */
export const MAX_SNAPSHOT_REQUEST_BYTES = 256;
/** Largest snapshot response header accepted, bytes. */
export const MAX_SNAPSHOT_HEADER_BYTES = 512;

/** A snapshot request: the manifests a peer keeps, one chunk of one, or headers with their commits. */
export const SnapshotRequest = z.discriminatedUnion('op', [
  z.strictObject({ v: z.literal(1), op: z.literal('manifests') }),
  z.strictObject({
    v: z.literal(1),
    op: z.literal('chunk'),
    height: height.min(1),
    index: z.number().int().min(0).max(1_000_000),
  }),
  z.strictObject({
    v: z.literal(1),
    op: z.literal('headers'),
    fromHeight: height.min(1),
    count: z.number().int().min(1).max(1_000_000),
  }),
]);
export type SnapshotRequest = z.infer<typeof SnapshotRequest>;

/** Why a server refused a snapshot request. */
export const SNAPSHOT_REFUSALS = [
  'BAD_REQUEST',
  'BUSY',
  'RATE_LIMITED',
  'RANGE_TOO_LARGE',
  'NOT_FOUND',
  'NO_PROVIDER',
] as const;
export type SnapshotRefusal = (typeof SNAPSHOT_REFUSALS)[number];

/** The first frame of a snapshot response. */
export const SnapshotResponseHeader = z.discriminatedUnion('ok', [
  z.strictObject({ v: z.literal(1), ok: z.literal(true), count: z.number().int().min(0).max(1_000_000) }),
  z.strictObject({
    v: z.literal(1),
    ok: z.literal(false),
    code: z.enum(SNAPSHOT_REFUSALS),
    message: z.string().max(256),
    /** With RATE_LIMITED: when asking again may be served, ms. */
    retryAfterMs: z.number().int().min(0).max(3_600_000).optional(),
  }),
]);
export type SnapshotResponseHeader = z.infer<typeof SnapshotResponseHeader>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a JSON wire message. */
export function encodeJson(
  value: StatusMessage | SyncRequest | SyncResponseHeader | SnapshotRequest | SnapshotResponseHeader,
): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The result of decoding untrusted bytes: the value, or a message saying what was wrong. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Decodes untrusted bytes as JSON of the given schema, refusing more than `maxBytes`.
 *
 * @example decodeJson(bytes, StatusMessage, MAX_STATUS_BYTES)
 */
export function decodeJson<T>(bytes: Uint8Array, schema: z.ZodType<T>, maxBytes: number): Decoded<T> {
  if (bytes.length > maxBytes)
    return { ok: false, error: `message is ${bytes.length} bytes, the limit is ${maxBytes}` };
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, error: 'message is not UTF-8 JSON' };
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    return { ok: false, error: `message has the wrong shape: ${r.error.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, value: r.data };
}
