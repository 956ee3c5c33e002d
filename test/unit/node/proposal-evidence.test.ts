import { afterEach, describe, expect, it } from 'vitest';
import { decodeBlock, decodeCommit, encodeBlock } from '../../../main/chain/block';
import { genesisConfig } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { proposalEvidenceId } from '../../../main/chain/proposal-evidence';
import { getValidator } from '../../../main/chain/state/access';
import { buildBlock } from '../../../main/chain/state/apply-block';
import { encodeProposal, signProposal } from '../../../main/chain/vote';
import { encodeProposalMessage, wrapGossip } from '../../../main/node/messages';
import { consensusHooks } from '../../../main/consensus/hooks';
import { ValidatorSets } from '../../../main/node/validator-sets';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { tempDir } from '../../helpers/tmp';
import { startMemoryValidators, testGenesis, testKeys, waitFor } from './helpers';

const KEYS = testKeys(4, 80);
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('proposal equivocation through real drivers', () => {
  it('two signed proposals of one proposer for one round slash and jail it on every honest node', async () => {
    const g = testGenesis(KEYS);
    const root = tempDir('hotpot-double-proposal-');
    cleanups.push(root.cleanup);
    const hub = new MemoryHub({ delayMs: 2 });
    // Validators 0–2 run (3 of 4 is more than 2/3); validator 3's key signs two blocks per round it leads.
    const nodes = await startMemoryValidators(KEYS.slice(0, 3), g, root.path, hub, cleanups);
    const byz = KEYS[3] as Uint8Array;
    const addr = privateKeyToAddress(byz);
    const rogue = hub.node('rogue', g.chainId);
    await rogue.start();
    cleanups.push(() => rogue.stop());
    const store = nodes[0]!.store;
    const sets = new ValidatorSets({ store, params: g.params });
    const ctx = { config: genesisConfig(g), verify: {}, hooks: consensusHooks() };
    let seq = 0n;
    let sent = 0;
    const timer = setInterval(() => {
      const h = store.chainMeta().height + 1;
      const prev = store.blockAt(h - 1);
      if (!prev) return;
      for (let round = 0; round < 3; round++) {
        if (sets.proposer(h, round) !== addr) continue;
        // Two valid blocks for the same (height, round) that differ only in their time.
        for (const dt of [0, 1]) {
          const { block, result } = buildBlock(
            store,
            {
              header: { height: h, round, timeMs: prev.timeMs + 1 + dt, proposer: addr },
              txs: [],
              lastCommit: decodeCommit(prev.commit),
              evidence: [],
            },
            ctx,
          );
          const p = signProposal(
            g.chainId,
            { height: h, round, blockHash: result.blockHash, polRound: -1 },
            byz,
          );
          const msg = encodeProposalMessage(encodeProposal(p), encodeBlock(block));
          void rogue.publish('proposal', wrapGossip(seq++, msg));
          sent++;
        }
      }
    }, 100);
    cleanups.push(() => clearInterval(timer));
    await waitFor(
      'double proposal punished everywhere',
      () => nodes.every((n) => (getValidator(n.store, addr)?.jailedUntilEpoch ?? 0) > 0),
      40_000,
    );
    clearInterval(timer);
    expect(sent).toBeGreaterThanOrEqual(2);
    for (const n of nodes) {
      const v = getValidator(n.store, addr)!;
      expect(v.stake).toBe((g.params.minStake * 10n * BigInt(10_000 - g.params.slashFractionBps)) / 10_000n);
    }
    // A block carried the evidence, the offence is kept under its double-proposal id, and the nodes agree.
    const common = Math.min(...nodes.map((n) => n.store.chainMeta().height));
    expect(new Set(nodes.map((n) => n.store.blockAt(common)?.stateRoot)).size).toBe(1);
    const carried = store
      .blocksFrom(1, common)
      .flatMap((b) => decodeBlock(b.block).block.proposalEvidence ?? []);
    expect(carried.length).toBeGreaterThanOrEqual(1);
    const e = carried[0]!;
    expect(e.a.proposer).toBe(addr);
    expect(e.a.blockHash).not.toBe(e.b.blockHash);
    expect(store.get(`ev:${proposalEvidenceId(e.a)}`)).toBeDefined();
  }, 60_000);
});
