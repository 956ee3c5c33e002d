/**
 * What a simulated node re-sends every gossip interval, so that messages lost to drops, a partition
 * or a crash still arrive: its status, its votes that others need, the current proposal, pending
 * evidence, and a sweep over the votes of recent heights (anti-entropy for double votes).
 */
import type { Vote } from '../../chain/types';
import { allVotes } from '../evidence';
import { resendDoubleVotes } from './byzantine';
import type { SimNodeState } from './node-state';

/** Heights behind the current one that the evidence anti-entropy cycles over. */
const SWEEP_HEIGHTS = 32;

/** Periodic gossip: status, own votes of this height, the current proposal, pending evidence. */
export function gossipTick<S, B>(node: SimNodeState<S, B>, inc: number): void {
  if (!node.up || node.incarnation !== inc) return;
  const sim = node.sim;
  const h = node.height;
  sim.network.broadcast(node.index, { kind: 'status', height: h, round: node.machine.round });
  if (node.byzantine) resendDoubleVotes(node, h);
  const batch = node.byzantine ? [] : votesToGossip(node, h);
  if (batch.length > 0) sim.network.broadcast(node.index, { kind: 'votes', votes: batch });
  const p = node.proposalMsgs.get(node.machine.round);
  if (p !== undefined) sim.network.broadcast(node.index, p);
  let n = 0;
  for (const e of node.pending.values()) {
    if (n++ >= 8) break;
    sim.network.broadcast(node.index, { kind: 'evidence', evidence: e });
  }
  sim.queue.after(sim.gossipMs, () => gossipTick(node, inc));
}

/** The votes an honest node gossips at height `h` (advances its sweep cursor). */
function votesToGossip<S, B>(node: SimNodeState<S, B>, h: number): Vote[] {
  // Own votes of the last rounds and of the rounds that justify a lock or valid value, and every
  // prevote of the POL round the current proposal cites (others need that polka to accept it, L28).
  const m = node.machine;
  const polRound = m.proposals.get(m.round)?.polRound ?? -1;
  const batch: Vote[] = [];
  for (const v of allVotes(m.votes)) {
    const pol = v.round === polRound && v.type === 'prevote';
    if (v.validator !== node.address && !pol) continue;
    if (pol || v.round >= m.round - 2 || v.round === m.validRound || v.round === m.lockedRound) batch.push(v);
  }
  // Anti-entropy for evidence: every vote held for one recent height, the cursor walking absolute
  // heights over [h − SWEEP_HEIGHTS, h], so conflicting halves that were relayed into a
  // partition or lost to drops still meet after the network heals.
  node.sweep =
    node.sweep + 1 > h || node.sweep < h - SWEEP_HEIGHTS ? Math.max(1, h - SWEEP_HEIGHTS) : node.sweep + 1;
  const old = node.detector.get(node.sweep);
  if (old !== undefined) batch.push(...allVotes(old));
  return batch;
}
