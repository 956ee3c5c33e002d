import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { create as createDigest } from 'multiformats/hashes/digest';
import {
  type Franchise,
  type Tx,
  TxBuilder,
  checkTx,
  getAccount,
  getAnchor,
  getFranchise,
  getKyc,
  getSalesMark,
  getSupply,
  getValidator,
  getValidatorSet,
  listValidators,
  makeDoubleVoteEvidence,
  privateKeyToAddress,
  signVote,
  toHex,
  MemoryStateStore,
  applyBlock,
  buildBlock,
  getChainMeta,
  treeRoot,
  rootOfEntries,
  type StateKey,
  StateOverlay,
  toChecksumAddress,
} from '../../../main/chain';
import { isPeerRegistered } from '../../../main/chain/state/access';
import { ALICE, BOB, COMPLIANCE, CUSTOMER, HQ, STORE, TestChain, VALIDATORS, testGenesis } from './fixture';

const addr = privateKeyToAddress;
const builder = (k: Uint8Array, fee = 1000n): TxBuilder =>
  new TxBuilder({ chainId: 'hotpot-test', privateKey: k, fee });

const franchise: Franchise = {
  id: 'HP-0001',
  owner: addr(STORE),
  status: 'active',
  city: 'Chengdu',
  region: 'asia',
  tokenomics: { currency: 'CNY', tokensPerMinorUnit: 10n, royaltyBps: 500, validatorRewardBps: 200 },
};

function segment(data: string): { sha256: `0x${string}`; cid: string } {
  const digest = createHash('sha256').update(data).digest();
  const cid = CID.createV1(raw.code, createDigest(0x12, digest)).toString();
  return { sha256: toHex(digest), cid };
}

/** A fresh chain with the franchise registered. */
function chainWithFranchise(): TestChain {
  const c = new TestChain();
  const r = c.step([builder(HQ).registerFranchise(0, franchise)]);
  expect(r.receipts[0]!.ok).toBe(true);
  return c;
}

describe('applying every transaction type', () => {
  it('transfer moves the amount, takes the fee to the proposer, bumps the nonce', () => {
    const c = new TestChain();
    const before = getAccount(c.store, addr(ALICE)).balance;
    const { block, result } = c.make([builder(ALICE).transfer(0, { to: addr(BOB), amount: 5000n })]);
    c.commit(block);
    expect(result.receipts[0]).toMatchObject({ ok: true, error: null, fee: 1000n });
    expect(getAccount(c.store, addr(ALICE))).toEqual({ balance: before - 6000n, nonce: 1 });
    expect(getAccount(c.store, addr(BOB)).balance).toBe(1_000_005_000n);
    expect(getAccount(c.store, block.header.proposer).balance).toBe(1000n);
  });

  it('stake and unstake move tokens between balance and a validator record', () => {
    const c = new TestChain();
    c.step([builder(ALICE).stake(0, { amount: 2_000_000n, region: 'eu' })]);
    expect(getValidator(c.store, addr(ALICE))).toMatchObject({
      stake: 2_000_000n,
      region: 'eu',
      reputationPpm: 500_000,
    });
    expect(listValidators(c.store).map((v) => v.address)).toContain(addr(ALICE));
    c.step([builder(ALICE).unstake(1, { amount: 500_000n })]);
    expect(getValidator(c.store, addr(ALICE))!.stake).toBe(1_500_000n);
    expect(getAccount(c.store, addr(ALICE)).balance).toBe(1_000_000_000n - 2_000n - 1_500_000n);
  });

  it('franchise register and update by HQ', () => {
    const c = chainWithFranchise();
    expect(getFranchise(c.store, 'HP-0001')).toEqual(franchise);
    c.step([builder(HQ).updateFranchise(1, { ...franchise, status: 'suspended', city: 'Chongqing' })]);
    expect(getFranchise(c.store, 'HP-0001')).toMatchObject({ status: 'suspended', city: 'Chongqing' });
  });

  it('record-sales mints per the tokenomics: customer, HQ royalty, proposer reward', () => {
    const c = chainWithFranchise();
    const supply0 = getSupply(c.store);
    const hq0 = getAccount(c.store, addr(HQ)).balance;
    const sales = [
      {
        terminalId: 'pos-1',
        orderId: 'A-1',
        amountMinor: 10_000n,
        currency: 'CNY',
        timeMs: 1_700_000_000_500,
        customer: addr(CUSTOMER),
      },
      {
        terminalId: 'pos-1',
        orderId: 'A-2',
        amountMinor: 2_000n,
        currency: 'CNY',
        timeMs: 1_700_000_000_600,
        customer: null,
      },
    ];
    const { block, result } = c.make([
      builder(STORE).recordSales(0, { franchiseId: 'HP-0001', firstSeq: 1, sales }),
    ]);
    c.commit(block);
    // sale 1: 100,000 minted → 5,000 royalty, 2,000 reward, 93,000 customer; sale 2: 20,000 → 1,000 royalty, 400 reward, no customer part.
    expect(result.receipts[0]).toMatchObject({ ok: true, minted: 101_400n });
    expect(result.minted).toBe(101_400n);
    expect(getAccount(c.store, addr(CUSTOMER)).balance).toBe(93_000n);
    expect(getAccount(c.store, addr(HQ)).balance).toBe(hq0 + 6_000n);
    expect(getAccount(c.store, block.header.proposer).balance).toBe(2_400n + 1000n);
    expect(getSupply(c.store)).toBe(supply0 + 101_400n);
    expect(getSalesMark(c.store, 'HP-0001')).toEqual({ through: 2, height: block.header.height });
    // Recorded numbers again fail with DUPLICATE_ORDER, a batch past the next number with SALES_GAP:
    // fee and nonce taken, nothing minted, the mark where it was.
    const again = c.step([
      builder(STORE).recordSales(1, { franchiseId: 'HP-0001', firstSeq: 2, sales: sales.slice(0, 1) }),
      builder(STORE).recordSales(2, { franchiseId: 'HP-0001', firstSeq: 4, sales: sales.slice(0, 1) }),
    ]);
    expect(again.receipts[0]).toMatchObject({
      ok: false,
      error: { code: 'DUPLICATE_ORDER', message: expect.stringContaining('this batch repeats 2–2') },
      minted: 0n,
    });
    expect(again.receipts[1]).toMatchObject({
      ok: false,
      error: { code: 'SALES_GAP', message: expect.stringContaining('leaving 3–3 out') },
      minted: 0n,
    });
    expect(getSupply(c.store)).toBe(supply0 + 101_400n);
    expect(getAccount(c.store, addr(STORE)).nonce).toBe(3);
    expect(getSalesMark(c.store, 'HP-0001')?.through).toBe(2);
    // The next number goes on: the mark is one state entry whatever the batch's size.
    const next = c.step([
      builder(STORE).recordSales(3, { franchiseId: 'HP-0001', firstSeq: 3, sales: sales.slice(1) }),
    ]);
    expect(next.receipts[0]).toMatchObject({ ok: true });
    expect(getSalesMark(c.store, 'HP-0001')?.through).toBe(3);
  });

  it('anchor-media stores each segment once', () => {
    const c = chainWithFranchise();
    const segs = [segment('one'), segment('two')];
    c.step([builder(STORE).anchorMedia(0, { franchiseId: 'HP-0001', cameraId: 'cam-1', segments: segs })]);
    expect(getAnchor(c.store, segs[0]!.sha256)).toMatchObject({
      franchiseId: 'HP-0001',
      cameraId: 'cam-1',
      cid: segs[0]!.cid,
      height: 2,
    });
    const dup = c.step([
      builder(STORE).anchorMedia(1, { franchiseId: 'HP-0001', cameraId: 'cam-1', segments: [segs[1]!] }),
    ]);
    expect(dup.receipts[0]!.error?.code).toBe('DUPLICATE_ANCHOR');
  });

  it('kyc-attest by the compliance authority', () => {
    const c = new TestChain();
    const doc = toHex(new Uint8Array(32).fill(9));
    c.step([
      builder(COMPLIANCE).attestKyc(0, {
        subject: addr(CUSTOMER),
        level: 2,
        status: 'verified',
        documentHash: doc,
        expiresAtMs: 0,
      }),
    ]);
    expect(getKyc(c.store, addr(CUSTOMER))).toEqual({
      level: 2,
      status: 'verified',
      documentHash: doc,
      expiresAtMs: 0,
      attestedAtHeight: 1,
    });
  });

  it('double-vote evidence (as a tx and in the block) slashes, jails and cuts reputation once', () => {
    const c = new TestChain();
    const v = VALIDATORS[0]!;
    const a = signVote(
      'hotpot-test',
      { type: 'prevote', height: 1, round: 0, blockHash: toHex(new Uint8Array(32).fill(1)) },
      v,
    );
    const b = signVote('hotpot-test', { type: 'prevote', height: 1, round: 0, blockHash: null }, v);
    const ev = makeDoubleVoteEvidence(a, b);
    c.step([]);
    const supply0 = getSupply(c.store);
    const rec0 = getValidator(c.store, addr(v))!;
    const r = c.step([builder(ALICE).submitEvidence(0, ev)]);
    expect(r.receipts[0]!.ok).toBe(true);
    const rec = getValidator(c.store, addr(v))!;
    expect(rec.stake).toBe(rec0.stake - rec0.stake / 10n);
    expect(rec.jailedUntilEpoch).toBe(10);
    expect(rec.reputationPpm).toBeLessThan(rec0.reputationPpm - 400_000);
    expect(r.burned).toBe(rec0.stake / 10n);
    expect(getSupply(c.store)).toBe(supply0 - rec0.stake / 10n);
    // The same double vote in the block's evidence list now makes the block invalid.
    const { block } = c.make([]);
    const withEvidence = { ...block, evidence: [ev] };
    expect(() => c.make([], [ev])).toThrow(expect.objectContaining({ code: 'BAD_BLOCK' }));
    expect(() => applyBlock(c.store, withEvidence, c.ctx)).toThrow();
  });

  it('participation from lastCommit raises signers and the proposer; the epoch set for e+2 is stored', () => {
    const c = new TestChain();
    for (let i = 0; i < 4; i++) c.step([]);
    const reps = VALIDATORS.map((k) => getValidator(c.store, addr(k))!.reputationPpm);
    expect(reps.every((r) => r > 500_000)).toBe(true);
    expect(getValidatorSet(c.store, 2)).toHaveLength(4);
  });
});

describe('rejections change nothing', () => {
  const snapshot = (s: MemoryStateStore): string =>
    JSON.stringify([...s.entries].map(([k, v]) => [k, toHex(v)]));

  function expectRejected(c: TestChain, tx: Tx, code: string): void {
    const before = snapshot(c.store);
    expect(() => checkTx(c.store, tx, c.ctx)).toThrow(expect.objectContaining({ code }));
    expect(() => c.make([tx])).toThrow(expect.objectContaining({ code }));
    expect(snapshot(c.store)).toBe(before);
  }

  it('bad signature', () => {
    const c = new TestChain();
    const tx = builder(ALICE).transfer(0, { to: addr(BOB), amount: 1n });
    const forged = { ...tx, payload: { ...tx.payload, amount: 2n } } as Tx;
    expectRejected(c, forged, 'BAD_SIGNATURE');
    // Bob's key with Alice as sender: the key does not hash to the sender.
    const bobs = builder(BOB).transfer(0, { to: addr(BOB), amount: 1n });
    expectRejected(c, { ...tx, publicKey: bobs.publicKey }, 'BAD_SIGNATURE');
    // Bob's whole signature over Alice's fields.
    expectRejected(c, { ...tx, signature: bobs.signature }, 'BAD_SIGNATURE');
  });
  it('wrong chain id', () => {
    const c = new TestChain();
    expectRejected(
      c,
      new TxBuilder({ chainId: 'hotpot-other', privateKey: ALICE, fee: 1000n }).transfer(0, {
        to: addr(BOB),
        amount: 1n,
      }),
      'WRONG_CHAIN',
    );
  });
  it('replayed nonce', () => {
    const c = new TestChain();
    const tx = builder(ALICE).transfer(0, { to: addr(BOB), amount: 1n });
    c.step([tx]);
    expectRejected(c, tx, 'BAD_NONCE');
  });
  it('unauthorized franchise change and KYC', () => {
    const c = new TestChain();
    expectRejected(c, builder(ALICE).registerFranchise(0, franchise), 'UNAUTHORIZED');
    expectRejected(
      c,
      builder(ALICE).attestKyc(0, {
        subject: addr(BOB),
        level: 1,
        status: 'verified',
        documentHash: toHex(new Uint8Array(32)),
        expiresAtMs: 0,
      }),
      'UNAUTHORIZED',
    );
  });
  it('peer registration: only HQ, only a peer id; registered, then retired', () => {
    const c = new TestChain();
    const peerId = '12D3KooWGzh8QGuy9Tyu8ua9Dx1YAWmuRZsEXpmJJG2Dp6vbTwgE';
    expectRejected(c, builder(ALICE).registerPeer(0, { peerId, active: true }), 'UNAUTHORIZED');
    expectRejected(c, builder(HQ).registerPeer(0, { peerId: 'not a peer id', active: true }), 'MALFORMED');
    expect(isPeerRegistered(c.store, peerId)).toBe(false);
    c.step([builder(HQ).registerPeer(0, { peerId, active: true })]);
    expect(isPeerRegistered(c.store, peerId)).toBe(true);
    c.step([builder(HQ).registerPeer(1, { peerId, active: false })]);
    expect(isPeerRegistered(c.store, peerId)).toBe(false);
  });
  it('insufficient funds for the fee, and fee below the minimum', () => {
    const c = new TestChain();
    expectRejected(c, builder(CUSTOMER).transfer(0, { to: addr(BOB), amount: 1n }), 'INSUFFICIENT_FUNDS');
    expectRejected(c, builder(ALICE, 999n).transfer(0, { to: addr(BOB), amount: 1n }), 'FEE_TOO_LOW');
  });
  it('insufficient funds for the amount: the mempool refuses; inside a block only fee and nonce move', () => {
    const c = new TestChain();
    const tx = builder(ALICE).transfer(0, { to: addr(BOB), amount: 10_000_000_000n });
    const before = snapshot(c.store);
    expect(() => checkTx(c.store, tx, c.ctx)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_FUNDS' }),
    );
    expect(snapshot(c.store)).toBe(before);
    const r = c.step([tx]);
    expect(r.receipts[0]!.error?.code).toBe('INSUFFICIENT_FUNDS');
    expect(getAccount(c.store, addr(ALICE))).toEqual({ balance: 1_000_000_000n - 1000n, nonce: 1 });
    expect(getAccount(c.store, addr(BOB)).balance).toBe(1_000_000_000n);
  });
  it('malformed payloads and oversized transactions', () => {
    const c = new TestChain(testGenesis({ maxTxBytes: 700 }));
    expectRejected(c, builder(ALICE).transfer(0, { to: addr(BOB), amount: 0n }), 'MALFORMED');
    expectRejected(
      c,
      builder(HQ).registerFranchise(0, {
        ...franchise,
        tokenomics: { ...franchise.tokenomics, royaltyBps: 9_000, validatorRewardBps: 2_000 },
      }),
      'MALFORMED',
    );
    expectRejected(
      c,
      builder(STORE).anchorMedia(0, {
        franchiseId: 'HP-0001',
        cameraId: 'c',
        segments: [{ ...segment('x'), cid: segment('y').cid }],
      }),
      'MALFORMED',
    );
    const sales = Array.from({ length: 40 }, (_, i) => ({
      terminalId: 'pos-1',
      orderId: `order-${i}`,
      amountMinor: 100n,
      currency: 'CNY',
      timeMs: 1,
      customer: null,
    }));
    expect(() => builder(STORE).recordSales(0, { franchiseId: 'HP-0001', firstSeq: 1, sales })).not.toThrow();
    expectRejected(
      c,
      new TxBuilder({ chainId: 'hotpot-test', privateKey: STORE, fee: 1000n }).recordSales(0, {
        franchiseId: 'HP-0001',
        firstSeq: 1,
        sales,
      }),
      'TX_TOO_LARGE',
    );
  });
  it('unauthorized sales (not the store owner) and inactive franchise', () => {
    const c = chainWithFranchise();
    const sale = {
      terminalId: 't',
      orderId: 'o',
      amountMinor: 1n,
      currency: 'CNY',
      timeMs: 1,
      customer: null,
    };
    expect(() =>
      checkTx(
        c.store,
        builder(ALICE).recordSales(0, { franchiseId: 'HP-0001', firstSeq: 1, sales: [sale] }),
        c.ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() =>
      checkTx(
        c.store,
        builder(STORE).recordSales(0, {
          franchiseId: 'HP-0001',
          firstSeq: 1,
          sales: [{ ...sale, currency: 'USD' }],
        }),
        c.ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'CURRENCY_MISMATCH' }));
    c.step([builder(HQ).updateFranchise(1, { ...franchise, status: 'inactive' })]);
    expect(() =>
      checkTx(
        c.store,
        builder(STORE).recordSales(0, { franchiseId: 'HP-0001', firstSeq: 1, sales: [sale] }),
        c.ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'FRANCHISE_INACTIVE' }));
  });
  it('a block with a wrong state root or a forged lastCommit is refused', () => {
    const c = new TestChain();
    c.step([]);
    const { block } = c.make([builder(ALICE).transfer(0, { to: addr(BOB), amount: 1n })]);
    expect(() =>
      applyBlock(
        c.store,
        { ...block, header: { ...block.header, stateRoot: toHex(new Uint8Array(32)) } },
        c.ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_BLOCK' }));
    const commit = block.lastCommit!;
    const short = { ...commit, signatures: commit.signatures.slice(0, 2) };
    const forged = { ...block, lastCommit: short };
    expect(() => applyBlock(c.store, forged, c.ctx)).toThrow(expect.objectContaining({ code: 'BAD_BLOCK' }));
    // A header that commits to the short commit: the commit itself is refused (2 of 4 is not > 2/3).
    const draft = {
      header: { height: 2, round: 0, timeMs: block.header.timeMs, proposer: block.header.proposer },
      txs: [],
      lastCommit: short,
      evidence: [],
    };
    expect(() => buildBlock(c.store, draft, c.ctx)).toThrow(expect.objectContaining({ code: 'BAD_COMMIT' }));
    expect(getChainMeta(c.store).height).toBe(1);
  });
});

describe('mempool admission', () => {
  it("checkTx with a pending overlay accepts a sender's nonce sequence and counts its pending spends", () => {
    const c = new TestChain();
    const pending = new StateOverlay(c.store);
    const b = builder(CUSTOMER);
    c.step([builder(ALICE).transfer(0, { to: addr(CUSTOMER), amount: 5_000n })]);
    checkTx(c.store, b.transfer(0, { to: addr(BOB), amount: 1_000n }), c.ctx, { into: pending });
    checkTx(c.store, b.transfer(1, { to: addr(BOB), amount: 1_000n }), c.ctx, { into: pending });
    expect(() =>
      checkTx(c.store, b.transfer(1, { to: addr(BOB), amount: 1n }), c.ctx, { into: pending }),
    ).toThrow(expect.objectContaining({ code: 'BAD_NONCE' }));
    // 5,000 − 2 × (1,000 + fee 1,000) leaves 1,000: a third transfer of 1 cannot pay its fee too.
    expect(() =>
      checkTx(c.store, b.transfer(2, { to: addr(BOB), amount: 1n }), c.ctx, { into: pending }),
    ).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_FUNDS' }));
    expect(getAccount(pending, addr(CUSTOMER))).toEqual({ balance: 1_000n, nonce: 2 });
    expect(getAccount(c.store, addr(CUSTOMER))).toEqual({ balance: 5_000n, nonce: 0 });
  });
  it('executes the canonical form: a checksummed recipient credits the lowercase account', () => {
    const c = new TestChain();
    c.step([
      builder(ALICE).transfer(0, { to: toChecksumAddress(addr(CUSTOMER)) as `0x${string}`, amount: 7n }),
    ]);
    expect(getAccount(c.store, addr(CUSTOMER)).balance).toBe(7n);
  });
});

describe('state root', () => {
  it('the incremental tree equals a from-scratch root of the committed entries', () => {
    const c = chainWithFranchise();
    for (let i = 0; i < 5; i++)
      c.step([builder(ALICE).transfer(i, { to: addr(BOB), amount: BigInt(i + 1) })]);
    const entries = [...c.store.entries].filter(([k]) => k !== 'meta' && !k.startsWith('smt:')) as [
      StateKey,
      Uint8Array,
    ][];
    expect(treeRoot(c.store)).toBe(rootOfEntries(entries));
    expect(getChainMeta(c.store).stateRoot).toBe(treeRoot(c.store));
  });
});
