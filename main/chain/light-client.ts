/**
 * Headers verified without state (pure): what a new node checks before it trusts a state snapshot.
 * From a trust root (the genesis with its first two sets, or a height and block hash the operator
 * gives), each next header must link to the last by height and previous hash, carry the hash of
 * its epoch's validator set, and come with a commit by more than 2/3 of that set. Sets of later
 * epochs are learned from verified headers: a `vs:<epoch>` entry proven (`smt-proof.ts`) against a
 * verified header's state root. At the end of epoch e the state holds the set of e + 2, so a chain
 * of headers proves every set it needs as it goes.
 */
import { type BlockHeader, type Commit, blockHash, validatorSetHash, verifyCommit } from './block';
import { ChainError } from './errors';
import type { SignatureCheck } from './keys';
import { type ChainConfig, epochOf } from './params';
import { type SmtProof, verifySmtProof } from './smt-proof';
import { encodeValidatorSet } from './state/records';
import type { Hash, ValidatorPower } from './types';

/** Where verification starts. */
export type TrustRoot =
  /** The genesis (its hash and the sets of epochs 0 and 1, which it fixes). */
  | { kind: 'genesis'; genesisHash: Hash; sets: [ValidatorPower[], ValidatorPower[]] }
  /** A block the operator trusts by height and hash (the first header given must be it). */
  | { kind: 'trusted'; height: number; blockHash: Hash };

/** A validator set with its proof against a header's state root. */
export interface ProvenSet {
  epoch: number;
  validators: ValidatorPower[];
  proof: SmtProof;
}

/** One header to verify, its commit, and the sets its state proves that were not known yet. */
export interface HeaderItem {
  header: BlockHeader;
  commit: Commit;
  sets?: ProvenSet[];
}

/**
 * @example
 * const v = new HeaderChainVerifier(config, { kind: 'genesis', genesisHash, sets: [set0, set1] });
 * for (const item of items) v.add(item); // throws ChainError LIGHT_* on the first bad one
 * v.head?.header.stateRoot; // now trusted
 */
export class HeaderChainVerifier {
  private readonly sets = new Map<number, ValidatorPower[]>();
  private last: { header: BlockHeader; hash: Hash } | null = null;

  constructor(
    private readonly config: ChainConfig,
    private readonly trust: TrustRoot,
    private readonly check: SignatureCheck = {},
  ) {
    if (trust.kind === 'genesis') {
      this.sets.set(0, trust.sets[0]);
      this.sets.set(1, trust.sets[1]);
    }
  }

  /** The last verified header and its hash (null before the first). */
  get head(): { header: BlockHeader; hash: Hash } | null {
    return this.last;
  }

  /** The validator set of `epoch`, when known. */
  setOf(epoch: number): ValidatorPower[] | undefined {
    return this.sets.get(epoch);
  }

  /** Verifies the next header; throws `WRONG_CHAIN` or `LIGHT_*` saying what is wrong, and keeps nothing then. */
  add(item: HeaderItem): void {
    const h = item.header;
    if (h.chainId !== this.config.chainId)
      throw new ChainError(
        'WRONG_CHAIN',
        `header ${h.height} is for chain ${h.chainId}, not ${this.config.chainId}`,
      );
    const hash = blockHash(h);
    this.checkLink(h, hash);
    // A header trusted by its hash vouches for its state root: its own epoch's sets come from there.
    const trustedByHash = this.last === null && this.trust.kind === 'trusted';
    const proven = this.provenSets(h, item.sets ?? []);
    const sets = trustedByHash ? new Map([...this.sets, ...proven]) : this.sets;
    const epoch = epochOf(h.height, this.config.params);
    const set =
      sets.get(epoch) ??
      light('LIGHT_UNKNOWN_SET', `no validator set of epoch ${epoch} is known to check header ${h.height}`);
    if (h.validatorSetHash !== validatorSetHash(set))
      light('LIGHT_BAD_COMMIT', `header ${h.height} names a validator set that is not epoch ${epoch}'s`);
    if (item.commit.height !== h.height || item.commit.blockHash !== hash)
      light('LIGHT_BAD_COMMIT', `the commit given with header ${h.height} is not for it`);
    try {
      verifyCommit(this.config.chainId, item.commit, set, this.check);
    } catch (err) {
      if (err instanceof ChainError)
        light('LIGHT_BAD_COMMIT', `header ${h.height}: ${err.message}`, err.data);
      throw err;
    }
    for (const [e, v] of proven) this.sets.set(e, v);
    this.last = { header: h, hash };
  }

  private checkLink(h: BlockHeader, hash: Hash): void {
    const last = this.last;
    if (last !== null) {
      if (h.height !== last.header.height + 1 || h.previousHash !== last.hash)
        light('LIGHT_BAD_LINK', `header ${h.height} does not follow header ${last.header.height}`);
      return;
    }
    const t = this.trust;
    if (t.kind === 'genesis' && (h.height !== 1 || h.previousHash !== t.genesisHash))
      light('LIGHT_BAD_LINK', `the first header must be block 1 of this genesis, got block ${h.height}`);
    if (t.kind === 'trusted' && (h.height !== t.height || hash !== t.blockHash))
      light('LIGHT_BAD_LINK', `the first header must be the trusted block ${t.height} (${t.blockHash})`);
  }

  /** The sets `h`'s state root proves; a set already known must be the same. */
  private provenSets(h: BlockHeader, given: readonly ProvenSet[]): Map<number, ValidatorPower[]> {
    const out = new Map<number, ValidatorPower[]>();
    for (const s of given) {
      if (!verifySmtProof(h.stateRoot, `vs:${s.epoch}`, encodeValidatorSet(s.validators), s.proof))
        light('LIGHT_BAD_PROOF', `the set of epoch ${s.epoch} is not in the state of header ${h.height}`);
      const known = this.sets.get(s.epoch);
      if (known !== undefined && validatorSetHash(known) !== validatorSetHash(s.validators))
        light('LIGHT_BAD_PROOF', `epoch ${s.epoch} has two different sets`);
      out.set(s.epoch, s.validators);
    }
    return out;
  }
}

function light(
  code: 'LIGHT_BAD_LINK' | 'LIGHT_BAD_COMMIT' | 'LIGHT_UNKNOWN_SET' | 'LIGHT_BAD_PROOF',
  message: string,
  data?: Record<string, unknown>,
): never {
  throw new ChainError(code, message, data);
}
