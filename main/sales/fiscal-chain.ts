/**
 * Each terminal's records form a hash chain, as fiscal devices keep: record n's hash is
 * SHA-256 over record n−1's hash and record n's body, so removing, reordering or editing a record
 * breaks every hash after it. Pure apart from hashing.
 */
import { createHash } from 'node:crypto';

/** The "previous hash" of a terminal's first record. */
export const FIRST_PREV_HASH = '0'.repeat(64);

/** The hash of a record whose body is `body` (canonical JSON) and whose predecessor's hash is `prevHash`. */
export function recordHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** One stored record, as `verifyTerminalChain` reads it. */
export interface FiscalRecord {
  terminalId: string;
  seq: number;
  body: string;
  prevHash: string;
  hash: string;
}

/** What a terminal's chain verification found: `ok`, or the first record at fault and why. */
export type ChainCheck =
  | { ok: true; terminalId: string; records: number; head: string }
  | { ok: false; terminalId: string; seq: number; reason: 'gap' | 'prev-hash' | 'hash' };

/**
 * Checks one terminal's records, given in `seq` order: numbered 1, 2, 3…, each linked to the one
 * before, each hash the hash of its body.
 */
export function verifyTerminalChain(terminalId: string, records: Iterable<FiscalRecord>): ChainCheck {
  let expectedSeq = 1;
  let prev = FIRST_PREV_HASH;
  for (const r of records) {
    if (r.seq !== expectedSeq) return { ok: false, terminalId, seq: expectedSeq, reason: 'gap' };
    if (r.prevHash !== prev) return { ok: false, terminalId, seq: r.seq, reason: 'prev-hash' };
    if (recordHash(prev, r.body) !== r.hash) return { ok: false, terminalId, seq: r.seq, reason: 'hash' };
    prev = r.hash;
    expectedSeq++;
  }
  return { ok: true, terminalId, records: expectedSeq - 1, head: prev };
}
