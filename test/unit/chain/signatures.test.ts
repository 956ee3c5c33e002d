import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  BoundedVerifiedCache,
  type Tx,
  TxBuilder,
  checkDoubleVoteEvidence,
  encodeTx,
  fromHex,
  keccak256,
  makeCommit,
  makeDoubleVoteEvidence,
  nobleVerifier,
  privateKeyToAddress,
  signCompact,
  getRawPublicKey,
  signProposal,
  signVote,
  toHex,
  verifyCommit,
  verifyProposal,
  verifyTxSignature,
  verifyVote,
  voteSignBytes,
  type SignatureVerifier,
} from '../../../main/chain';
import { VALIDATORS, key } from './fixture';
import { NativeVerifier, OpenSslVerifier, loadLibsecp256k1 } from '../../../main/node/verifier';

const openssl = new OpenSslVerifier();
const lib = loadLibsecp256k1();
if (!lib) throw new Error('the secp256k1 native module did not load; run bin/hotpot setup');
const native = new NativeVerifier(lib);
/** The same x with y + 1: not on the curve, yet it would hash to some address. */
const offCurve = (raw: `0x${string}`): `0x${string}` => {
  const b = fromHex(raw);
  b[63] = (b[63]! + 1) & 0xff;
  return toHex(b);
};
const secretKey = fc.integer({ min: 1, max: 60_000 }).map(key);

describe.each([
  ['OpenSSL', openssl],
  ['libsecp256k1', native],
] as const)('the %s fast path gives the same answers as noble', (_name, fast) => {
  it('on valid signatures, other messages, other keys and flipped bits', () => {
    fc.assert(
      fc.property(
        secretKey,
        secretKey,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(63),
        fc.integer({ min: 1, max: 255 }),
        (k1, k2, msg, pos, flip) => {
          const sig = signCompact(msg, k1);
          const pub1 = secp256k1.getPublicKey(k1, true);
          const pub2 = secp256k1.getPublicKey(k2, true);
          const bad = sig.slice();
          bad[pos] = bad[pos]! ^ flip;
          const other = keccak256(msg);
          for (const [s, m, p] of [
            [sig, msg, pub1],
            [sig, msg, pub2],
            [sig, other, pub1],
            [bad, msg, pub1],
          ] as const) {
            expect(fast.verify(s, m, p)).toBe(nobleVerifier.verify(s, m, p));
          }
          expect(fast.verify(sig, msg, pub1)).toBe(true);
          const otherParity = pub1.slice();
          otherParity[0] = otherParity[0] === 2 ? 3 : 2;
          expect(fast.verify(sig, msg, otherParity)).toBe(false);
          expect(nobleVerifier.verify(sig, msg, otherParity)).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('verifyTxSignature agrees under both verifiers, and a cache hit skips the work', () => {
    const b = new TxBuilder({ chainId: 'c', privateKey: key(5), fee: 1n });
    const good = b.transfer(0, { to: privateKeyToAddress(key(6)), amount: 1n });
    const cases: Tx[] = [
      good,
      { ...good, nonce: 1 },
      { ...good, publicKey: toHex(getRawPublicKey(key(6))) },
      { ...good, publicKey: toHex(new Uint8Array(64).fill(3)) },
      { ...good, publicKey: offCurve(good.publicKey) },
      { ...good, signature: toHex(new Uint8Array(64).fill(1)) },
    ];
    for (const t of cases) {
      const outcome = (verifier: SignatureVerifier): string => {
        try {
          verifyTxSignature(t, { verifier });
          return 'ok';
        } catch (e) {
          return (e as { code: string }).code;
        }
      };
      expect(outcome(fast)).toBe(outcome(nobleVerifier));
    }
    const cache = new BoundedVerifiedCache(10);
    let calls = 0;
    const counting = {
      verify: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => (calls++, nobleVerifier.verify(s, m, p)),
    };
    verifyTxSignature(good, { verifier: counting, cache });
    verifyTxSignature(good, { verifier: counting, cache }, encodeTx(good));
    expect(calls).toBe(1);
    expect(() => verifyTxSignature(cases[1]!, { verifier: counting, cache })).toThrow(
      expect.objectContaining({ code: 'BAD_SIGNATURE' }),
    );
  });
});

describe('votes, proposals, commits, evidence', () => {
  const chainId = 'hotpot-test';
  const blockHash = toHex(new Uint8Array(32).fill(7));
  it('vote sign bytes are domain-separated and include the chain id', () => {
    const v = {
      type: 'precommit' as const,
      height: 3,
      round: 1,
      blockHash,
      validator: privateKeyToAddress(VALIDATORS[0]!),
    };
    const bytes = voteSignBytes(chainId, v);
    expect(new TextDecoder().decode(bytes.subarray(0, 14))).toBe('hotpot:vote:v1');
    expect(toHex(bytes)).not.toBe(toHex(voteSignBytes('other', v)));
    const signed = signVote(chainId, v, VALIDATORS[0]!);
    expect(verifyVote(chainId, signed)).toBe(true);
    expect(verifyVote('other', signed)).toBe(false);
    expect(verifyVote(chainId, { ...signed, round: 2 })).toBe(false);
    expect(verifyVote(chainId, { ...signed, validator: privateKeyToAddress(VALIDATORS[1]!) })).toBe(false);
    const p = signProposal(chainId, { height: 3, round: 1, blockHash, polRound: -1 }, VALIDATORS[2]!);
    expect(verifyProposal(chainId, p)).toBe(true);
    expect(verifyProposal(chainId, { ...p, polRound: 0 })).toBe(false);
  });
  it('commit verification needs more than 2/3 of the power and valid members', () => {
    const set = VALIDATORS.map((k) => ({ address: privateKeyToAddress(k), votingPower: 10 }));
    const votes = VALIDATORS.map((k) =>
      signVote(chainId, { type: 'precommit', height: 5, round: 0, blockHash }, k),
    );
    expect(verifyCommit(chainId, makeCommit(votes), set).signedPower).toBe(40);
    expect(verifyCommit(chainId, makeCommit(votes.slice(0, 3)), set).signedPower).toBe(30);
    expect(() => verifyCommit(chainId, makeCommit(votes.slice(0, 2)), set)).toThrow(
      expect.objectContaining({ code: 'BAD_COMMIT' }),
    );
    const weighted = set.map((v, i) => ({ ...v, votingPower: i === 3 ? 100 : 1 }));
    expect(() => verifyCommit(chainId, makeCommit(votes.slice(0, 3)), weighted)).toThrow(
      expect.objectContaining({ code: 'BAD_COMMIT' }),
    );
    const outsider = signVote(chainId, { type: 'precommit', height: 5, round: 0, blockHash }, key(99));
    expect(() => verifyCommit(chainId, makeCommit([...votes, outsider]), set)).toThrow(
      /not in the validator set/,
    );
    const c = makeCommit(votes);
    const tampered = {
      ...c,
      signatures: c.signatures.map((s, i) => (i === 0 ? { ...s, signature: c.signatures[1]!.signature } : s)),
    };
    expect(() => verifyCommit(chainId, tampered, set)).toThrow(/bad signature/);
  });
  it('double-vote evidence is accepted only for a real conflict', () => {
    const k = VALIDATORS[1]!;
    const a = signVote(chainId, { type: 'prevote', height: 9, round: 2, blockHash }, k);
    const b = signVote(chainId, { type: 'prevote', height: 9, round: 2, blockHash: null }, k);
    const ev = makeDoubleVoteEvidence(a, b);
    expect(ev.a.blockHash).toBeNull();
    expect(checkDoubleVoteEvidence(chainId, ev.a, ev.b)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(() => checkDoubleVoteEvidence(chainId, ev.b, ev.a)).toThrow(/canonical order/);
    expect(() => checkDoubleVoteEvidence(chainId, a, a)).toThrow(/same block/);
    const c = signVote(chainId, { type: 'precommit', height: 9, round: 2, blockHash: null }, k);
    expect(() => checkDoubleVoteEvidence(chainId, c, a)).toThrow(/different types/);
    const other = signVote(
      chainId,
      { type: 'prevote', height: 9, round: 2, blockHash: null },
      VALIDATORS[2]!,
    );
    expect(() => checkDoubleVoteEvidence(chainId, other, a)).toThrow(/different validators/);
    const forged = { ...ev.b, signature: ev.a.signature };
    expect(() => checkDoubleVoteEvidence(chainId, ev.a, forged)).toThrow(
      expect.objectContaining({ code: 'BAD_EVIDENCE' }),
    );
    expect(() => checkDoubleVoteEvidence('other-chain', ev.a, ev.b)).toThrow(/not validly signed/);
    expect(fromHex(ev.b.blockHash!).length).toBe(32);
  });
});

describe('vote, proposal, commit and evidence checks with libsecp256k1 recovery agree with noble', () => {
  const chainId = 'hotpot-test';
  it('on valid, tampered, wrong-chain, wrong-validator and non-canonical signatures', () => {
    fc.assert(
      fc.property(
        fc.nat(VALIDATORS.length - 1),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(64),
        fc.integer({ min: 1, max: 255 }),
        (i, hash, pos, flip) => {
          const k = VALIDATORS[i]!;
          const v = signVote(chainId, { type: 'prevote', height: 4, round: 1, blockHash: toHex(hash) }, k);
          const sig = fromHex(v.signature);
          const bad = sig.slice();
          bad[pos] = bad[pos]! ^ flip;
          const highS = sig.slice();
          const s = secp256k1.Point.CURVE().n - BigInt(toHex(sig.subarray(32, 64)));
          highS.set(fromHex(`0x${s.toString(16).padStart(64, '0')}`), 32);
          const variants = [
            v,
            { ...v, signature: toHex(bad) },
            { ...v, signature: toHex(highS) },
            { ...v, validator: privateKeyToAddress(VALIDATORS[(i + 1) % VALIDATORS.length]!) },
          ];
          for (const x of variants) {
            expect(verifyVote(chainId, x, { verifier: native })).toBe(verifyVote(chainId, x));
            expect(verifyVote('other', x, { verifier: native })).toBe(false);
          }
          expect(verifyVote(chainId, v, { verifier: native })).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    const blockHash = toHex(new Uint8Array(32).fill(9));
    const set = VALIDATORS.map((k) => ({ address: privateKeyToAddress(k), votingPower: 10 }));
    const votes = VALIDATORS.map((k) =>
      signVote(chainId, { type: 'precommit', height: 5, round: 0, blockHash }, k),
    );
    expect(verifyCommit(chainId, makeCommit(votes), set, { verifier: native }).signedPower).toBe(40);
    const c = makeCommit(votes);
    const swapped = {
      ...c,
      signatures: c.signatures.map((s, j) => (j === 0 ? { ...s, signature: c.signatures[1]!.signature } : s)),
    };
    expect(() => verifyCommit(chainId, swapped, set, { verifier: native })).toThrow(/bad signature/);
    const p = signProposal(chainId, { height: 3, round: 1, blockHash, polRound: -1 }, VALIDATORS[2]!);
    expect(verifyProposal(chainId, p, { verifier: native })).toBe(true);
    expect(verifyProposal(chainId, { ...p, polRound: 0 }, { verifier: native })).toBe(false);
    const a = signVote(chainId, { type: 'prevote', height: 9, round: 2, blockHash }, VALIDATORS[1]!);
    const b = signVote(chainId, { type: 'prevote', height: 9, round: 2, blockHash: null }, VALIDATORS[1]!);
    const ev = makeDoubleVoteEvidence(a, b);
    expect(checkDoubleVoteEvidence(chainId, ev.a, ev.b, { verifier: native })).toBe(
      checkDoubleVoteEvidence(chainId, ev.a, ev.b),
    );
    expect(() =>
      checkDoubleVoteEvidence(chainId, ev.a, { ...ev.b, signature: ev.a.signature }, { verifier: native }),
    ).toThrow(expect.objectContaining({ code: 'BAD_EVIDENCE' }));
  });
});
