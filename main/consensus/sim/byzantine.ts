/**
 * The Byzantine fault injector: what a misbehaving validator does instead of following the
 * protocol. It proposes two different blocks for one round (one to each group of the split), votes
 * both ways (for its coalition's two blocks, or its honest vote and another), forges votes in
 * honest validators' names, and keeps re-sending both versions to their groups.
 */
import type { Hash } from '../../chain/types';
import { evidenceKey } from '../evidence';
import type { MachineAction, UnsignedProposal, UnsignedVote } from '../machine';
import type { SimNodeState } from './node-state';

/** Equivocates: `p` with `block` to group 0, a second, different block for the same round to group 1. */
export function proposeConflicting<S, B>(node: SimNodeState<S, B>, p: UnsignedProposal, block: B): void {
  const sim = node.sim;
  const state = node.states[p.height - 1] as S;
  const alt = sim.app.makeBlock(state, {
    height: p.height,
    round: p.round,
    proposer: node.address,
    timeMs: Math.floor(sim.queue.nowMs) + 1,
    lastCommit: node.machine.lastCommit,
    evidence: [],
    txs: [`evil:${p.height}:${p.round}`],
  });
  const altHash = sim.app.blockHash(alt);
  const p1 = sim.crypto.signProposal(p, node.secretKey);
  const p2 = sim.crypto.signProposal({ ...p, blockHash: altHash, polRound: -1 }, node.secretKey);
  sim.stats.conflictingProposals++;
  // The Byzantine coalition votes for each block in front of the half that got it.
  sim.coalition.set(`${p.height}:${p.round}`, [p.blockHash, altHash]);
  node.proposalMsgs.set(p.round, { kind: 'proposal', proposal: p1, block });
  sim.network.sendToGroup(node.index, 0, { kind: 'proposal', proposal: p1, block });
  sim.network.sendToGroup(node.index, 1, { kind: 'proposal', proposal: p2, block: alt });
}

/** Votes both ways, one version to each group, sometimes with a forgery besides; counts its honest half itself. */
export function doubleVote<S, B>(node: SimNodeState<S, B>, v: UnsignedVote, queue: MachineAction[]): void {
  const sim = node.sim;
  // Against conflicting proposals of the coalition: block A to group 0, block B to group 1.
  // Otherwise: its honest vote to group 0, and nil (or a made-up block) to group 1.
  const pair = sim.coalition.get(`${v.height}:${v.round}`);
  const honest = sim.crypto.signVote(pair ? { ...v, blockHash: pair[0] } : v, node.secretKey);
  const other: Hash | null = pair
    ? pair[1]
    : v.blockHash === null
      ? (`0x${Array.from(sim.rng.bytes32(), (b) => b.toString(16).padStart(2, '0')).join('')}` as Hash)
      : null;
  const evil = sim.crypto.signVote({ ...v, blockHash: other }, node.secretKey);
  sim.checks.doubleVotesSent.add(evidenceKey(honest));
  node.byzVotes.push({ vote: honest, group: 0 }, { vote: evil, group: 1 });
  sim.network.sendToGroup(node.index, 0, { kind: 'vote', vote: honest });
  sim.network.sendToGroup(node.index, 1, { kind: 'vote', vote: evil });
  if (sim.rng.chance(0.3)) {
    // A forgery: signed with its own key but claiming to be an honest validator.
    const victim = sim.rng.pick(sim.nodes.filter((n) => !n.byzantine)).address;
    const forged = sim.crypto.signVote({ ...v, validator: victim, blockHash: other }, node.secretKey);
    sim.checks.forged.add(forged);
    sim.stats.forgedVotesSent++;
    sim.network.broadcast(node.index, { kind: 'vote', vote: forged });
  }
  node.acceptVote(honest, node.index, queue);
}

/** Gossip of a Byzantine node: both versions of its votes of the last two heights, each again to its own group. */
export function resendDoubleVotes<S, B>(node: SimNodeState<S, B>, height: number): void {
  for (const x of node.byzVotes)
    if (x.vote.height >= height - 1)
      node.sim.network.sendToGroup(node.index, x.group, { kind: 'vote', vote: x.vote });
}
