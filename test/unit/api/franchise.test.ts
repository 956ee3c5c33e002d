// The franchise methods through the real router and handlers over a real in-process ledger node (its
// key is the chain's HQ authority): writes are committed transactions, refusals are typed and leave
// the chain unchanged, sales recorded by a store's own key show in its totals, and a node whose key is
// not HQ's says so.
import { afterEach, describe, expect, it } from 'vitest';
import { franchiseHandlers } from '../../../main/api/handlers/franchise';
import { type AllHandlers, Router } from '../../../main/api/router';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import { privateKeyToAddress, toChecksumAddress } from '../../../main/chain/keys';
import { isPeerRegistered } from '../../../main/chain/state/access';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { encodeTx } from '../../../main/chain/tx/codec';
import type { Hash } from '../../../main/chain/types';
import type { CallContext } from '../../../main/contract';
import type { Role } from '../../../main/contract/access';
import type { NodeService } from '../../../main/node/node-service';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { tempDir } from '../../helpers/tmp';
import { SILENT_LOG, nodeDir, testGenesis, testKeys } from '../node/helpers';

const [hqKey, storeKey, otherKey] = testKeys(3, 950) as [Uint8Array, Uint8Array, Uint8Array];
const storeOwner = privateKeyToAddress(storeKey);
const NOW = 1_800_000_000_000;
const as = (roles: Role[]): CallContext => ({
  via: 'test',
  principal: { kind: 'user', userId: 'u', username: 'u', roles, sessionId: 's', stepUpAtMs: NOW },
});
const HQ = as(['hq-admin']);
const TOKENOMICS = { currency: 'RUB', tokensPerMinorUnit: '2', royaltyBps: 500, validatorRewardBps: 100 };
const MOSCOW = {
  id: 'moscow-1',
  owner: storeOwner,
  city: 'Москва',
  region: 'RU-MOW',
  tokenomics: TOKENOMICS,
};

let stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

/** A one-validator node whose key is `key`, on a chain whose HQ authority is `hqKey`, and a router over it. */
async function nodeWithRouter(key: Uint8Array) {
  const root = tempDir('hotpot-franchise-api-');
  stops.push(root.cleanup);
  const g = testGenesis(key === hqKey ? [hqKey] : [hqKey, key], { funded: [storeOwner] });
  const hub = new MemoryHub();
  const node = composeLedgerNode(
    { dataDir: nodeDir(root.path, 'n', g) },
    { log: SILENT_LOG, network: hub.node('n', g.chainId), privateKey: key },
  );
  stops.push(() => node.stop());
  await node.start();
  const handlers = franchiseHandlers({ registry: () => node.franchises }) as unknown as AllHandlers;
  const router = new Router(handlers, () => NOW);
  return { node, g, call: (m: string, input: unknown, ctx = HQ) => router.call(m as never, input, ctx) };
}

function height(node: NodeService): number {
  return node.store.chainMeta().height;
}

describe('franchise.* over a real ledger node', () => {
  it('registers, lists, gets and updates stores; refusals are typed and change nothing', async () => {
    const { node, call } = await nodeWithRouter(hqKey);
    const reg = await call('franchise.register', MOSCOW);
    expect(reg.ok, JSON.stringify(reg)).toBe(true);
    const change = reg.ok
      ? (reg.value as { franchise: Record<string, unknown>; tx: { hash: string } })
      : null;
    expect(change!.franchise).toMatchObject({
      id: 'moscow-1',
      owner: toChecksumAddress(storeOwner),
      status: 'active',
      city: 'Москва',
      tokenomics: TOKENOMICS,
      sales: { orders: 0, amountMinor: '0', royaltyMinted: '0', lastSaleHeight: null },
    });
    expect(node.tx(change!.tx.hash)).toMatchObject({ type: 'franchise-register', status: 'ok' });

    // Refused before anything is signed: nothing reaches the chain.
    const before = node.tx(change!.tx.hash).height;
    const refusals: Array<[string, unknown, string]> = [
      ['franchise.register', MOSCOW, 'FRANCHISE_CONFLICT'],
      [
        'franchise.register',
        { ...MOSCOW, id: 'x', tokenomics: { ...TOKENOMICS, currency: 'rub' } },
        'BAD_INPUT',
      ],
      [
        'franchise.register',
        { ...MOSCOW, id: 'x', tokenomics: { ...TOKENOMICS, royaltyBps: -1 } },
        'BAD_INPUT',
      ],
      [
        'franchise.register',
        { ...MOSCOW, id: 'x', tokenomics: { ...TOKENOMICS, royaltyBps: 9_950, validatorRewardBps: 100 } },
        'BAD_INPUT',
      ],
      [
        'franchise.register',
        { ...MOSCOW, id: 'x', tokenomics: { ...TOKENOMICS, tokensPerMinorUnit: 2 } },
        'BAD_INPUT',
      ],
      ['franchise.register', { ...MOSCOW, id: 'bad id!' }, 'BAD_INPUT'],
      ['franchise.update', { id: 'nowhere', status: 'suspended' }, 'FRANCHISE_NOT_FOUND'],
      ['franchise.update', { id: 'moscow-1' }, 'BAD_INPUT'],
      ['franchise.get', { id: 'nowhere' }, 'FRANCHISE_NOT_FOUND'],
    ];
    for (const [m, input, code] of refusals) {
      const r = await call(m, input);
      expect(r.ok ? 'ok' : r.error.code, `${m} ${JSON.stringify(input)}`).toBe(code);
    }
    const byAnalyst = await call('franchise.register', { ...MOSCOW, id: 'x' }, as(['hq-analyst']));
    expect(byAnalyst.ok ? 'ok' : byAnalyst.error.code).toBe('FORBIDDEN');
    expect(
      (await call('franchise.list', {})).ok && node.franchises.list({ limit: 10 }).items.map((f) => f.id),
    ).toEqual(['moscow-1']);
    expect(node.mempoolSize).toBe(0);
    expect(node.franchises.get('moscow-1').updatedHeight).toBe(before);

    // Suspend it and move it to Kazan; tokenomics fields merge into the current ones.
    const upd = await call('franchise.update', {
      id: 'moscow-1',
      status: 'suspended',
      city: 'Казань',
      tokenomics: { royaltyBps: 700 },
    });
    expect(upd.ok, JSON.stringify(upd)).toBe(true);
    const got = await call('franchise.get', { id: 'moscow-1' }, as(['hq-analyst']));
    expect(got.ok && got.value).toMatchObject({
      status: 'suspended',
      city: 'Казань',
      region: 'RU-MOW',
      tokenomics: { ...TOKENOMICS, royaltyBps: 700 },
    });
    const suspended = await call('franchise.list', { status: 'suspended' }, as(['owner']));
    expect(suspended.ok && (suspended.value as { items: unknown[] }).items).toHaveLength(1);
    expect(height(node)).toBeGreaterThan(0);
  });

  it('registers and retires a store node’s peer id on chain; a malformed id is refused before signing', async () => {
    const { node, call } = await nodeWithRouter(hqKey);
    const peerId = '12D3KooWGzh8QGuy9Tyu8ua9Dx1YAWmuRZsEXpmJJG2Dp6vbTwgE';
    const reg = await call('franchise.registerPeer', { peerId });
    expect(reg.ok, JSON.stringify(reg)).toBe(true);
    const value = reg.ok ? (reg.value as { active: boolean; tx: { hash: string } }) : null;
    expect(value!.active).toBe(true);
    expect(node.tx(value!.tx.hash)).toMatchObject({ type: 'peer-register', status: 'ok' });
    expect(isPeerRegistered(node.store, peerId)).toBe(true);
    const retire = await call('franchise.registerPeer', { peerId, active: false });
    expect(retire.ok, JSON.stringify(retire)).toBe(true);
    expect(isPeerRegistered(node.store, peerId)).toBe(false);
    const bad = await call('franchise.registerPeer', { peerId: 'not a peer id' });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? null : bad.error.code).toBe('BAD_INPUT');
    const notHq = await call('franchise.registerPeer', { peerId }, as(['manager']));
    expect(notHq.ok ? null : notHq.error.code).toBe('FORBIDDEN');
  });

  it("totals the store's sales as the chain records them, with the royalty minted to HQ", async () => {
    const { node, g, call } = await nodeWithRouter(hqKey);
    expect((await call('franchise.register', MOSCOW)).ok).toBe(true);
    const till = new TxBuilder({ chainId: g.chainId, privateKey: storeKey, fee: g.params.minTxFee });
    const sales = [1_000n, 2_345n].map((amountMinor, i) => ({
      terminalId: 't1',
      orderId: `o-${i}`,
      amountMinor,
      currency: 'RUB',
      timeMs: NOW,
      customer: null,
    }));
    const { txHash } = await node.submit(
      encodeTx(
        till.recordSales(await node.nonce(storeOwner), { franchiseId: 'moscow-1', firstSeq: 1, sales }),
      ),
    );
    const outcome = await node.waitForTx(txHash as Hash, 20_000);
    expect(outcome.ok).toBe(true);
    const listed = await call('franchise.list', {});
    const store = listed.ok ? (listed.value as { items: Array<{ sales: unknown }> }).items[0] : null;
    // 5% of 2 tokens per kopeck, rounded down per sale.
    expect(store?.sales).toEqual({
      orders: 2,
      amountMinor: '3345',
      royaltyMinted: String((1_000n * 2n * 500n) / 10_000n + (2_345n * 2n * 500n) / 10_000n),
      lastSaleHeight: outcome.height,
    });
  });

  it("a register the chain refuses (the id was taken meanwhile) is FRANCHISE_CONFLICT with the chain's reason", async () => {
    const { node, g, call } = await nodeWithRouter(hqKey);
    // Another transaction of HQ's key registers the id while the registry's is on its way.
    const hq = new TxBuilder({ chainId: g.chainId, privateKey: hqKey, fee: g.params.minTxFee });
    const first = hq.registerFranchise(await node.nonce(privateKeyToAddress(hqKey)), {
      ...MOSCOW,
      owner: storeOwner,
      status: 'active',
      tokenomics: { ...TOKENOMICS, tokensPerMinorUnit: 2n },
    });
    await node.submit(encodeTx(first));
    const r = await call('franchise.register', { ...MOSCOW, city: 'Тверь' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('FRANCHISE_CONFLICT');
    expect(r.error.data).toMatchObject({ chainCode: 'FRANCHISE_EXISTS' });
    expect(r.error.message).toMatch(/the chain (refused|committed as failed).*already registered/);
    expect(node.franchises.get('moscow-1').city).toBe('Москва');
  });

  it('a node whose key is not the HQ authority refuses writes with NOT_HQ_AUTHORITY, and still lists', async () => {
    const { call } = await nodeWithRouter(otherKey);
    const r = await call('franchise.register', MOSCOW);
    expect(r.ok ? 'ok' : r.error.code).toBe('NOT_HQ_AUTHORITY');
    expect(r.ok ? '' : r.error.message).toContain("is not the chain's HQ authority");
    const listed = await call('franchise.list', {});
    expect(listed.ok && listed.value).toEqual({ items: [], nextAfter: null });
  });
});
