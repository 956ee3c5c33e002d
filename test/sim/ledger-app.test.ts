import { describe, expect, it } from 'vitest';
import { keccak256, toHex, fromHex } from '../../main/chain/bytes';
import { proposalEvidenceId } from '../../main/chain/proposal-evidence';
import { getValidator } from '../../main/chain/state/access';
import { ChainCrypto } from '../../main/consensus/sim/chain-crypto';
import {
  type LedgerBlock,
  LedgerApp,
  type LedgerState,
  SIM_CHAIN_ID,
  SimLedgerShared,
} from '../../main/consensus/sim/ledger-app';
import type { SimOptions } from '../../main/consensus/sim/options';
import { Simulation } from '../../main/consensus/sim/simulation';

/** A ledger whose first node (the first to boot) reports a different root after every block: a bug in one node's application. */
class DivergingApp extends LedgerApp {
  private booted = 0;
  private readonly odd = new WeakSet<LedgerState>();

  override genesis(): LedgerState {
    const g = super.genesis();
    if (this.booted++ > 0) return g;
    const mine = { ...g };
    this.odd.add(mine);
    return mine;
  }

  override applyBlock(state: LedgerState, b: LedgerBlock): LedgerState {
    const next = super.applyBlock(state, b);
    if (!this.odd.has(state)) return next;
    const wrong = { ...next, stateRoot: toHex(keccak256(fromHex(next.stateRoot))) };
    this.odd.add(wrong);
    return wrong;
  }
}

type Validators = ConstructorParameters<typeof LedgerApp>[0];

function simulation(
  o: Partial<SimOptions>,
  app: (v: Validators, shared: SimLedgerShared) => LedgerApp = (v, shared) => new LedgerApp(v, shared),
) {
  const shared = new SimLedgerShared();
  return new Simulation<LedgerState, LedgerBlock>(
    {
      validators: 4,
      faults: { kind: 'none', count: 0 },
      heights: 8,
      seed: 11,
      makeCrypto: () => new ChainCrypto(SIM_CHAIN_ID, shared.cache),
      ...o,
    },
    (_c, v) => app(v, shared),
  );
}

describe('the simulation on the real ledger', () => {
  it('agrees on every state root, and the blocks carry real transfers', () => {
    const sim = simulation({});
    const r = sim.run();
    expect(r.ok).toBe(true);
    expect(r.stateRootMismatches).toBe(0);
    const chain = sim.nodes[0]!.chain;
    expect(chain.reduce((n, c) => n + c.block.block.txs.length, 0)).toBeGreaterThan(8);
  });

  it('catches one node whose application computes another root', () => {
    const r = simulation({}, (v, shared) => new DivergingApp(v, shared)).run();
    expect(r.stateRootMismatches).toBeGreaterThan(0);
    expect(r.ok).toBe(false);
    expect(r.failures.some((f) => f.includes('root'))).toBe(true);
  });

  it('slashes and jails a double voter and proposer the same way in every honest node’s state', () => {
    const sim = simulation({ faults: { kind: 'byzantine', count: 1 }, heights: 20, seed: 20_001 });
    const r = sim.run();
    expect(r.ok).toBe(true);
    expect(r.evidenceCommitted).toBeGreaterThan(0);
    const byz = sim.nodes.find((n) => n.byzantine)!;
    const honest = sim.nodes.filter((n) => !n.byzantine);
    const h = Math.min(...honest.map((n) => n.chain.length));
    const records = honest.map((n) => getValidator(n.states[h]!.store, byz.address)!);
    expect(records[0]!.jailedUntilEpoch).toBeGreaterThan(0);
    expect(records[0]!.stake).toBeLessThan(10_000_000n);
    for (const rec of records) expect(rec).toEqual(records[0]);
    expect(new Set(honest.map((n) => n.states[h]!.stateRoot)).size).toBe(1);
    // Its conflicting proposals were evidenced too, in blocks, and are on record in the state.
    expect(r.conflictingProposals).toBeGreaterThan(0);
    const carried = honest[0]!.chain.flatMap((c) => c.block.block.proposalEvidence ?? []);
    expect(carried.length).toBeGreaterThan(0);
    for (const e of carried) {
      expect(e.a.proposer).toBe(byz.address);
      expect(honest[0]!.states[h]!.store.get(`ev:${proposalEvidenceId(e.a)}`)).toBeDefined();
    }
  });
});
