/** How one key makes and signs each kind of transaction: the `TxBuilder` (pure). */
import type { DoubleProposalEvidence } from '../proposal-evidence';
import type { EncodingLimits } from '../encoding';
import { getRawPublicKey, rawPublicKeyToAddress } from '../keys';
import type { Address, Hash } from '../types';
import type { DoubleVoteEvidence } from '../vote';
import { signTx } from './signing';
import type { Franchise, KycStatus, MediaSegment, Sale, Tx, TxPayload } from './types';

/**
 * Makes and signs each kind of transaction for one key. Used by the CLI, the wallet, tests and benches.
 *
 * @example
 * const b = new TxBuilder({ chainId: 'hotpot-dev', privateKey, fee: 1000n });
 * const tx = b.transfer(0, { to: '0x…', amount: 10n });
 */
export class TxBuilder {
  /** The sender address of every tx this builder makes. */
  readonly address: Address;

  constructor(
    private readonly opts: { chainId: string; privateKey: Uint8Array; fee: bigint; limits?: EncodingLimits },
  ) {
    this.address = rawPublicKeyToAddress(getRawPublicKey(opts.privateKey));
  }

  /** Signs any payload at `nonce`. */
  sign(nonce: number, payload: TxPayload): Tx {
    return signTx(
      { chainId: this.opts.chainId, nonce, fee: this.opts.fee, payload },
      this.opts.privateKey,
      this.opts.limits,
    );
  }

  transfer(nonce: number, p: { to: Address; amount: bigint }): Tx {
    return this.sign(nonce, { type: 'transfer', ...p });
  }

  stake(nonce: number, p: { amount: bigint; region: string }): Tx {
    return this.sign(nonce, { type: 'stake', ...p });
  }

  unstake(nonce: number, p: { amount: bigint }): Tx {
    return this.sign(nonce, { type: 'unstake', ...p });
  }

  registerFranchise(nonce: number, franchise: Franchise): Tx {
    return this.sign(nonce, { type: 'franchise-register', franchise });
  }

  updateFranchise(nonce: number, franchise: Franchise): Tx {
    return this.sign(nonce, { type: 'franchise-update', franchise });
  }

  recordSales(nonce: number, p: { franchiseId: string; firstSeq: number; sales: Sale[] }): Tx {
    return this.sign(nonce, { type: 'record-sales', ...p });
  }

  anchorMedia(nonce: number, p: { franchiseId: string; cameraId: string; segments: MediaSegment[] }): Tx {
    return this.sign(nonce, { type: 'anchor-media', ...p });
  }

  attestKyc(
    nonce: number,
    p: { subject: Address; level: number; status: KycStatus; documentHash: Hash; expiresAtMs: number },
  ): Tx {
    return this.sign(nonce, { type: 'kyc-attest', ...p });
  }

  submitEvidence(nonce: number, evidence: DoubleVoteEvidence): Tx {
    return this.sign(nonce, { type: 'evidence', evidence });
  }

  submitProposalEvidence(nonce: number, evidence: DoubleProposalEvidence): Tx {
    return this.sign(nonce, { type: 'proposal-evidence', evidence });
  }

  /** Anchors a store's audit-log head: its sequence number and hash (the owner's key signs). */
  anchorAudit(nonce: number, p: { franchiseId: string; seq: number; hash: Hash }): Tx {
    return this.sign(nonce, { type: 'anchor-audit', ...p });
  }

  /** Registers (active) or retires a franchise node's libp2p peer id (the HQ key signs). */
  registerPeer(nonce: number, p: { peerId: string; active: boolean }): Tx {
    return this.sign(nonce, { type: 'peer-register', ...p });
  }
}
