// The franchise registry's read model in a real ledger.db: blocks applied in order give each store's
// record and its sales totals (royalty by the tokenomics in force at each sale), failed transactions
// count for nothing, an index behind the chain waits, and catching up from the stored transactions
// gives the same rows as following the blocks.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { DEFAULT_PARAMS } from '../../../main/chain/params';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { encodeTx, txHash } from '../../../main/chain/tx/codec';
import type { Franchise, Sale, Tx } from '../../../main/chain/tx/types';
import { LedgerStore } from '../../../main/node/ledger-store';
import { tempDir } from '../../helpers/tmp';
import { testKeys } from './helpers';

const [hqKey, storeKey] = testKeys(2, 900) as [Uint8Array, Uint8Array];
const hq = new TxBuilder({ chainId: 'hotpot-test', privateKey: hqKey, fee: 1n });
const till = new TxBuilder({ chainId: 'hotpot-test', privateKey: storeKey, fee: 1n });
const owner = privateKeyToAddress(storeKey);

const store = (id: string, royaltyBps: number): Franchise => ({
  id,
  owner,
  status: 'active',
  city: 'Москва',
  region: 'RU-MOW',
  tokenomics: { currency: 'RUB', tokensPerMinorUnit: 3n, royaltyBps, validatorRewardBps: 100 },
});
const sale = (orderId: string, amountMinor: bigint): Sale => ({
  terminalId: 't1',
  orderId,
  amountMinor,
  currency: 'RUB',
  timeMs: 1_700_000_000_000,
  customer: null,
});

/** The blocks of the story: [height, txs, which of them the chain ran ok]. */
function story(): Array<[number, Tx[], boolean[]]> {
  return [
    [
      1,
      [hq.registerFranchise(0, store('b-store', 500)), hq.registerFranchise(1, store('a-store', 1000))],
      [true, true],
    ],
    [
      2,
      [
        till.recordSales(0, {
          franchiseId: 'a-store',
          firstSeq: 1,
          sales: [sale('1', 1_001n), sale('2', 2_000n)],
        }),
      ],
      [true],
    ],
    // A failed transaction (the chain refused its payload) changes nothing.
    [3, [till.recordSales(1, { franchiseId: 'a-store', firstSeq: 3, sales: [sale('3', 99_999n)] })], [false]],
    // The royalty rate changes: later sales mint by the new one, earlier ones keep theirs.
    [
      4,
      [
        hq.updateFranchise(2, { ...store('a-store', 2000), status: 'suspended', city: 'Казань' }),
        till.recordSales(2, { franchiseId: 'a-store', firstSeq: 3, sales: [sale('4', 10n)] }),
      ],
      [true, true],
    ],
  ];
}

const dirs: Array<{ cleanup: () => void }> = [];
const open: LedgerStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

function freshStore(): LedgerStore {
  const d = tempDir('hotpot-franchise-index-');
  dirs.push(d);
  const s = LedgerStore.open(join(d.path, 'ledger.db'));
  open.push(s);
  return s;
}

describe('the franchise index (read model of the registry)', () => {
  it('follows blocks: records, sales totals, royalty by the tokenomics in force, failed txs ignored', () => {
    const s = freshStore();
    const index = s.franchises;
    index.startAtGenesis();
    for (const [height, txs, ok] of story()) expect(index.applyBlock(height, txs, (i) => ok[i]!)).toBe(true);
    expect(index.height()).toBe(4);
    const a = index.get('a-store')!;
    expect(a.franchise).toMatchObject({ status: 'suspended', city: 'Казань', owner });
    expect(a.franchise.tokenomics.royaltyBps).toBe(2000);
    expect([a.registeredHeight, a.updatedHeight]).toEqual([1, 4]);
    // 1001 and 2000 at 10% of 3 tokens per kopeck, rounded down per sale; then 10 at 20%.
    const royalty =
      (1_001n * 3n * 1000n) / 10_000n + (2_000n * 3n * 1000n) / 10_000n + (10n * 3n * 2000n) / 10_000n;
    expect(a.sales).toEqual({ orders: 3, amountMinor: 3_011n, royaltyMinted: royalty, lastSaleHeight: 4 });
    expect(index.get('b-store')!.sales).toEqual({
      orders: 0,
      amountMinor: 0n,
      royaltyMinted: 0n,
      lastSaleHeight: null,
    });
    expect(index.get('nobody')).toBeNull();
    expect(index.list({ limit: 10 }).map((f) => f.franchise.id)).toEqual(['a-store', 'b-store']);
    expect(index.list({ limit: 1 }).map((f) => f.franchise.id)).toEqual(['a-store']);
    expect(index.list({ limit: 10, after: 'a-store' }).map((f) => f.franchise.id)).toEqual(['b-store']);
    expect(index.list({ limit: 10, status: 'suspended' }).map((f) => f.franchise.id)).toEqual(['a-store']);
    expect(index.list({ limit: 10, status: 'inactive' })).toEqual([]);
  });

  it('an index behind the chain waits for catch-up, which rebuilds the same rows from the stored txs', () => {
    const followed = freshStore();
    followed.franchises.startAtGenesis();
    const rebuilt = freshStore(); // a ledger from before the index: no head row yet
    expect(rebuilt.franchises.height()).toBeNull();
    const putTx = rebuilt.db.prepare(
      'INSERT INTO txs (hash, height, idx, sender, type, ok, error_code, error_message, minted, tx) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)',
    );
    for (const [height, txs, ok] of story()) {
      followed.franchises.applyBlock(height, txs, (i) => ok[i]!);
      // Not current, so the block is left for catch-up.
      expect(rebuilt.franchises.applyBlock(height, txs, (i) => ok[i]!)).toBe(false);
      txs.forEach((tx, i) =>
        putTx.run(txHash(tx), height, i, tx.sender, tx.payload.type, ok[i] ? 1 : 0, '0', encodeTx(tx)),
      );
    }
    expect(rebuilt.franchises.catchUp(4, DEFAULT_PARAMS)).toBe(5);
    expect(rebuilt.franchises.height()).toBe(4);
    expect(rebuilt.franchises.list({ limit: 10 })).toEqual(followed.franchises.list({ limit: 10 }));
    // Current: nothing more to do, and the next block is followed again.
    expect(rebuilt.franchises.catchUp(4, DEFAULT_PARAMS)).toBe(0);
    const next = till.recordSales(3, { franchiseId: 'b-store', firstSeq: 1, sales: [sale('5', 100n)] });
    expect(rebuilt.franchises.applyBlock(5, [next], () => true)).toBe(true);
    expect(rebuilt.franchises.get('b-store')!.sales).toMatchObject({ orders: 1, amountMinor: 100n });
  });
});
