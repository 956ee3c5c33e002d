/**
 * Vote and proposal signatures for the simulation: real secp256k1 (noble) over keccak-256 of
 * domain-separated sign bytes, 65-byte recoverable `r ‖ s ‖ v` signatures as `main/chain/types.ts`
 * describes, verified by recovering the signer's address. Behind the `ConsensusCrypto` interface so
 * the node driver can plug in `main/chain/vote.ts` (`signVote`, `voteSignBytes`) instead.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Address, Hex, Proposal, Vote } from '../../chain/types';
import type { UnsignedProposal, UnsignedVote } from '../machine';

/** Signing and verification of consensus messages, injected into the simulation. */
export interface ConsensusCrypto {
  /** Address of a 32-byte secp256k1 secret key. */
  addressOf(secretKey: Uint8Array): Address;
  signVote(vote: UnsignedVote, secretKey: Uint8Array): Vote;
  signProposal(proposal: UnsignedProposal, secretKey: Uint8Array): Proposal;
  /** True iff the vote's signature recovers to `vote.validator`. */
  verifyVote(vote: Vote): boolean;
  /** True iff the proposal's signature recovers to `proposal.proposer`. */
  verifyProposal(proposal: Proposal): boolean;
  /** keccak-256 of arbitrary bytes, lowercase 0x hex. */
  hash(bytes: Uint8Array): Hex;
}

/** Counters of the work a `SimCrypto` did. */
export interface CryptoStats {
  signs: number;
  /** Signatures checked for real (key-based verifications plus recoveries). */
  recoveries: number;
  cacheHits: number;
}

type CurvePoint = ReturnType<typeof secp256k1.Point.fromBytes>;
const Fn = secp256k1.Point.Fn;
const HALF_N = Fn.ORDER >> 1n;

function bigFrom(b: Uint8Array): bigint {
  return BigInt(`0x${bytesToHex(b)}`);
}

function hex(b: Uint8Array): Hex {
  return `0x${bytesToHex(b)}`;
}

/**
 * The simulation's crypto: noble secp256k1 + keccak-256, with a verification cache keyed by the
 * signed fields *and* the signature (so a cached answer is only reused for the very same bytes; a
 * forged vote — same fields, other signature, or same signature, other fields — misses the cache
 * and is checked for real).
 *
 * @example
 * const c = new SimCrypto('hotpot-sim');
 * const v = c.signVote({ type: 'prevote', height: 1, round: 0, blockHash: null, validator: c.addressOf(sk) }, sk);
 * c.verifyVote(v); // true
 */
export class SimCrypto implements ConsensusCrypto {
  readonly stats: CryptoStats = { signs: 0, recoveries: 0, cacheHits: 0 };
  private readonly verified = new Map<string, boolean>();
  private readonly addresses = new Map<string, Address>();
  /** Public keys of the addresses this instance derived, with precomputed multiplication tables. */
  private readonly publicKeys = new Map<Address, CurvePoint>();
  private readonly chainIdBytes: Uint8Array;

  constructor(
    readonly chainId: string,
    private readonly cacheCapacity = 200_000,
  ) {
    this.chainIdBytes = utf8ToBytes(chainId);
  }

  addressOf(secretKey: Uint8Array): Address {
    const k = bytesToHex(secretKey);
    let a = this.addresses.get(k);
    if (a === undefined) {
      const pub = secp256k1.getPublicKey(secretKey, false);
      a = pubToAddress(pub);
      this.addresses.set(k, a);
      this.publicKeys.set(a, secp256k1.Point.fromBytes(pub).precompute(4, false));
    }
    return a;
  }

  hash(bytes: Uint8Array): Hex {
    return hex(keccak_256(bytes));
  }

  /** `"hotpot:vote:v1" ‖ len(chainId) ‖ chainId ‖ type ‖ height ‖ round ‖ blockHash|nil ‖ validator`. */
  voteDigest(v: UnsignedVote): Uint8Array {
    const fields = `${v.type}|${v.height}|${v.round}|${v.blockHash ?? 'nil'}|${v.validator}`;
    return keccak_256(
      concatBytes(
        utf8ToBytes('hotpot:vote:v1'),
        Uint8Array.of(this.chainIdBytes.length),
        this.chainIdBytes,
        utf8ToBytes(fields),
      ),
    );
  }

  /** `"hotpot:proposal:v1" ‖ len(chainId) ‖ chainId ‖ height ‖ round ‖ blockHash ‖ polRound ‖ proposer`. */
  proposalDigest(p: UnsignedProposal): Uint8Array {
    const fields = `${p.height}|${p.round}|${p.blockHash}|${p.polRound}|${p.proposer}`;
    return keccak_256(
      concatBytes(
        utf8ToBytes('hotpot:proposal:v1'),
        Uint8Array.of(this.chainIdBytes.length),
        this.chainIdBytes,
        utf8ToBytes(fields),
      ),
    );
  }

  signVote(vote: UnsignedVote, secretKey: Uint8Array): Vote {
    return { ...vote, signature: this.sign(this.voteDigest(vote), secretKey) };
  }

  signProposal(proposal: UnsignedProposal, secretKey: Uint8Array): Proposal {
    return { ...proposal, signature: this.sign(this.proposalDigest(proposal), secretKey) };
  }

  verifyVote(vote: Vote): boolean {
    const key = `v|${vote.type}|${vote.height}|${vote.round}|${vote.blockHash ?? 'nil'}|${vote.validator}|${vote.signature}`;
    return this.cached(key, () => this.check(this.voteDigest(vote), vote.signature, vote.validator));
  }

  verifyProposal(p: Proposal): boolean {
    const key = `p|${p.height}|${p.round}|${p.blockHash}|${p.polRound}|${p.proposer}|${p.signature}`;
    return this.cached(key, () => this.check(this.proposalDigest(p), p.signature, p.proposer));
  }

  private cached(key: string, compute: () => boolean): boolean {
    const hit = this.verified.get(key);
    if (hit !== undefined) {
      this.stats.cacheHits++;
      return hit;
    }
    const ok = compute();
    if (this.verified.size >= this.cacheCapacity) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(key, ok);
    return ok;
  }

  private sign(digest: Uint8Array, secretKey: Uint8Array): Hex {
    this.stats.signs++;
    const sig = secp256k1.sign(digest, secretKey, { prehash: false, format: 'recovered' }); // noble: v ‖ r ‖ s
    return hex(concatBytes(sig.subarray(1), sig.subarray(0, 1)));
  }

  /**
   * True iff `signature` recovers to `expected`. For an address whose public key P is known this is
   * computed without recovery, ~3× faster: ECDSA verification R = (z·G + r·P)/s with P's
   * precomputed tables, plus R.x = r and R.y's parity = v — exactly the condition under which
   * recovery from (r, s, v) yields P. Otherwise the key is recovered.
   */
  private check(digest: Uint8Array, signature: Hex, expected: Address): boolean {
    const P = this.publicKeys.get(expected);
    if (P === undefined) return this.recover(digest, signature) === expected;
    this.stats.recoveries++;
    if (!/^0x[0-9a-f]{130}$/.test(signature)) return false;
    const sig = hexToBytes(signature.slice(2));
    const r = bigFrom(sig.subarray(0, 32));
    const s = bigFrom(sig.subarray(32, 64));
    const v = sig[64] as number;
    if (v > 1 || r <= 0n || r >= Fn.ORDER || s <= 0n || s > HALF_N) return false;
    const w = Fn.inv(s);
    const R = secp256k1.Point.BASE.multiplyUnsafe(Fn.mul(Fn.create(bigFrom(digest)), w)).add(
      P.multiplyUnsafe(Fn.mul(r, w)),
    );
    if (R.is0()) return false;
    const a = R.toAffine();
    return a.x === r && Number(a.y & 1n) === v;
  }

  private recover(digest: Uint8Array, signature: Hex): Address | null {
    this.stats.recoveries++;
    if (!/^0x[0-9a-f]{130}$/.test(signature)) return null;
    const sig = hexToBytes(signature.slice(2));
    const v = sig[64] as number;
    if (v > 1) return null;
    try {
      const pub = secp256k1.recoverPublicKey(concatBytes(sig.subarray(64), sig.subarray(0, 64)), digest, {
        prehash: false,
      });
      return pubToAddress(secp256k1.Point.fromBytes(pub).toBytes(false));
    } catch {
      return null;
    }
  }
}

/** Ethereum-style address of an uncompressed public key: last 20 bytes of keccak-256(x ‖ y). */
function pubToAddress(uncompressed: Uint8Array): Address {
  if (uncompressed.length !== 65) return '0x0000000000000000000000000000000000000000';
  return hex(keccak_256(uncompressed.subarray(1)).subarray(12));
}
