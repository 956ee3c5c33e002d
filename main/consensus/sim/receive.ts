/**
 * What a simulated node does with each message that reaches it: verify and count votes (and tell
 * forged ones apart), take a proposal's block and check it, answer a peer that is behind with the
 * committed block and the votes it saw (catch-up), catch up itself from such an answer, and check
 * evidence before pooling it. `SimNode.receive` dispatches here.
 */
import type { Vote } from '../../chain/types';
import { allVotes, evidenceKey, validateEvidence, type DoubleVoteEvidence } from '../evidence';
import type { ProposalMessage, SimMessage } from './network';
import type { SimNodeState } from './node-state';

type Message<B, K extends SimMessage<B>['kind']> = Extract<SimMessage<B>, { kind: K }>;

/** Verifies a vote's signature and validator, counts forgeries against the ground truth, and accepts it. */
export function receiveVote<S, B>(node: SimNodeState<S, B>, from: number, v: Vote): void {
  const sim = node.sim;
  if (sim.indexOf(v.validator) < 0) return;
  if (!sim.crypto.verifyVote(v)) {
    if (sim.checks.forged.has(v)) sim.stats.forgedVotesRejected++;
    return;
  }
  if (sim.checks.forged.has(v)) sim.stats.forgedVotesAccepted++;
  node.acceptVote(v, from, null);
}

/** Buffers a proposal for the next height; one for this height is verified, its block checked and fed to the machine. */
export function receiveProposal<S, B>(node: SimNodeState<S, B>, from: number, msg: ProposalMessage<B>): void {
  const sim = node.sim;
  const p = msg.proposal;
  if (p.height > node.height) {
    if (p.height === node.height + 1) node.buffer(from, msg);
    return;
  }
  if (p.height < node.height || !sim.crypto.verifyProposal(p)) return;
  if (sim.app.blockHash(msg.block) !== p.blockHash || sim.app.blockHeight(msg.block) !== p.height) return;
  let entry = node.blocks.get(p.blockHash);
  if (entry === undefined) {
    entry = {
      block: msg.block,
      valid: sim.app.validateBlock(node.states[node.height - 1] as S, msg.block) === null,
    };
    node.blocks.set(p.blockHash, entry);
  }
  if (!node.proposalMsgs.has(p.round) && p.proposer === sim.proposer(p.height, p.round))
    node.proposalMsgs.set(p.round, msg);
  node.feed({ kind: 'proposal', proposal: p, valid: entry.valid });
}

/** Answers a peer's status at a lower height with that height's block, commit and seen votes (at most once per gossip interval). */
export function serveCatchUp<S, B>(node: SimNodeState<S, B>, from: number, height: number): void {
  const sim = node.sim;
  if (height >= node.height) return;
  const last = node.lastCatchup.get(from);
  if (last !== undefined && last.height === height && sim.queue.nowMs - last.atMs < sim.gossipMs) return;
  node.lastCatchup.set(from, { height, atMs: sim.queue.nowMs });
  const c = node.chain[height - 1];
  if (c !== undefined) {
    const seen = node.detector.get(height);
    sim.network.send(node.index, from, {
      kind: 'commit',
      block: c.block,
      commit: c.commit,
      seen: seen === undefined ? [] : allVotes(seen),
    });
  }
}

/** Catches up one height from a peer's committed block and precommits, then compares votes and asks for the next. */
export function receiveCommit<S, B>(node: SimNodeState<S, B>, from: number, msg: Message<B, 'commit'>): void {
  const sim = node.sim;
  const c = msg.commit;
  if (c.height !== node.height || node.machine.step === 'commit') return;
  if (sim.app.blockHash(msg.block) !== c.blockHash) return;
  if (!node.blocks.has(c.blockHash)) {
    node.blocks.set(c.blockHash, {
      block: msg.block,
      valid: sim.app.validateBlock(node.states[node.height - 1] as S, msg.block) === null,
    });
  }
  const entry = node.blocks.get(c.blockHash) as { valid: boolean };
  node.feed({ kind: 'block-validated', height: c.height, blockHash: c.blockHash, valid: entry.valid });
  for (const v of c.precommits) {
    if (node.height !== c.height) break;
    if (v.type === 'precommit' && v.height === c.height && sim.crypto.verifyVote(v))
      node.acceptVote(v, from, null);
  }
  if (node.height > c.height) {
    // A node that fell behind (a partition, a crash) may hold votes the others never saw, and
    // vice versa: compare notes on this height, so split double votes still meet.
    for (const v of msg.seen) if (v.height === c.height) receiveVote(node, from, v);
    const mine = node.detector.get(c.height);
    if (mine !== undefined) sim.network.send(node.index, from, { kind: 'votes', votes: allVotes(mine) });
    // Caught up one height: ask the same peer for the next one at once instead of waiting for gossip.
    sim.network.send(node.index, from, { kind: 'status', height: node.height, round: 0 });
  }
}

/** Pools evidence of a known validator once its two votes verify. */
export function receiveEvidence<S, B>(node: SimNodeState<S, B>, evidence: DoubleVoteEvidence): void {
  const sim = node.sim;
  const k = evidenceKey(evidence);
  if (node.pending.has(k)) return;
  try {
    validateEvidence(evidence, (v) => sim.crypto.verifyVote(v));
  } catch {
    return;
  }
  if (sim.indexOf(evidence.a.validator) >= 0) node.addEvidence(evidence);
}
