import { describe, expect, it } from 'vitest';
import { BoundedVerifiedCache } from '../../../main/chain/cache';
import { ChainError } from '../../../main/chain/errors';
import { applyGenesis, genesisConfig } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { MemoryStateStore } from '../../../main/chain/state/store';
import { getAccount } from '../../../main/chain/state/access';
import type { ApplyContext } from '../../../main/chain/state/apply-context';
import { buildBlock } from '../../../main/chain/state/apply-block';
import { encodeTx } from '../../../main/chain/tx/codec';
import { signTx } from '../../../main/chain/tx/signing';
import { TxBuilder } from '../../../main/chain/tx/builder';
import type { Address } from '../../../main/chain/types';
import { AppError } from '../../../main/common/errors';
import { NodeError } from '../../../main/node/errors';
import { Mempool } from '../../../main/node/mempool';
import { consensusHooks } from '../../../main/consensus/hooks';
import { OpenSslVerifier } from '../../../main/node/verifier';
import { testGenesis, testKeys } from './helpers';

const [hq, alice, bob, carol] = testKeys(4, 40) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const [bobAddr, carolAddr] = [privateKeyToAddress(bob), privateKeyToAddress(carol)];
const g = testGenesis([hq], { funded: [privateKeyToAddress(alice), bobAddr] });
const config = genesisConfig(g);
const fee = g.params.minTxFee;
const A = new TxBuilder({ chainId: g.chainId, privateKey: alice, fee });

function setup(opts: ConstructorParameters<typeof Mempool>[0] = {}) {
  const store = new MemoryStateStore();
  store.apply(applyGenesis(store, g).writes);
  const ctx: ApplyContext = {
    config,
    verify: { verifier: new OpenSslVerifier(), cache: new BoundedVerifiedCache() },
    hooks: consensusHooks(),
  };
  const pool = new Mempool(opts, { view: () => store, ctx: () => ctx, now: () => 1 });
  return { store, ctx, pool };
}

/** Snapshot of everything a refusal must leave alone. */
function snapshot(pool: Mempool, who: Address[]) {
  return {
    size: pool.size,
    bytes: pool.bytes,
    nonces: who.map((a) => pool.nextNonce(a)),
    reaped: pool.reap(1e6, 1e9).map((e) => e.hash),
  };
}

function expectRefused(
  pool: Mempool,
  bytes: Uint8Array,
  code: string,
  kind: typeof ChainError | typeof NodeError,
) {
  const before = snapshot(pool, [privateKeyToAddress(alice), bobAddr]);
  let err: unknown;
  try {
    pool.add(bytes);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(kind);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message.length).toBeGreaterThan(20);
  expect(snapshot(pool, [privateKeyToAddress(alice), bobAddr])).toEqual(before);
}

describe('Mempool admission', () => {
  it('admits valid transactions in nonce order and hands them out oldest first', () => {
    const { pool } = setup();
    const t0 = pool.add(encodeTx(A.transfer(0, { to: bobAddr, amount: 10n })));
    const t1 = pool.add(encodeTx(A.transfer(1, { to: bobAddr, amount: 10n })));
    const b0 = pool.add(
      encodeTx(
        new TxBuilder({ chainId: g.chainId, privateKey: bob, fee }).transfer(0, {
          to: carolAddr,
          amount: 3n,
        }),
      ),
    );
    expect(pool.size).toBe(3);
    expect(pool.nextNonce(privateKeyToAddress(alice))).toBe(2);
    expect(pool.reap(10, 1e6).map((e) => e.hash)).toEqual([t0.hash, t1.hash, b0.hash]);
    expect(pool.reap(2, 1e6)).toHaveLength(2);
  });

  it('refuses every bad transaction with a typed error and changes nothing', () => {
    const { pool } = setup();
    pool.add(encodeTx(A.transfer(0, { to: bobAddr, amount: 10n })));
    const good = encodeTx(A.transfer(1, { to: bobAddr, amount: 10n }));
    // Malformed and oversized bytes.
    expectRefused(pool, good.subarray(0, good.length - 3), 'MALFORMED', ChainError);
    expectRefused(pool, new Uint8Array([0x01, 0x09, 0x00]), 'UNSUPPORTED_VERSION', ChainError);
    expectRefused(pool, new Uint8Array(g.params.maxTxBytes + 1), 'TX_TOO_LARGE', ChainError);
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expectRefused(pool, trailing, 'NON_CANONICAL', ChainError);
    // A flipped signature byte.
    const badSig = good.slice();
    badSig[badSig.length - 5] = (badSig[badSig.length - 5] as number) ^ 0x01;
    expectRefused(pool, badSig, 'BAD_SIGNATURE', ChainError);
    // Another chain, a low fee, a replayed nonce, a gap, a taken nonce.
    expectRefused(
      pool,
      encodeTx(
        new TxBuilder({ chainId: 'hotpot-other', privateKey: alice, fee }).transfer(1, {
          to: bobAddr,
          amount: 1n,
        }),
      ),
      'WRONG_CHAIN',
      ChainError,
    );
    expectRefused(
      pool,
      encodeTx(
        new TxBuilder({ chainId: g.chainId, privateKey: alice, fee: fee - 1n }).transfer(1, {
          to: bobAddr,
          amount: 1n,
        }),
      ),
      'FEE_TOO_LOW',
      ChainError,
    );
    expectRefused(pool, encodeTx(A.transfer(0, { to: bobAddr, amount: 11n })), 'NONCE_TAKEN', NodeError);
    expectRefused(pool, encodeTx(A.transfer(5, { to: bobAddr, amount: 1n })), 'NONCE_GAP', NodeError);
    expectRefused(pool, encodeTx(A.transfer(0, { to: bobAddr, amount: 10n })), 'DUPLICATE_TX', NodeError);
    // Unauthorized franchise change: only HQ may register franchises.
    const franchise = {
      id: 'moscow-1',
      owner: bobAddr,
      status: 'active' as const,
      city: 'Moscow',
      region: 'ru',
      tokenomics: { currency: 'RUB', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
    };
    expectRefused(pool, encodeTx(A.registerFranchise(1, franchise)), 'UNAUTHORIZED', ChainError);
    // More than the balance (counting the pending transfer).
    expectRefused(
      pool,
      encodeTx(A.transfer(1, { to: bobAddr, amount: 10n ** 15n })),
      'INSUFFICIENT_FUNDS',
      ChainError,
    );
    // A payload that fails against the state: sales for a franchise that does not exist.
    expectRefused(
      pool,
      encodeTx(
        A.recordSales(1, {
          franchiseId: 'nowhere',
          firstSeq: 1,
          sales: [
            {
              terminalId: 't1',
              orderId: 'o1',
              amountMinor: 100n,
              currency: 'RUB',
              timeMs: 1,
              customer: null,
            },
          ],
        }),
      ),
      'UNKNOWN_FRANCHISE',
      ChainError,
    );
    // A sender without funds for the fee.
    expectRefused(
      pool,
      encodeTx(
        signTx(
          { chainId: g.chainId, nonce: 0, fee, payload: { type: 'transfer', to: bobAddr, amount: 1n } },
          carol,
        ),
      ),
      'INSUFFICIENT_FUNDS',
      ChainError,
    );
    expect(pool.add(good).tx.nonce).toBe(1);
  });

  it('is bounded: evicts the cheapest tail, refuses what does not pay more when full, and limits each sender', () => {
    const { pool } = setup({ maxTxs: 2, maxPerSender: 2 });
    const cheap = pool.add(encodeTx(A.transfer(0, { to: bobAddr, amount: 1n })));
    const B = new TxBuilder({ chainId: g.chainId, privateKey: bob, fee });
    pool.add(encodeTx(B.transfer(0, { to: carolAddr, amount: 1n })));
    expectRefused(pool, encodeTx(A.transfer(1, { to: bobAddr, amount: 1n })), 'MEMPOOL_FULL', NodeError);
    const rich = new TxBuilder({ chainId: g.chainId, privateKey: alice, fee: fee * 10n });
    // Alice's own tail is never the victim for her own next nonce; Bob's cheaper tail goes.
    const paid = pool.add(encodeTx(rich.transfer(1, { to: bobAddr, amount: 1n })));
    expect(pool.size).toBe(2);
    expect(pool.reap(10, 1e6).map((e) => e.hash)).toEqual([cheap.hash, paid.hash]);
    expectRefused(pool, encodeTx(rich.transfer(2, { to: bobAddr, amount: 1n })), 'SENDER_LIMIT', NodeError);
  });

  it('re-checks after a block: drops what was included and what no longer fits the state', () => {
    const { store, ctx, pool } = setup();
    const B = new TxBuilder({ chainId: g.chainId, privateKey: bob, fee });
    const a0 = A.transfer(0, { to: bobAddr, amount: 1n });
    pool.add(encodeTx(a0));
    const a1 = pool.add(encodeTx(A.transfer(1, { to: bobAddr, amount: 1n })));
    const b0 = pool.add(encodeTx(B.transfer(0, { to: carolAddr, amount: 1n })));
    // A block made elsewhere includes a0 and a different tx of Bob with nonce 0: Bob's pending b0 is now stale.
    const other = B.transfer(0, { to: carolAddr, amount: 2n });
    const { result } = buildBlock(
      store,
      {
        header: { height: 1, round: 0, timeMs: g.genesisTimeMs + 1, proposer: privateKeyToAddress(hq) },
        txs: [a0, other],
        lastCommit: null,
        evidence: [],
      },
      ctx,
    );
    store.apply(result.writes);
    const dropped = pool.update([
      { hash: result.receipts[0]!.txHash, sender: a0.sender },
      { hash: result.receipts[1]!.txHash, sender: other.sender },
    ]);
    expect(dropped).toEqual([b0.hash]);
    expect(pool.reap(10, 1e6).map((e) => e.hash)).toEqual([a1.hash]);
    expect(pool.nextNonce(bobAddr)).toBe(getAccount(store, bobAddr).nonce);
  });

  it("removing a transaction removes its sender's later ones", () => {
    const { pool } = setup();
    const t0 = pool.add(encodeTx(A.transfer(0, { to: bobAddr, amount: 1n })));
    pool.add(encodeTx(A.transfer(1, { to: bobAddr, amount: 1n })));
    pool.remove(t0.hash);
    expect(pool.size).toBe(0);
    expect(pool.nextNonce(privateKeyToAddress(alice))).toBe(0);
  });
});
