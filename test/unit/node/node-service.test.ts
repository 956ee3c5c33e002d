import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import { create as mhCreate } from 'multiformats/hashes/digest';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { getAnchor } from '../../../main/chain/state/access';
import { encodeTx } from '../../../main/chain/tx/codec';
import { TxBuilder } from '../../../main/chain/tx/builder';
import type { Hash } from '../../../main/chain/types';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { DEV_FRANCHISE_ID } from '../../../main/node/chain-anchoring';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { tempDir } from '../../helpers/tmp';
import { SILENT_LOG, nodeDir, testGenesis, testKeys } from './helpers';

const [key] = testKeys(1, 800) as [Uint8Array];
const me = privateKeyToAddress(key);
const other = privateKeyToAddress(testKeys(1, 801)[0] as Uint8Array);
let stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

async function single(opts: { franchiseId?: string } = {}) {
  const root = tempDir('hotpot-svc-');
  stops.push(root.cleanup);
  const g = testGenesis([key]);
  const hub = new MemoryHub();
  const node = composeLedgerNode(
    { dataDir: nodeDir(root.path, 'n', g), ...opts },
    { log: SILENT_LOG, network: hub.node('n', g.chainId), privateKey: key },
  );
  stops.push(() => node.stop());
  await node.start();
  return { node, g };
}

function segment(text: string) {
  const digest = createHash('sha256').update(text).digest();
  return {
    sha256: `0x${digest.toString('hex')}`,
    cid: CID.createV1(0x55, mhCreate(0x12, digest)).toString(),
  };
}

describe('NodeService as the wallet ledger and the media anchorer', () => {
  it('gives balances, nonces counting pending txs, history, and takes submissions', async () => {
    const { node, g } = await single();
    expect(await node.params()).toEqual({ chainId: g.chainId, minTxFee: g.params.minTxFee });
    const start = await node.balance(me);
    const b = new TxBuilder({ chainId: g.chainId, privateKey: key, fee: g.params.minTxFee });
    const { txHash } = await node.submit(encodeTx(b.transfer(0, { to: other, amount: 50n })));
    expect(await node.nonce(me)).toBe(1);
    const pending = await node.history(me, { limit: 10 });
    expect(pending.items[0]).toMatchObject({ txHash, status: 'pending', amount: 50n });
    const done = await node.waitForTx(txHash as Hash, 20_000);
    expect(done.ok).toBe(true);
    expect(await node.balance(other)).toBe(50n);
    expect(await node.balance(me)).toBeLessThan(start - 50n + 1n); // fee paid (and earned back as proposer)
    const h = await node.history(other, { limit: 10 });
    expect(h.items[0]).toMatchObject({ txHash, status: 'confirmed', from: me, to: other, amount: 50n });
    await expect(node.submit(encodeTx(b.transfer(0, { to: other, amount: 1n })))).rejects.toMatchObject({
      code: 'BAD_NONCE',
    });
  });

  it('anchors media segments with an anchor-media tx and resolves when committed', async () => {
    const { node, g } = await single({ franchiseId: 'store-1' });
    await expect(
      node.anchor('cam-1', [{ cameraId: 'cam-1', ...segment('a'), startMs: 0, endMs: 1 }]),
    ).rejects.toMatchObject({ code: 'ANCHOR_UNAVAILABLE' });
    const b = new TxBuilder({ chainId: g.chainId, privateKey: key, fee: g.params.minTxFee });
    const reg = await node.submit(
      encodeTx(
        b.registerFranchise(await node.nonce(me), {
          id: 'store-1',
          owner: me,
          status: 'active',
          city: 'Moscow',
          region: 'ru',
          tokenomics: { currency: 'RUB', tokensPerMinorUnit: 1n, royaltyBps: 100, validatorRewardBps: 100 },
        }),
      ),
    );
    await node.waitForTx(reg.txHash as Hash, 20_000);
    const s1 = segment('segment one');
    const s2 = segment('segment two');
    const receipt = await node.anchor('cam-1', [
      { cameraId: 'cam-1', ...s1, startMs: 0, endMs: 60_000 },
      { cameraId: 'cam-1', ...s2, startMs: 60_000, endMs: 120_000 },
    ]);
    expect(receipt.height).toBeGreaterThan(0);
    expect(getAnchor(node.store, s1.sha256 as Hash)).toMatchObject({
      franchiseId: 'store-1',
      cameraId: 'cam-1',
      height: receipt.height,
    });
    expect(node.tx(receipt.tx).type).toBe('anchor-media');
    // The same segment again is refused by the chain (the receipt says why).
    await expect(
      node.anchor('cam-1', [{ cameraId: 'cam-1', ...s1, startMs: 0, endMs: 1 }]),
    ).rejects.toMatchObject({ code: 'DUPLICATE_ANCHOR' });
  });

  it('on the development chain registers its own dev store once and anchors under it', async () => {
    const root = tempDir('hotpot-svc-dev-');
    stops.push(root.cleanup);
    const g = testGenesis([key], { chainId: 'hotpot-dev' });
    const hub = new MemoryHub();
    const node = composeLedgerNode(
      { dataDir: nodeDir(root.path, 'n', g) },
      { log: SILENT_LOG, network: hub.node('n', g.chainId), privateKey: key },
    );
    stops.push(() => node.stop());
    await node.start();
    const [a, b] = await Promise.all([
      node.anchor('cam-1', [{ cameraId: 'cam-1', ...segment('dev one'), startMs: 0, endMs: 1 }]),
      node.anchor('cam-2', [{ cameraId: 'cam-2', ...segment('dev two'), startMs: 0, endMs: 1 }]),
    ]);
    expect(getAnchor(node.store, segment('dev one').sha256 as Hash)).toMatchObject({
      franchiseId: DEV_FRANCHISE_ID,
      height: a.height,
    });
    expect(getAnchor(node.store, segment('dev two').sha256 as Hash)).toMatchObject({
      franchiseId: DEV_FRANCHISE_ID,
      height: b.height,
    });
  });
});
