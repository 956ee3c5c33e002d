/**
 * Whether this node may sign at a position (height, round, step, value): the signer record is
 * checked with `checkSign` and written durably (`ledger.db`, synchronous=FULL) before a signature
 * is returned, so a crash never makes the node sign two different values at one position.
 */
import type { Address, Hash, Vote } from '../chain/types';
import { type SignerRecord, type SignStep, checkSign, nextRecord } from '../consensus/signer';
import type { P2pLog } from '../p2p/types';
import type { BlockEntry } from './block-entry';
import type { LedgerStore } from './ledger-store';

/** A position to sign at. */
export interface SignRequest {
  height: number;
  round: number;
  step: SignStep;
  blockHash: Hash | null;
}

/** What the guard uses. */
export interface SignerGuardDeps {
  store: LedgerStore;
  log: P2pLog;
  /** The driver's counters (`signerRefusals` counts refused signatures). */
  stats: { signerRefusals: number };
}

/** Holds the last signer record and signs only what it allows. */
export class SignerGuard {
  private last: SignerRecord | null = null;

  constructor(private readonly deps: SignerGuardDeps) {}

  /** The last signer record, or null before the first signature. */
  get record(): SignerRecord | null {
    return this.last;
  }

  /** Reads the stored signer record (at start). */
  load(): void {
    this.last = this.deps.store.signerRecord();
  }

  /** Checks and persists the signer record, then returns the signature (or null when refused). */
  sign(req: SignRequest, make: () => string, block?: BlockEntry): string | null {
    const d = checkSign(this.last, req);
    if (d.kind === 'refuse') {
      this.deps.stats.signerRefusals++;
      this.deps.log.warn({ ...req }, d.reason);
      return null;
    }
    if (d.kind === 'reuse') return d.signature;
    const signature = make();
    const record = nextRecord(this.last, req, signature);
    // Durable before the signature leaves (synchronous=FULL): a crash after this cannot make us sign a different value here.
    this.deps.store.saveSignerRecord(record, block ? { hash: block.hash, bytes: block.bytes } : undefined);
    this.last = record;
    return signature;
  }

  /** The last record's vote when it is at `height` (signed just before a crash, it may never have left). */
  lastVote(height: number, validator: Address): Vote | null {
    const s = this.last;
    if (!s || s.height !== height || s.step === 'propose') return null;
    return {
      type: s.step,
      height: s.height,
      round: s.round,
      blockHash: s.blockHash,
      validator,
      signature: s.signature as Vote['signature'],
    };
  }

  /** The block saved with the last proposal or lock when the record is at `height`, or null. */
  savedBlock(height: number): { hash: Hash; block: Uint8Array } | null {
    const saved = this.last?.height === height ? this.deps.store.signerBlock() : null;
    if (!saved || saved.height !== height) return null;
    return { hash: saved.hash, block: saved.block };
  }
}
