/**
 * The KYC rule: the compliance authority's attestation replaces the subject's record (its authority
 * is checked before execution) (pure).
 */
import type { PayloadOf } from '../../tx/types';
import { encodeKyc } from '../records';
import type { StateStore } from '../store';

/** Stores the attestation of `p.subject`, made at `height`. */
export function attestKyc(s: StateStore, p: PayloadOf<'kyc-attest'>, height: number): void {
  s.set(
    `kyc:${p.subject}`,
    encodeKyc({
      level: p.level,
      status: p.status,
      documentHash: p.documentHash,
      expiresAtMs: p.expiresAtMs,
      attestedAtHeight: height,
    }),
  );
}
