import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { encodeBlock, encodeCommit, makeCommit } from '../../../main/chain/block';
import { applyGenesis } from '../../../main/chain/genesis';
import type { WriteSet, StateKey } from '../../../main/chain/state/store';
import { getAccount, getChainMeta } from '../../../main/chain/state/access';
import { buildBlock } from '../../../main/chain/state/apply-block';
import { encodeTx, txHashOfBytes } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { signVote } from '../../../main/chain/vote';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { LedgerStore } from '../../../main/node/ledger-store';
import { NodeError } from '../../../main/node/errors';
import { consensusHooks } from '../../../main/consensus/hooks';
import { tempDir } from '../../helpers/tmp';
import { testGenesis, testKeys } from './helpers';

const [key] = testKeys(1) as [Uint8Array];
const other = privateKeyToAddress(testKeys(1, 99)[0] as Uint8Array);
const g = testGenesis([key]);
const ctx = {
  config: {
    chainId: g.chainId,
    hqAuthority: g.hqAuthority,
    complianceAuthority: g.complianceAuthority,
    params: g.params,
  },
  hooks: consensusHooks(),
};
const builder = new TxBuilder({ chainId: g.chainId, privateKey: key, fee: g.params.minTxFee });

let dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function openFresh(opts: { cacheEntries?: number } = {}): { store: LedgerStore; file: string } {
  const d = tempDir('hotpot-ledger-');
  dirs.push(d);
  const file = join(d.path, 'ledger.db');
  const store = LedgerStore.open(file, opts);
  const r = applyGenesis(store, g);
  store.initGenesis(g, r.genesisHash, r.writes);
  return { store, file };
}

/** Builds and commits the next block with `txs` (a 1-validator chain: its own precommit is the commit). */
function commitNext(
  store: LedgerStore,
  txs: ReturnType<TxBuilder['transfer']>[],
  lastCommit: ReturnType<typeof makeCommit> | null,
) {
  const meta = store.chainMeta();
  const height = meta.height + 1;
  const { block, result } = buildBlock(
    store,
    {
      header: { height, round: 0, timeMs: meta.lastTimeMs + 1000, proposer: privateKeyToAddress(key) },
      txs,
      lastCommit,
      evidence: [],
    },
    ctx,
  );
  const commit = makeCommit([
    signVote(g.chainId, { type: 'precommit', height, round: 0, blockHash: result.blockHash }, key),
  ]);
  const txBytes = txs.map((t) => encodeTx(t));
  store.commitBlock({
    height,
    hash: result.blockHash,
    timeMs: block.header.timeMs,
    proposer: block.header.proposer,
    stateRoot: result.stateRoot,
    blockBytes: encodeBlock(block),
    commitBytes: encodeCommit(commit),
    txs,
    txBytes,
    result,
  });
  return { block, result, commit, txHashes: txBytes.map(txHashOfBytes) };
}

describe('LedgerStore', () => {
  it('keeps its state cache within its limit, dropping the oldest entries, and reads the same state as a large cache', () => {
    const small = openFresh({ cacheEntries: 40 }).store;
    const large = openFresh().store;
    let lastSmall: ReturnType<typeof makeCommit> | null = null;
    let lastLarge: ReturnType<typeof makeCommit> | null = null;
    const receivers = Array.from(
      { length: 60 },
      (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}` as typeof other,
    );
    for (let b = 0; b < 6; b++) {
      const txs = receivers
        .slice(b * 10, b * 10 + 10)
        .map((to, i) => builder.transfer(b * 10 + i, { to, amount: 1n + BigInt(b) }));
      const s = commitNext(small, txs, lastSmall);
      const l = commitNext(large, txs, lastLarge);
      expect(s.result.stateRoot).toBe(l.result.stateRoot);
      lastSmall = s.commit;
      lastLarge = l.commit;
      const size = (small as unknown as { cache: Map<string, unknown> }).cache.size;
      expect(size).toBeLessThanOrEqual(40);
    }
    expect((large as unknown as { cache: Map<string, unknown> }).cache.size).toBeGreaterThan(100);
    for (const to of receivers) expect(getAccount(small, to)).toEqual(getAccount(large, to));
  });

  it('stores blocks with their state, and finds them by height, hash, tx hash and address', () => {
    const { store } = openFresh();
    const b1 = commitNext(
      store,
      [builder.transfer(0, { to: other, amount: 5n }), builder.transfer(1, { to: other, amount: 7n })],
      null,
    );
    const b2 = commitNext(store, [builder.transfer(2, { to: other, amount: 1n })], b1.commit);
    expect(store.chainMeta().height).toBe(2);
    expect(getAccount(store, other).balance).toBe(13n);
    expect(store.blockAt(1)?.hash).toBe(b1.result.blockHash);
    expect(store.blockByHash(b2.result.blockHash)?.height).toBe(2);
    expect(store.blockByHash(b2.result.blockHash.toUpperCase().replace('0X', '0x'))?.height).toBe(2);
    const t = store.txByHash(b1.txHashes[1] as string);
    expect(t).toMatchObject({ height: 1, index: 1, ok: true, type: 'transfer' });
    expect(store.txsOfAddress(other, 10).map((x) => [x.height, x.index])).toEqual([
      [2, 0],
      [1, 1],
      [1, 0],
    ]);
    expect(store.txsOfAddress(other, 10, { height: 1, index: 1 }).map((x) => x.index)).toEqual([0]);
    expect(store.txsOfBlock(1)).toHaveLength(2);
    expect(store.recentBlocks(3, 10).map((b) => b.height)).toEqual([2, 1]);
    expect(store.blocksFrom(2, 5).map((b) => b.height)).toEqual([2]);
    expect(store.blockAt(3)).toBeNull();
    expect(store.txByHash(`0x${'ab'.repeat(32)}`)).toBeNull();
    store.close();
  });

  it('resumes at the last committed height after a restart, with the same state root', () => {
    const { store, file } = openFresh();
    const b1 = commitNext(store, [builder.transfer(0, { to: other, amount: 5n })], null);
    commitNext(store, [], b1.commit);
    const before = store.chainMeta();
    store.close();
    const again = LedgerStore.open(file);
    expect(again.chainMeta()).toEqual(before);
    expect(again.chainInfo().chainId).toBe(g.chainId);
    expect(getAccount(again, other).balance).toBe(5n);
    again.close();
  });

  it('commits a block and its write-set atomically: a failing write leaves nothing of the block', () => {
    const { store, file } = openFresh();
    const b1 = commitNext(store, [builder.transfer(0, { to: other, amount: 5n })], null);
    const metaBefore = store.chainMeta();
    const meta = store.chainMeta();
    const { block, result } = buildBlock(
      store,
      {
        header: { height: 2, round: 0, timeMs: meta.lastTimeMs + 1000, proposer: privateKeyToAddress(key) },
        txs: [builder.transfer(1, { to: other, amount: 9n })],
        lastCommit: b1.commit,
        evidence: [],
      },
      ctx,
    );
    // Poison the write-set after its real entries: SQLite refuses a non-blob value in the STRICT state table.
    const writes: WriteSet = new Map(result.writes);
    writes.set(
      'acct:0x0000000000000000000000000000000000000001' as StateKey,
      'not bytes' as unknown as Uint8Array,
    );
    expect(() =>
      store.commitBlock({
        height: 2,
        hash: result.blockHash,
        timeMs: block.header.timeMs,
        proposer: block.header.proposer,
        stateRoot: result.stateRoot,
        blockBytes: encodeBlock(block),
        commitBytes: new Uint8Array([1]),
        txs: block.txs,
        txBytes: block.txs.map((t) => encodeTx(t)),
        result: { ...result, writes },
      }),
    ).toThrow(NodeError);
    expect(store.chainMeta()).toEqual(metaBefore);
    expect(store.blockAt(2)).toBeNull();
    expect(getAccount(store, other).balance).toBe(5n);
    store.close();
    const again = LedgerStore.open(file);
    expect(getChainMeta(again)).toEqual(metaBefore);
    expect(again.blockAt(2)).toBeNull();
    expect(again.txsOfAddress(other, 10)).toHaveLength(1);
    expect(getAccount(again, other).balance).toBe(5n);
    again.close();
  });

  it('refuses a block that does not follow the head', () => {
    const { store } = openFresh();
    expect(() =>
      store.commitBlock({
        height: 5,
        hash: `0x${'00'.repeat(32)}`,
        timeMs: 0,
        proposer: other,
        stateRoot: `0x${'00'.repeat(32)}`,
        blockBytes: new Uint8Array(),
        commitBytes: new Uint8Array(),
        txs: [],
        txBytes: [],
        result: { writes: new Map(), receipts: [] },
      }),
    ).toThrow(/store is at height 0/);
    store.close();
  });

  it('keeps the signer record durably across a reopen', () => {
    const { store, file } = openFresh();
    expect(store.signerRecord()).toBeNull();
    const rec = {
      height: 3,
      round: 1,
      step: 'prevote' as const,
      blockHash: null,
      signature: '0x01',
      lock: { round: 0, blockHash: `0x${'cd'.repeat(32)}` as const },
    };
    store.saveSignerRecord(rec);
    store.close();
    const again = LedgerStore.open(file);
    expect(again.signerRecord()).toEqual(rec);
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    again.close();
  });

  it('batch: blocks committed inside reach the disk together; inside, reads see them', () => {
    const { store, file } = openFresh();
    const heights = store.batch(() => {
      const b1 = commitNext(store, [builder.transfer(0, { to: other, amount: 5n })], null);
      const b2 = commitNext(store, [builder.transfer(1, { to: other, amount: 6n })], b1.commit);
      expect(getAccount(store, other).balance).toBe(11n); // the batch's own writes are visible
      commitNext(store, [], b2.commit);
      return store.chainMeta().height;
    });
    expect(heights).toBe(3);
    store.close();
    const again = LedgerStore.open(file);
    expect(again.chainMeta().height).toBe(3);
    expect(getAccount(again, other).balance).toBe(11n);
    expect(again.txsOfAddress(other, 10)).toHaveLength(2);
    again.close();
  });

  it('batch: a failure rolls the whole batch back, in the file and in the cache', () => {
    const { store, file } = openFresh();
    const b1 = commitNext(store, [builder.transfer(0, { to: other, amount: 5n })], null);
    const before = store.chainMeta();
    expect(() =>
      store.batch(() => {
        const b2 = commitNext(store, [builder.transfer(1, { to: other, amount: 6n })], b1.commit);
        commitNext(store, [builder.transfer(2, { to: other, amount: 7n })], b2.commit);
        expect(getAccount(store, other).balance).toBe(18n);
        throw new Error('disk gone');
      }),
    ).toThrow(/disk gone/);
    expect(store.chainMeta()).toEqual(before);
    expect(getAccount(store, other).balance).toBe(5n);
    expect(store.blockAt(2)).toBeNull();
    // The store goes on normally after it.
    commitNext(store, [builder.transfer(1, { to: other, amount: 1n })], b1.commit);
    store.close();
    const again = LedgerStore.open(file);
    expect(again.chainMeta().height).toBe(2);
    expect(getAccount(again, other).balance).toBe(6n);
    again.close();
  });

  it('batch: the signer record is never written inside one (it must be on disk before a vote leaves)', () => {
    const { store } = openFresh();
    const rec = {
      height: 1,
      round: 0,
      step: 'prevote' as const,
      blockHash: null,
      signature: '0x01',
      lock: null,
    };
    expect(() => store.batch(() => store.saveSignerRecord(rec))).toThrow(
      expect.objectContaining({ code: 'STORE_FAILED' }),
    );
    expect(store.signerRecord()).toBeNull();
    store.saveSignerRecord(rec);
    expect(store.signerRecord()).toEqual(rec);
    store.close();
  });
});
