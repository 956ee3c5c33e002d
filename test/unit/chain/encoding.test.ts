import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Address,
  type Block,
  ChainError,
  type Hex,
  type Sale,
  type Tx,
  type TxPayload,
  type Vote,
  DEFAULT_LIMITS,
  decodeBlock,
  decodeCommit,
  decodeEvidence,
  decodeProposal,
  decodeTx,
  decodeVote,
  encodeBlock,
  encodeCommit,
  encodeEvidence,
  encodeProposal,
  encodeTx,
  encodeVote,
  toHex,
  utf8ToBytes,
  concatBytes,
} from '../../../main/chain';

const hexOf = (n: number): fc.Arbitrary<Hex> => fc.uint8Array({ minLength: n, maxLength: n }).map(toHex);
const addr: fc.Arbitrary<Address> = hexOf(20);
const amount = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const safe = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const text = (max: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', maxLength: max }).filter((s) => utf8ToBytes(s).length <= max);
const tokenomics = fc.record({
  currency: fc.constantFrom('USD', 'CNY', 'EUR'),
  tokensPerMinorUnit: amount,
  royaltyBps: fc.nat(10_000),
  validatorRewardBps: fc.nat(10_000),
});
const franchise = fc.record({
  id: text(64),
  owner: addr,
  status: fc.constantFrom('active', 'inactive', 'suspended' as const),
  city: text(64),
  region: text(64),
  tokenomics,
});
const sale: fc.Arbitrary<Sale> = fc.record({
  terminalId: text(64),
  orderId: text(128),
  amountMinor: amount,
  currency: fc.constantFrom('USD', 'CNY'),
  timeMs: safe,
  customer: fc.option(addr, { nil: null }),
});
const vote: fc.Arbitrary<Vote> = fc.record({
  type: fc.constantFrom('prevote', 'precommit' as const),
  height: safe,
  round: safe,
  blockHash: fc.option(hexOf(32), { nil: null }),
  validator: addr,
  signature: hexOf(65),
});
const payload: fc.Arbitrary<TxPayload> = fc.oneof(
  fc.record({ type: fc.constant('transfer' as const), to: addr, amount }),
  fc.record({ type: fc.constant('stake' as const), amount, region: text(64) }),
  fc.record({ type: fc.constant('unstake' as const), amount }),
  fc.record({ type: fc.constant('franchise-register' as const), franchise }),
  fc.record({ type: fc.constant('franchise-update' as const), franchise }),
  fc.record({
    type: fc.constant('record-sales' as const),
    franchiseId: text(64),
    firstSeq: safe,
    sales: fc.array(sale, { maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('anchor-media' as const),
    franchiseId: text(64),
    cameraId: text(64),
    segments: fc.array(fc.record({ sha256: hexOf(32), cid: text(128) }), { maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('kyc-attest' as const),
    subject: addr,
    level: fc.nat(255),
    status: fc.constantFrom('verified', 'revoked' as const),
    documentHash: hexOf(32),
    expiresAtMs: safe,
  }),
  fc.record({ type: fc.constant('evidence' as const), evidence: fc.record({ a: vote, b: vote }) }),
  fc.record({
    type: fc.constant('anchor-audit' as const),
    franchiseId: text(64),
    seq: safe,
    hash: hexOf(32),
  }),
  fc.record({ type: fc.constant('peer-register' as const), peerId: text(64), active: fc.boolean() }),
);
const tx: fc.Arbitrary<Tx> = fc.record({
  chainId: text(64),
  nonce: safe,
  fee: amount,
  sender: addr,
  publicKey: hexOf(64),
  payload,
  signature: hexOf(64),
});
const commit = fc.record({
  height: safe,
  round: safe,
  blockHash: hexOf(32),
  signatures: fc
    .uniqueArray(fc.record({ validator: addr, signature: hexOf(65) }), {
      selector: (s) => s.validator,
      maxLength: 5,
    })
    .map((a) => a.sort((x, y) => (x.validator < y.validator ? -1 : 1))),
});
const header = fc.record({
  chainId: text(64),
  height: safe,
  round: safe,
  timeMs: safe,
  previousHash: hexOf(32),
  txRoot: hexOf(32),
  stateRoot: hexOf(32),
  proposer: addr,
  validatorSetHash: hexOf(32),
  lastCommitHash: hexOf(32),
  evidenceHash: hexOf(32),
});
const block: fc.Arbitrary<Block> = fc.record({
  header,
  txs: fc.array(tx, { maxLength: 4 }),
  lastCommit: fc.option(commit, { nil: null }),
  evidence: fc.array(fc.record({ a: vote, b: vote }), { maxLength: 2 }),
});

describe('round trips', () => {
  it('transactions of every type', () => {
    fc.assert(
      fc.property(tx, (t) => {
        const bytes = encodeTx(t);
        const back = decodeTx(bytes);
        expect(back).toEqual(t);
        expect(encodeTx(back)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
  it('blocks, votes, proposals, commits, evidence', () => {
    fc.assert(
      fc.property(block, (b) => {
        const bytes = encodeBlock(b);
        const d = decodeBlock(bytes);
        expect(d.block).toEqual(b);
        expect(encodeBlock(d.block)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(vote, (v) => {
        expect(decodeVote(encodeVote(v))).toEqual(v);
      }),
    );
    fc.assert(
      fc.property(commit, (c) => {
        expect(decodeCommit(encodeCommit(c))).toEqual(c);
      }),
    );
    fc.assert(
      fc.property(vote, vote, (a, b) => {
        expect(decodeEvidence(encodeEvidence({ a, b }))).toEqual({ a, b });
      }),
    );
    const proposal = fc.record({
      height: safe,
      round: safe,
      blockHash: hexOf(32),
      polRound: fc.integer({ min: -1, max: 1000 }),
      proposer: addr,
      signature: hexOf(65),
    });
    fc.assert(
      fc.property(proposal, (p) => {
        expect(decodeProposal(encodeProposal(p))).toEqual(p);
      }),
    );
  });
  it('any mutation of a valid encoding either fails with a ChainError or re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(tx, fc.nat(), fc.integer({ min: 0, max: 255 }), (t, pos, byte) => {
        const bytes = encodeTx(t);
        const m = bytes.slice();
        m[pos % m.length] = byte;
        let back: Tx;
        try {
          back = decodeTx(m);
        } catch (e) {
          expect(e).toBeInstanceOf(ChainError);
          return;
        }
        expect(encodeTx(back)).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('non-canonical and oversized input', () => {
  const t: Tx = {
    chainId: 'c',
    nonce: 0,
    fee: 1000n,
    sender: toHex(new Uint8Array(20)),
    publicKey: toHex(new Uint8Array(64)),
    payload: { type: 'unstake', amount: 1n },
    signature: toHex(new Uint8Array(64)),
  };
  const bytes = encodeTx(t);
  // Layout: kind, version, len(chainId)=1, 'c', nonce=0x00 (offset 4), fee = 0x02 0x03 0xe8 (offset 5)…
  const code = (b: Uint8Array): string => {
    try {
      decodeTx(b);
      return 'ok';
    } catch (e) {
      return (e as ChainError).code;
    }
  };
  it('the reference encoding decodes', () => {
    expect(Array.from(bytes.subarray(0, 8))).toEqual([1, 1, 1, 99, 0, 2, 3, 0xe8]);
    expect(code(bytes)).toBe('ok');
  });
  it('rejects a non-minimal integer, a padded amount, trailing bytes, a bad option marker', () => {
    expect(code(concatBytes(bytes.subarray(0, 4), Uint8Array.of(0x80, 0x00), bytes.subarray(5)))).toBe(
      'NON_CANONICAL',
    );
    expect(code(concatBytes(bytes.subarray(0, 5), Uint8Array.of(3, 0, 3, 0xe8), bytes.subarray(8)))).toBe(
      'NON_CANONICAL',
    );
    expect(code(concatBytes(bytes, Uint8Array.of(0)))).toBe('NON_CANONICAL');
    const v = encodeVote({
      type: 'prevote',
      height: 1,
      round: 0,
      blockHash: null,
      validator: t.sender,
      signature: toHex(new Uint8Array(65)),
    });
    const m = v.slice();
    m[5] = 2; // the blockHash option marker
    expect(() => decodeVote(m)).toThrow(expect.objectContaining({ code: 'NON_CANONICAL' }));
  });
  it('rejects an unknown kind, version, tx type, invalid UTF-8 and truncation', () => {
    expect(code(concatBytes(Uint8Array.of(2), bytes.subarray(1)))).toBe('MALFORMED');
    expect(code(concatBytes(Uint8Array.of(1, 2), bytes.subarray(2)))).toBe('UNSUPPORTED_VERSION');
    const typeAt = bytes.length - 64 - 2; // unstake payload: type byte, then amount 0x01 0x01
    const badType = bytes.slice();
    badType[typeAt] = 200;
    expect(code(badType)).toBe('MALFORMED');
    const badUtf8 = bytes.slice();
    badUtf8[3] = 0xff;
    expect(code(badUtf8)).toBe('MALFORMED');
    expect(code(bytes.subarray(0, bytes.length - 1))).toBe('MALFORMED');
  });
  it('checks the size limit before decoding anything', () => {
    const huge = new Uint8Array(DEFAULT_LIMITS.maxTxBytes + 1); // not even a tx: the size alone refuses it
    expect(code(huge)).toBe('TX_TOO_LARGE');
    expect(() => decodeBlock(new Uint8Array(17), { ...DEFAULT_LIMITS, maxBlockBytes: 16 })).toThrow(
      expect.objectContaining({ code: 'BLOCK_TOO_LARGE' }),
    );
  });
  it('refuses a list longer than the limit from its count alone', () => {
    const sales = { type: 'record-sales' as const, franchiseId: 'f', firstSeq: 1, sales: [] as Sale[] };
    const b = encodeTx({ ...t, payload: sales });
    const countAt = b.length - 64 - 1;
    expect(b[countAt]).toBe(0);
    const many = concatBytes(b.subarray(0, countAt), Uint8Array.of(0xe9, 0x07), b.subarray(countAt + 1)); // 1001
    expect(code(many)).toBe('TOO_MANY_ITEMS');
    expect(() =>
      encodeTx({
        ...t,
        payload: {
          ...sales,
          sales: Array.from({ length: 1001 }, () => ({
            terminalId: 't',
            orderId: 'o',
            amountMinor: 1n,
            currency: 'USD',
            timeMs: 0,
            customer: null,
          })),
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'TOO_MANY_ITEMS' }));
  });
  it('refuses commits whose signatures are not sorted', () => {
    const s1 = { validator: toHex(new Uint8Array(20).fill(1)), signature: toHex(new Uint8Array(65)) };
    const s2 = { validator: toHex(new Uint8Array(20).fill(2)), signature: toHex(new Uint8Array(65)) };
    const c = { height: 1, round: 0, blockHash: toHex(new Uint8Array(32)), signatures: [s2, s1] };
    expect(() => decodeCommit(encodeCommit(c))).toThrow(expect.objectContaining({ code: 'NON_CANONICAL' }));
  });
});
