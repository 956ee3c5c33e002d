/**
 * The simulation's consensus signatures on the chain's own sign bytes (`main/chain/vote.ts`), so the
 * commits and evidence the simulated validators make are the ones the ledger application checks.
 * Verified signatures are remembered in a `VerifiedCache` that can be shared by every simulated node
 * and run: its keys commit to the signed hash, the signature and the signer, so a forged vote misses.
 */
import { keccak256, toHex } from '../../chain/bytes';
import type { VerifiedCache } from '../../chain/cache';
import {
  type SignatureCheck,
  type SignatureVerifier,
  privateKeyToAddress,
  signRecoverable,
} from '../../chain/keys';
import type { Address, Hex, Proposal, Vote } from '../../chain/types';
import { proposalSignBytes, verifyProposal, verifyVote, voteSignBytes } from '../../chain/vote';
import type { UnsignedProposal, UnsignedVote } from '../machine';
import type { ConsensusCrypto, CryptoStats } from './signing';

/**
 * @example
 * const c = new ChainCrypto('hotpot-sim', new BoundedVerifiedCache(1_000_000));
 * c.verifyVote(c.signVote({ type: 'prevote', height: 1, round: 0, blockHash: null, validator }, key)); // true
 */
export class ChainCrypto implements ConsensusCrypto {
  readonly stats: CryptoStats = { signs: 0, recoveries: 0, cacheHits: 0 };
  private readonly addresses = new Map<string, Address>();
  private readonly check: SignatureCheck & { cache: VerifiedCache };

  constructor(
    readonly chainId: string,
    cache: VerifiedCache,
    verifier?: SignatureVerifier,
  ) {
    const stats = this.stats;
    // Count what the cache saves and what is checked for real.
    this.check = {
      cache: {
        has: (key) => {
          const hit = cache.has(key);
          if (hit) stats.cacheHits++;
          else stats.recoveries++;
          return hit;
        },
        add: (key) => cache.add(key),
      },
      ...(verifier ? { verifier } : {}),
    };
  }

  addressOf(secretKey: Uint8Array): Address {
    const k = toHex(secretKey);
    let a = this.addresses.get(k);
    if (a === undefined) {
      a = privateKeyToAddress(secretKey);
      this.addresses.set(k, a);
    }
    return a;
  }

  // Signs the fields as given, the named validator included: a Byzantine node forges votes that
  // name an honest validator but carry its own signature, and the check must catch exactly that.
  signVote(vote: UnsignedVote, secretKey: Uint8Array): Vote {
    this.stats.signs++;
    const hash = keccak256(voteSignBytes(this.chainId, vote));
    return { ...vote, signature: toHex(signRecoverable(hash, secretKey)) };
  }

  signProposal(proposal: UnsignedProposal, secretKey: Uint8Array): Proposal {
    this.stats.signs++;
    const hash = keccak256(proposalSignBytes(this.chainId, proposal));
    return { ...proposal, signature: toHex(signRecoverable(hash, secretKey)) };
  }

  verifyVote(vote: Vote): boolean {
    return verifyVote(this.chainId, vote, this.check);
  }

  verifyProposal(proposal: Proposal): boolean {
    return verifyProposal(this.chainId, proposal, this.check);
  }

  hash(bytes: Uint8Array): Hex {
    return toHex(keccak256(bytes));
  }
}
