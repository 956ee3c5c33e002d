import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Franchise,
  type Tx,
  TxBuilder,
  type StateKey,
  checkTx,
  getAccount,
  getSupply,
  listValidators,
  privateKeyToAddress,
  rootOfEntries,
  treeRoot,
  updateTree,
  MemoryStateStore,
} from '../../../main/chain';
import { ALICE, BOB, CUSTOMER, HQ, STORE, TestChain, testGenesis } from './fixture';
import { unbondingTotal } from '../../../main/chain/state/rules/unbonding';

const addr = privateKeyToAddress;
const franchise: Franchise = {
  id: 'HP-7',
  owner: addr(STORE),
  status: 'active',
  city: 'Xi’an',
  region: 'asia',
  tokenomics: { currency: 'CNY', tokensPerMinorUnit: 3n, royaltyBps: 700, validatorRewardBps: 300 },
};

type Op =
  | { kind: 'transfer'; from: number; to: number; amount: bigint }
  | { kind: 'stake'; from: number; amount: bigint }
  | { kind: 'unstake'; from: number; amount: bigint }
  | { kind: 'sale'; amount: bigint; customer: boolean; order: number };

const users = [ALICE, BOB, CUSTOMER];
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.nat(2),
    to: fc.nat(2),
    amount: fc.bigInt({ min: 1n, max: 2_000_000_000n }),
  }),
  fc.record({
    kind: fc.constant('stake' as const),
    from: fc.nat(2),
    amount: fc.bigInt({ min: 1n, max: 2_000_000n }),
  }),
  fc.record({
    kind: fc.constant('unstake' as const),
    from: fc.nat(2),
    amount: fc.bigInt({ min: 1n, max: 2_000_000n }),
  }),
  fc.record({
    kind: fc.constant('sale' as const),
    amount: fc.bigInt({ min: 1n, max: 1_000_000n }),
    customer: fc.boolean(),
    order: fc.nat(20),
  }),
);

describe('supply invariant (property)', () => {
  it('supply = Σ balances + Σ stakes + Σ unbonding, and it changes only by minting and slashing', () => {
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), (blocks) => {
        // Unbonding completes two blocks after an unstake, inside the run.
        const c = new TestChain(testGenesis({ unbondingBlocks: 2 }));
        c.step([
          new TxBuilder({ chainId: 'hotpot-test', privateKey: HQ, fee: 1000n }).registerFranchise(
            0,
            franchise,
          ),
        ]);
        const nonces = new Map<string, number>();
        const next = (k: Uint8Array): number => {
          const a = addr(k);
          const n = nonces.get(a) ?? getAccount(c.store, a).nonce;
          nonces.set(a, n + 1);
          return n;
        };
        const holders = () => [HQ, ALICE, BOB, STORE, CUSTOMER].map(addr);
        const total = (): bigint => {
          const balances = [...c.store.entries.keys()]
            .filter((k) => k.startsWith('acct:'))
            .reduce((s, k) => s + getAccount(c.store, k.slice(5) as `0x${string}`).balance, 0n);
          const unbonding = [...c.store.entries.keys()]
            .filter((k) => k.startsWith('ubd:'))
            .reduce((s, k) => s + unbondingTotal(c.store, k.slice(4) as `0x${string}`), 0n);
          return balances + unbonding + listValidators(c.store).reduce((s, v) => s + v.stake, 0n);
        };
        expect(total()).toBe(getSupply(c.store));
        for (const ops of blocks) {
          const txs: Tx[] = [];
          for (const o of ops) {
            const from = o.kind === 'sale' ? STORE : (users[o.from] as Uint8Array);
            // Give CUSTOMER something to pay fees with, through a transfer from Alice first.
            if (getAccount(c.store, addr(from)).balance < 10_000n && from !== ALICE) continue;
            const b = new TxBuilder({ chainId: 'hotpot-test', privateKey: from, fee: 1000n });
            const t =
              o.kind === 'transfer'
                ? b.transfer(next(from), { to: addr(users[o.to] as Uint8Array), amount: o.amount })
                : o.kind === 'stake'
                  ? b.stake(next(from), { amount: o.amount, region: 'eu' })
                  : o.kind === 'unstake'
                    ? b.unstake(next(from), { amount: o.amount })
                    : b.recordSales(next(from), {
                        franchiseId: 'HP-7',
                        // Some numbers repeat or skip: refused batches must keep the supply whole too.
                        firstSeq: o.order + 1,
                        sales: [
                          {
                            terminalId: 'p',
                            orderId: `o${o.order}`,
                            amountMinor: o.amount,
                            currency: 'CNY',
                            timeMs: 1,
                            customer: o.customer ? addr(CUSTOMER) : null,
                          },
                        ],
                      });
            txs.push(t);
          }
          const supplyBefore = getSupply(c.store);
          const r = c.step(txs);
          expect(getSupply(c.store)).toBe(supplyBefore + r.minted - r.burned);
          expect(r.minted).toBe(r.receipts.reduce((s, x) => s + x.minted, 0n));
          expect(total()).toBe(getSupply(c.store));
          expect(holders().length).toBe(5);
        }
      }),
      { numRuns: 15 },
    );
  });
  it('a tx that the mempool accepts is applied without a failure receipt', () => {
    const c = new TestChain();
    const t = new TxBuilder({ chainId: 'hotpot-test', privateKey: ALICE, fee: 1000n }).transfer(0, {
      to: addr(BOB),
      amount: 10n,
    });
    checkTx(c.store, t, c.ctx);
    expect(c.step([t]).receipts[0]!.ok).toBe(true);
  });
});

describe('state tree (property)', () => {
  it('any sequence of batched writes and deletes gives the root of the final entries', () => {
    const keyArb = fc
      .integer({ min: 0, max: 60 })
      .map((i) => `acct:0x${i.toString(16).padStart(40, '0')}` as StateKey);
    const batch = fc.array(
      fc.tuple(keyArb, fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: null })),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 6 }), (batches) => {
        const store = new MemoryStateStore();
        const model = new Map<StateKey, Uint8Array>();
        for (const b of batches) {
          const last = new Map(b);
          for (const [k, v] of last) {
            if (v === null) model.delete(k);
            else model.set(k, v);
            store.set(k, v);
          }
          const root = updateTree(store, last);
          expect(root).toBe(rootOfEntries(model));
          expect(treeRoot(store)).toBe(root);
        }
        // No stale nodes: a fresh tree of the same entries stores the same number of nodes.
        const fresh = new MemoryStateStore();
        updateTree(fresh, model);
        const count = (s: MemoryStateStore): number =>
          [...s.entries.keys()].filter((k) => k.startsWith('smt:')).length;
        expect(count(store)).toBe(count(fresh));
      }),
      { numRuns: 200 },
    );
  });

  it('reads leaves stored without their hash (the format before it was kept) and gives the same roots', () => {
    const entries = new Map<StateKey, Uint8Array>();
    for (let i = 0; i < 40; i++)
      entries.set(`acct:0x${i.toString(16).padStart(40, '0')}` as StateKey, Uint8Array.of(i, 1, 2));
    const store = new MemoryStateStore();
    updateTree(store, entries);
    // Rewrite every leaf record in the old 65-byte form (0x00 ‖ keyHash ‖ valueHash).
    let legacy = 0;
    for (const [k, v] of store.entries) {
      if (k.startsWith('smt:') && v[0] === 0) {
        expect(v.length).toBe(97);
        store.entries.set(k, v.slice(0, 65));
        legacy++;
      }
    }
    expect(legacy).toBeGreaterThan(0);
    expect(treeRoot(store)).toBe(rootOfEntries(entries));
    const change = new Map<StateKey, Uint8Array | null>([
      [`acct:0x${(3).toString(16).padStart(40, '0')}` as StateKey, Uint8Array.of(9)],
      [`acct:0x${(7).toString(16).padStart(40, '0')}` as StateKey, null],
    ]);
    for (const [k, v] of change) {
      if (v === null) entries.delete(k);
      else entries.set(k, v);
    }
    expect(updateTree(store, change)).toBe(rootOfEntries(entries));
  });
});
