import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address, Hash, ValidatorPower, Vote } from '../../../main/chain/types';
import {
  DEFAULT_TIMEOUTS,
  initialState,
  step,
  timeoutMs,
  type MachineAction,
  type MachineInput,
  type MachineState,
  type TimeoutParams,
} from '../../../main/consensus/machine';
import { ProposerRotation } from '../../../main/consensus/proposer';

const addr = (c: string): Address => `0x${c.repeat(40)}`;
const hash = (c: string): Hash => `0x${c.repeat(64)}`;
const V0 = addr('1');
const V1 = addr('2');
const V2 = addr('3');
const V3 = addr('4');
const FOUR: ValidatorPower[] = [V0, V1, V2, V3].map((address) => ({ address, votingPower: 1 }));
const X = hash('a');
const Y = hash('b');
const T: TimeoutParams = {
  proposeBaseMs: 300,
  proposeDeltaMs: 100,
  prevoteBaseMs: 150,
  prevoteDeltaMs: 50,
  precommitBaseMs: 200,
  precommitDeltaMs: 25,
};

/** A node driven the way the real driver does it: own votes come back as inputs. */
class Node {
  state: MachineState;
  log: MachineAction[] = [];
  readonly rotation: ProposerRotation;

  constructor(
    readonly self: Address,
    readonly validators: ValidatorPower[] = FOUR,
  ) {
    this.rotation = new ProposerRotation(validators, 1);
    this.state = initialState({
      self,
      timeouts: T,
      proposer: (h, r) => this.rotation.proposer(h, r),
      maxRoundsAhead: 100,
    });
  }

  feed(input: MachineInput): MachineAction[] {
    const r = step(this.state, input);
    this.state = r.state;
    const out = [...r.actions];
    this.log.push(...r.actions);
    for (const a of r.actions)
      if (a.kind === 'vote') out.push(...this.feed({ kind: 'vote', vote: { ...a.vote, signature: '0x' } }));
    return out;
  }

  start(height = 1): MachineAction[] {
    return this.feed({ kind: 'start-height', height, validators: this.validators, lastCommit: null });
  }

  vote(
    type: 'prevote' | 'precommit',
    round: number,
    blockHash: Hash | null,
    validator: Address,
    height = 1,
  ): MachineAction[] {
    const v: Vote = { type, height, round, blockHash, validator, signature: '0x' };
    return this.feed({ kind: 'vote', vote: v });
  }

  proposal(round: number, blockHash: Hash, polRound = -1, valid = true, height = 1): MachineAction[] {
    return this.feed({
      kind: 'proposal',
      proposal: { height, round, blockHash, polRound, proposer: this.rotation.proposer(height, round) },
      valid,
    });
  }

  timeout(s: 'propose' | 'prevote' | 'precommit', round: number, height = 1): MachineAction[] {
    return this.feed({ kind: 'timeout', step: s, height, round });
  }

  votes(): { type: string; round: number; blockHash: Hash | null }[] {
    return this.log
      .filter((a): a is Extract<MachineAction, { kind: 'vote' }> => a.kind === 'vote')
      .map((a) => ({ type: a.vote.type, round: a.vote.round, blockHash: a.vote.blockHash }));
  }
}

const kinds = (as: MachineAction[]): string[] => as.map((a) => a.kind);

describe('timeouts', () => {
  it('grow by delta every round (base + round × delta)', () => {
    expect(timeoutMs(T, 'propose', 0)).toBe(300);
    expect(timeoutMs(T, 'propose', 3)).toBe(600);
    expect(timeoutMs(T, 'prevote', 4)).toBe(350);
    expect(timeoutMs(T, 'precommit', 8)).toBe(400);
    expect(timeoutMs(DEFAULT_TIMEOUTS, 'propose', 2)).toBe(4_000);
  });

  it('are scheduled with the grown duration when a round starts', () => {
    const n = new Node(V3);
    n.start();
    n.timeout('propose', 0);
    n.vote('prevote', 0, null, V0);
    n.vote('prevote', 0, null, V1);
    n.vote('precommit', 0, null, V0);
    n.vote('precommit', 0, null, V1);
    n.vote('precommit', 0, null, V2);
    const a = n.timeout('precommit', 0);
    expect(a).toContainEqual({
      kind: 'schedule-timeout',
      step: 'propose',
      height: 1,
      round: 1,
      durationMs: 400,
    });
    expect(n.state.round).toBe(1);
  });

  it('refuses parameters whose timeouts shrink with the round', () => {
    expect(() =>
      initialState({
        self: V0,
        timeouts: { ...T, prevoteDeltaMs: -1 },
        proposer: () => V0,
        maxRoundsAhead: 10,
      }),
    ).toThrow(/must not shrink/);
  });
});

describe('a height without faults', () => {
  it('the proposer builds, proposes, prevotes, locks, precommits and commits with +2/3', () => {
    const n = new Node(V0); // proposer of (1, 0)
    expect(kinds(n.start())).toEqual(['schedule-timeout', 'request-block']);
    const a = n.feed({ kind: 'own-block', height: 1, round: 0, blockHash: X });
    expect(a[0]).toEqual({
      kind: 'propose',
      proposal: { height: 1, round: 0, blockHash: X, polRound: -1, proposer: V0 },
    });
    expect(n.votes()).toEqual([{ type: 'prevote', round: 0, blockHash: X }]);
    n.vote('prevote', 0, X, V1);
    expect(n.state.step).toBe('prevote'); // 2 of 4 is not more than 2/3
    n.vote('prevote', 0, X, V2);
    expect(n.votes()).toContainEqual({ type: 'precommit', round: 0, blockHash: X });
    expect(n.state.lockedHash).toBe(X);
    expect(n.state.lockedRound).toBe(0);
    n.vote('precommit', 0, X, V1);
    const c = n.vote('precommit', 0, X, V3);
    const commit = c.find((x) => x.kind === 'commit');
    expect(commit).toMatchObject({ kind: 'commit', commit: { height: 1, round: 0, blockHash: X } });
    expect(commit?.kind === 'commit' && commit.commit.precommits.map((v) => v.validator).sort()).toEqual([
      V0,
      V1,
      V3,
    ]);
    expect(n.state.step).toBe('commit');
  });

  it('needs strictly more than 2/3: exactly 2/3 of the power is not a quorum', () => {
    const three = [V0, V1, V2].map((address) => ({ address, votingPower: 1 }));
    const n = new Node(V2, three);
    n.start();
    n.proposal(0, X);
    expect(n.votes()).toEqual([{ type: 'prevote', round: 0, blockHash: X }]);
    n.vote('prevote', 0, X, V0); // V0 + V2 = 2 of 3 = exactly 2/3
    expect(n.state.step).toBe('prevote');
    n.vote('prevote', 0, X, V1);
    expect(n.state.step).toBe('precommit');
  });

  it('counts voting power, not heads', () => {
    const weighted = [
      { address: V0, votingPower: 5 },
      { address: V1, votingPower: 1 },
      { address: V2, votingPower: 1 },
      { address: V3, votingPower: 1 },
    ];
    const n = new Node(V3, weighted);
    n.start();
    n.proposal(0, X);
    n.vote('prevote', 0, X, V0); // 5 + 1 of 8 = 75 % > 2/3
    expect(n.votes()).toContainEqual({ type: 'precommit', round: 0, blockHash: X });
  });
});

describe('nil votes and timeouts', () => {
  it('prevotes nil when the propose timeout fires, precommits nil on +2/3 nil prevotes', () => {
    const n = new Node(V3);
    n.start();
    n.timeout('propose', 0);
    expect(n.votes()).toEqual([{ type: 'prevote', round: 0, blockHash: null }]);
    n.vote('prevote', 0, null, V0);
    n.vote('prevote', 0, null, V1);
    expect(n.votes()).toContainEqual({ type: 'precommit', round: 0, blockHash: null });
  });

  it('prevotes nil for an invalid block', () => {
    const n = new Node(V3);
    n.start();
    n.proposal(0, X, -1, false);
    expect(n.votes()).toEqual([{ type: 'prevote', round: 0, blockHash: null }]);
  });

  it('ignores a proposal from the wrong proposer and stale timeouts', () => {
    const n = new Node(V3);
    n.start();
    n.feed({
      kind: 'proposal',
      proposal: { height: 1, round: 0, blockHash: X, polRound: -1, proposer: V2 },
      valid: true,
    });
    expect(n.votes()).toEqual([]);
    n.timeout('propose', 5);
    expect(n.votes()).toEqual([]);
  });

  it('schedules the prevote timeout on +2/3 mixed prevotes and precommits nil when it fires', () => {
    const n = new Node(V3);
    n.start();
    n.proposal(0, X);
    n.vote('prevote', 0, Y, V0);
    const a = n.vote('prevote', 0, null, V1);
    expect(a).toContainEqual({
      kind: 'schedule-timeout',
      step: 'prevote',
      height: 1,
      round: 0,
      durationMs: 150,
    });
    n.timeout('prevote', 0);
    expect(n.votes()).toEqual([
      { type: 'prevote', round: 0, blockHash: X },
      { type: 'precommit', round: 0, blockHash: null },
    ]);
  });
});

describe('locking and the valid value', () => {
  function lockedOnX(): Node {
    const n = new Node(V3);
    n.start();
    n.proposal(0, X);
    n.vote('prevote', 0, X, V0);
    n.vote('prevote', 0, X, V1);
    expect(n.state.lockedHash).toBe(X);
    // Nobody else precommits X: round 0 ends with nil precommits.
    n.vote('precommit', 0, null, V0);
    n.vote('precommit', 0, null, V1);
    n.timeout('precommit', 0);
    expect(n.state.round).toBe(1);
    return n;
  }

  it('a locked node prevotes nil on a different new block (L22)', () => {
    const n = lockedOnX();
    n.proposal(1, Y);
    expect(n.votes().at(-1)).toEqual({ type: 'prevote', round: 1, blockHash: null });
  });

  it('a locked node prevotes its locked block when it is proposed again', () => {
    const n = lockedOnX();
    n.proposal(1, X, 0);
    expect(n.votes().at(-1)).toEqual({ type: 'prevote', round: 1, blockHash: X });
  });

  it('unlocks only for a proof-of-lock from a later round (L28: lockedRound ≤ polRound)', () => {
    const n = lockedOnX();
    // Round 1: a polka for Y that this node sees but did not join.
    n.timeout('propose', 1);
    n.vote('prevote', 1, Y, V0);
    n.vote('prevote', 1, Y, V1);
    n.vote('prevote', 1, Y, V2);
    n.vote('precommit', 1, null, V0);
    n.vote('precommit', 1, null, V1);
    n.vote('precommit', 1, null, V2);
    n.timeout('precommit', 1);
    // Round 2: Y again, justified by the round-1 polka → prevote Y although locked on X (round 0).
    n.proposal(2, Y, 1);
    expect(n.votes().at(-1)).toEqual({ type: 'prevote', round: 2, blockHash: Y });
  });

  it('waits for the proof-of-lock prevotes before prevoting on a re-proposal (L28)', () => {
    const n = new Node(V3);
    n.start();
    n.timeout('propose', 0);
    n.vote('precommit', 0, null, V0);
    n.vote('precommit', 0, null, V1);
    n.vote('precommit', 0, null, V2);
    n.timeout('precommit', 0);
    n.proposal(1, X, 0); // claims a round-0 polka this node has not seen
    expect(n.votes().filter((v) => v.round === 1)).toEqual([]);
    n.vote('prevote', 0, X, V0);
    n.vote('prevote', 0, X, V1);
    n.vote('prevote', 0, X, V2);
    expect(n.votes().filter((v) => v.round === 1)).toEqual([{ type: 'prevote', round: 1, blockHash: X }]);
  });

  it('records the valid value from a polka seen after precommitting nil, and proposes it (L36, L15)', () => {
    const n = new Node(V3); // proposer of (1, 3)
    n.start();
    n.timeout('propose', 0);
    n.vote('prevote', 0, null, V0);
    n.vote('prevote', 0, null, V1);
    expect(n.state.step).toBe('precommit');
    n.proposal(0, X);
    n.vote('prevote', 0, X, V0); // conflicting with its nil prevote: evidence, and counted for X
    n.vote('prevote', 0, X, V1);
    n.vote('prevote', 0, X, V2);
    expect(n.state.validHash).toBe(X);
    expect(n.state.validRound).toBe(0);
    expect(n.state.lockedRound).toBe(-1); // not locked: it did not precommit X
    for (const r of [0, 1, 2]) {
      for (const v of [V0, V1, V2]) n.vote('precommit', r, null, v);
      n.timeout('precommit', r);
    }
    expect(n.state.round).toBe(3);
    const proposes = n.log.filter((a) => a.kind === 'propose');
    expect(proposes).toEqual([
      { kind: 'propose', proposal: { height: 1, round: 3, blockHash: X, polRound: 0, proposer: V3 } },
    ]);
    expect(n.log.filter((a) => a.kind === 'request-block')).toEqual([]);
  });
});

describe('round skip and commit from any round', () => {
  it('jumps to a later round on votes from more than 1/3 of the power (L55)', () => {
    const n = new Node(V3);
    n.start();
    n.vote('prevote', 5, null, V0);
    expect(n.state.round).toBe(0); // 1 of 4 is not more than 1/3
    const a = n.vote('precommit', 5, null, V1);
    expect(n.state.round).toBe(5);
    expect(a).toContainEqual({
      kind: 'schedule-timeout',
      step: 'propose',
      height: 1,
      round: 5,
      durationMs: 800,
    });
  });

  it('commits a block with +2/3 precommits from another round once it holds the valid block (L49)', () => {
    const n = new Node(V3);
    n.start();
    for (const v of [V0, V1, V2]) n.vote('precommit', 2, X, v);
    expect(n.state.step).not.toBe('commit'); // it does not have the block yet
    const a = n.feed({ kind: 'block-validated', height: 1, blockHash: X, valid: true });
    expect(a.find((x) => x.kind === 'commit')).toMatchObject({ commit: { round: 2, blockHash: X } });
  });

  it('does not commit an invalid block whatever the precommits say', () => {
    const n = new Node(V3);
    n.start();
    n.feed({ kind: 'block-validated', height: 1, blockHash: X, valid: false });
    for (const v of [V0, V1, V2]) n.vote('precommit', 0, X, v);
    expect(n.state.step).not.toBe('commit');
  });

  it('reports a double vote as evidence', () => {
    const n = new Node(V3);
    n.start();
    n.vote('prevote', 0, X, V1);
    const a = n.vote('prevote', 0, null, V1);
    const ev = a.find((x) => x.kind === 'evidence');
    expect(ev?.kind === 'evidence' && [ev.evidence.a.blockHash, ev.evidence.b.blockHash]).toEqual([null, X]);
  });
});

describe('restart inside a height', () => {
  it('resumes past the signed step with the lock the signed precommit implies', () => {
    const n = new Node(V3);
    const a = n.feed({
      kind: 'start-height',
      height: 1,
      validators: FOUR,
      lastCommit: null,
      resume: { round: 2, step: 'precommit', lockedRound: 2, lockedHash: X },
    });
    expect(a).toEqual([
      { kind: 'schedule-timeout', step: 'precommit', height: 1, round: 2, durationMs: 250 },
    ]);
    expect(n.state.lockedHash).toBe(X);
    n.proposal(2, Y);
    expect(n.votes()).toEqual([]); // already voted in round 2: nothing is signed again
    n.timeout('precommit', 2);
    n.proposal(3, Y);
    expect(n.votes()).toEqual([{ type: 'prevote', round: 3, blockHash: null }]); // still locked on X
  });
});

describe('never two values for one (height, round, step)', () => {
  it('holds for random input sequences (fast-check)', () => {
    const hashes = [X, Y, hash('c')];
    const vals = [V0, V1, V2, V3];
    const input = fc.oneof(
      fc.record({
        kind: fc.constant('vote' as const),
        type: fc.constantFrom('prevote' as const, 'precommit' as const),
        round: fc.nat(4),
        h: fc.option(fc.constantFrom(...hashes)),
        v: fc.constantFrom(...vals),
      }),
      fc.record({
        kind: fc.constant('proposal' as const),
        round: fc.nat(4),
        h: fc.constantFrom(...hashes),
        pol: fc.integer({ min: -1, max: 3 }),
        valid: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('timeout' as const),
        s: fc.constantFrom('propose' as const, 'prevote' as const, 'precommit' as const),
        round: fc.nat(4),
      }),
      fc.record({ kind: fc.constant('own' as const), round: fc.nat(4), h: fc.constantFrom(...hashes) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...vals), fc.array(input, { maxLength: 80 }), (self, seq) => {
        const n = new Node(self);
        n.start();
        for (const i of seq) {
          if (n.state.step === 'commit') break;
          if (i.kind === 'vote') n.vote(i.type, i.round, i.h, i.v);
          else if (i.kind === 'proposal') {
            if (i.pol < i.round) n.proposal(i.round, i.h, i.pol, i.valid);
          } else if (i.kind === 'timeout') n.timeout(i.s, i.round);
          else n.feed({ kind: 'own-block', height: 1, round: i.round, blockHash: i.h });
        }
        const seen = new Map<string, Hash | null>();
        for (const v of n.votes()) {
          const k = `${v.round}:${v.type}`;
          expect(seen.has(k), `second ${k} vote`).toBe(false);
          seen.set(k, v.blockHash);
        }
        const proposals = n.log
          .filter((a) => a.kind === 'propose')
          .map((a) => (a.kind === 'propose' ? a.proposal.round : -1));
        expect(new Set(proposals).size).toBe(proposals.length);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('a double proposal', () => {
  const signed = (n: Node, blockHash: Hash, round = 0) => ({
    height: 1,
    round,
    blockHash,
    polRound: -1,
    proposer: n.rotation.proposer(1, round),
    signature: `0x${'11'.repeat(65)}` as const,
  });

  it('is reported as evidence while the first proposal keeps counting', () => {
    const proposer = new ProposerRotation(FOUR, 1).proposer(1, 0);
    const n = new Node([V0, V1, V2, V3].find((v) => v !== proposer) as Address);
    n.start();
    expect(kinds(n.feed({ kind: 'proposal', proposal: signed(n, X), valid: true }))).toContain('vote');
    const out = n.feed({ kind: 'proposal', proposal: signed(n, Y), valid: true });
    const ev = out.find((a) => a.kind === 'proposal-evidence');
    expect(ev).toMatchObject({ evidence: { a: { blockHash: X }, b: { blockHash: Y } } });
    // Safety is unchanged: this node prevoted the first block only.
    expect(n.votes().filter((v) => v.type === 'prevote')).toEqual([
      { type: 'prevote', round: 0, blockHash: X },
    ]);
    // The same block again, or a proposal by someone who is not the round's proposer, is no evidence.
    expect(kinds(n.feed({ kind: 'proposal', proposal: signed(n, X), valid: true }))).not.toContain(
      'proposal-evidence',
    );
    const other = { ...signed(n, hash('c')), proposer: [V1, V2, V3].find((v) => v !== proposer) as Address };
    expect(kinds(n.feed({ kind: 'proposal', proposal: other, valid: true }))).not.toContain(
      'proposal-evidence',
    );
  });
});
