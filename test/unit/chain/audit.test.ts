// The anchor-audit rule: only an active franchise's owner anchors its audit-log head, each above the
// last; refused anchors (by the mempool or inside a block) leave the stored anchor as it was.
import { describe, expect, it } from 'vitest';
import {
  type Franchise,
  type Hash,
  type MemoryStateStore,
  type Tx,
  TxBuilder,
  checkTx,
  checkTxStateless,
  getAccount,
  getAuditAnchor,
  privateKeyToAddress,
  toHex,
} from '../../../main/chain';
import { ALICE, HQ, STORE, TestChain } from './fixture';

const addr = privateKeyToAddress;
const builder = (k: Uint8Array): TxBuilder =>
  new TxBuilder({ chainId: 'hotpot-test', privateKey: k, fee: 1000n });
const hashOf = (n: number): Hash => toHex(new Uint8Array(32).fill(n));
const franchise: Franchise = {
  id: 'HP-0001',
  owner: addr(STORE),
  status: 'active',
  city: 'Chengdu',
  region: 'asia',
  tokenomics: { currency: 'CNY', tokensPerMinorUnit: 10n, royaltyBps: 500, validatorRewardBps: 200 },
};
const snapshot = (s: MemoryStateStore): string =>
  JSON.stringify([...s.entries].map(([k, v]) => [k, toHex(v)]));

function chainWithFranchise(): TestChain {
  const c = new TestChain();
  expect(c.step([builder(HQ).registerFranchise(0, franchise)]).receipts[0]!.ok).toBe(true);
  return c;
}

/** Refused at admission with `code` and nothing stored changes; in a block, only fee and nonce move. */
function expectRefused(c: TestChain, tx: Tx, code: string): void {
  const before = snapshot(c.store);
  expect(() => checkTx(c.store, tx, c.ctx)).toThrow(expect.objectContaining({ code }));
  expect(snapshot(c.store)).toBe(before);
  const anchor = getAuditAnchor(c.store, 'HP-0001');
  const account = getAccount(c.store, tx.sender);
  const r = c.step([tx]);
  expect(r.receipts[0]).toMatchObject({ ok: false, error: { code } });
  expect(getAuditAnchor(c.store, 'HP-0001')).toEqual(anchor);
  expect(getAccount(c.store, tx.sender)).toEqual({
    balance: account.balance - 1000n,
    nonce: account.nonce + 1,
  });
}

describe('anchor-audit', () => {
  it('stores the franchise owner’s head with the block’s height and time', () => {
    const c = chainWithFranchise();
    expect(getAuditAnchor(c.store, 'HP-0001')).toBeNull();
    const { block, result } = c.make([
      builder(STORE).anchorAudit(0, { franchiseId: 'HP-0001', seq: 5, hash: hashOf(5) }),
    ]);
    c.commit(block);
    expect(result.receipts[0]).toMatchObject({ ok: true });
    expect(getAuditAnchor(c.store, 'HP-0001')).toEqual({
      seq: 5,
      hash: hashOf(5),
      height: block.header.height,
      timeMs: block.header.timeMs,
    });
    c.step([builder(STORE).anchorAudit(1, { franchiseId: 'HP-0001', seq: 9, hash: hashOf(9) })]);
    expect(getAuditAnchor(c.store, 'HP-0001')).toMatchObject({ seq: 9, hash: hashOf(9), height: 3 });
  });

  it('refuses a head at or below the last anchored one (a rolled-back log cannot be re-anchored)', () => {
    const c = chainWithFranchise();
    c.step([builder(STORE).anchorAudit(0, { franchiseId: 'HP-0001', seq: 7, hash: hashOf(7) })]);
    expectRefused(
      c,
      builder(STORE).anchorAudit(1, { franchiseId: 'HP-0001', seq: 7, hash: hashOf(1) }),
      'STALE_AUDIT_ANCHOR',
    );
    expectRefused(
      c,
      builder(STORE).anchorAudit(2, { franchiseId: 'HP-0001', seq: 3, hash: hashOf(3) }),
      'STALE_AUDIT_ANCHOR',
    );
    expect(getAuditAnchor(c.store, 'HP-0001')).toMatchObject({ seq: 7, hash: hashOf(7) });
  });

  it('only the owner of a registered, active franchise may anchor', () => {
    const c = chainWithFranchise();
    expectRefused(
      c,
      builder(ALICE).anchorAudit(0, { franchiseId: 'HP-0001', seq: 1, hash: hashOf(1) }),
      'UNAUTHORIZED',
    );
    expectRefused(
      c,
      builder(STORE).anchorAudit(0, { franchiseId: 'HP-0002', seq: 1, hash: hashOf(1) }),
      'UNKNOWN_FRANCHISE',
    );
    c.step([builder(HQ).updateFranchise(1, { ...franchise, status: 'suspended' })]);
    expectRefused(
      c,
      builder(STORE).anchorAudit(1, { franchiseId: 'HP-0001', seq: 1, hash: hashOf(1) }),
      'FRANCHISE_INACTIVE',
    );
    expect(getAuditAnchor(c.store, 'HP-0001')).toBeNull();
  });

  it('bad fields are MALFORMED before any state is read', () => {
    const c = chainWithFranchise();
    const bad: Array<[string, { franchiseId: string; seq: number; hash: Hash }]> = [
      ['franchise id', { franchiseId: 'has space', seq: 1, hash: hashOf(1) }],
      ['franchise id', { franchiseId: 'x'.repeat(65), seq: 1, hash: hashOf(1) }],
      ['seq', { franchiseId: 'HP-0001', seq: 0, hash: hashOf(1) }],
      ['seq', { franchiseId: 'HP-0001', seq: 1.5, hash: hashOf(1) }],
      ['hash', { franchiseId: 'HP-0001', seq: 1, hash: '0x1234' }],
    ];
    for (const [what, p] of bad) {
      // The builder's encoder refuses some outright (a string too long, a non-integer, short hex).
      let tx: Tx;
      try {
        tx = builder(STORE).anchorAudit(0, p);
      } catch (err) {
        expect(err, what).toMatchObject({ code: 'MALFORMED' });
        continue;
      }
      expect(() => checkTxStateless(tx, c.config), what).toThrow(
        expect.objectContaining({ code: 'MALFORMED' }),
      );
      const before = snapshot(c.store);
      expect(() => checkTx(c.store, tx, c.ctx), what).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
      expect(() => c.make([tx]), what).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
      expect(snapshot(c.store)).toBe(before);
    }
    // Upper-case hex is not the canonical form: refused as an object; what is encoded and run is lower case.
    const upper = builder(STORE).anchorAudit(0, {
      franchiseId: 'HP-0001',
      seq: 1,
      hash: `0x${'AB'.repeat(32)}`,
    });
    expect(() => checkTxStateless(upper, c.config)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});
