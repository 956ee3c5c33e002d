import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyGenesis } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { treeRoot } from '../../../main/chain/smt';
import { getAccount } from '../../../main/chain/state/access';
import type { Hash } from '../../../main/chain/types';
import { LedgerStore } from '../../../main/node/ledger-store';
import { tempDir } from '../../helpers/tmp';
import { testGenesis, testKeys } from './helpers';

const [key] = testKeys(1, 700) as [Uint8Array];
const me = privateKeyToAddress(key);
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function genesisStore(): LedgerStore {
  const dir = tempDir('hotpot-history-');
  const store = LedgerStore.open(join(dir.path, 'ledger.db'));
  cleanups.push(() => {
    store.close();
    dir.cleanup();
  });
  const g = testGenesis([key]);
  const r = applyGenesis(store, g);
  store.initGenesis(g, r.genesisHash, r.writes);
  return store;
}

describe('the ledger history of snapshot sync', () => {
  it('holds every block from 1 unless it joined from a snapshot', () => {
    expect(genesisStore().history.historyFrom()).toBe(1);
  });

  it('rolls a restore back entirely: the genesis state, its root and its cache are as before', () => {
    const store = genesisStore();
    const root = treeRoot(store);
    const balance = getAccount(store, me).balance;
    const r = store.history.beginRestore();
    r.sink.set('supply', new Uint8Array([1, 2, 3]));
    // Reads meanwhile see the restore in progress, and must not keep it in the cache.
    expect(getAccount(store, me).balance).toBe(0n);
    r.abort();
    expect(treeRoot(store)).toBe(root);
    expect(getAccount(store, me).balance).toBe(balance);
    expect(store.chainMeta().height).toBe(0);
    // Nothing half-written stays: a new restore starts from the genesis again.
    expect(() => store.history.beginRestore().abort()).not.toThrow();
  });

  it('refuses back-filled blocks that do not adjoin the held history', () => {
    const store = genesisStore();
    const block = {
      height: 5,
      hash: `0x${'01'.repeat(32)}` as Hash,
      timeMs: 1,
      proposer: me,
      stateRoot: `0x${'02'.repeat(32)}` as Hash,
      headerBytes: new Uint8Array([1]),
      blockBytes: new Uint8Array([2]),
      commitBytes: new Uint8Array([3]),
      txs: [],
      txBytes: [],
      txHashes: [],
    };
    // historyFrom is 1 on a full ledger: nothing fits below it.
    expect(() => store.history.storeBackfilled([block])).toThrow(/right below/);
    expect(store.blockAt(5)).toBeNull();
  });
});
