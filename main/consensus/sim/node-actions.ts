/**
 * What a simulated node does with each action its round state machine returns: schedule a timeout
 * on the virtual clock, build a block, sign and send a proposal or a vote (through the signer-state
 * guard, persisting before anything leaves), apply a decided block. A Byzantine node's deviations
 * are in `byzantine.ts`.
 */
import type { Proposal, Vote } from '../../chain/types';
import { evidenceKey } from '../evidence';
import { ConsensusError } from '../errors';
import type { CommitInfo, MachineAction, UnsignedProposal, UnsignedVote } from '../machine';
import { checkSign, nextRecord } from '../signer';
import { doubleVote, proposeConflicting } from './byzantine';
import type { SimNodeState } from './node-state';

type Action<K extends MachineAction['kind']> = Extract<MachineAction, { kind: K }>;

/** Feeds the timeout back to the machine when it fires, unless the node crashed since. */
export function scheduleTimeout<S, B>(node: SimNodeState<S, B>, a: Action<'schedule-timeout'>): void {
  const inc = node.incarnation;
  node.sim.queue.after(a.durationMs, () => {
    if (node.up && node.incarnation === inc)
      node.feed({ kind: 'timeout', step: a.step, height: a.height, round: a.round });
  });
}

/** Builds this node's block for the round (its pending evidence, made-up transactions) and hands it to the machine. */
export function requestBlock<S, B>(
  node: SimNodeState<S, B>,
  a: Action<'request-block'>,
  queue: MachineAction[],
): void {
  const sim = node.sim;
  const state = node.states[a.height - 1] as S;
  const evidence = [...node.pending.values()].filter(
    (e) => !(node.byzantine && e.a.validator === node.address),
  );
  const txs = Array.from(
    { length: 1 + (a.height % 3) },
    (_, i) => `tx:${a.height}:${a.round}:${node.index}:${i}`,
  );
  const block = sim.app.makeBlock(state, {
    height: a.height,
    round: a.round,
    proposer: node.address,
    timeMs: Math.floor(sim.queue.nowMs),
    lastCommit: a.lastCommit,
    evidence,
    proposalEvidence: [...node.pendingProposals.values()],
    txs,
  });
  const hash = sim.app.blockHash(block);
  node.blocks.set(hash, { block, valid: true });
  node.stepInto({ kind: 'own-block', height: a.height, round: a.round, blockHash: hash }, queue);
}

/** Signs the proposal (or re-uses the signature the signer record holds) and broadcasts it with its block. */
export function propose<S, B>(node: SimNodeState<S, B>, p: UnsignedProposal): void {
  const sim = node.sim;
  const entry = node.blocks.get(p.blockHash);
  if (entry === undefined) return;
  if (node.misbehaving(p.height)) {
    proposeConflicting(node, p, entry.block);
    return;
  }
  const d = checkSign(node.signer, {
    height: p.height,
    round: p.round,
    step: 'propose',
    blockHash: p.blockHash,
  });
  if (d.kind === 'refuse') {
    sim.stats.signerRefusals++;
    return;
  }
  const signed =
    d.kind === 'reuse'
      ? { ...p, signature: d.signature as Proposal['signature'] }
      : sim.crypto.signProposal(p, node.secretKey);
  node.signer = nextRecord(
    node.signer,
    { height: p.height, round: p.round, step: 'propose', blockHash: p.blockHash },
    signed.signature,
  );
  const msg = { kind: 'proposal' as const, proposal: signed, block: entry.block };
  node.proposalMsgs.set(p.round, msg);
  sim.network.broadcast(node.index, msg);
}

/**
 * Signs the vote through the signer-state guard, persists it, then sends it and counts it itself.
 * A crash planned for this vote strikes after persisting, before sending.
 */
export function castVote<S, B>(node: SimNodeState<S, B>, v: UnsignedVote, queue: MachineAction[]): void {
  const sim = node.sim;
  if (node.misbehaving(v.height)) {
    doubleVote(node, v, queue);
    return;
  }
  const req = { height: v.height, round: v.round, step: v.type, blockHash: v.blockHash };
  const d = checkSign(node.signer, req);
  if (d.kind === 'refuse') {
    sim.stats.signerRefusals++;
    return;
  }
  const signed: Vote =
    d.kind === 'reuse'
      ? { ...v, signature: d.signature as Vote['signature'] }
      : sim.crypto.signVote(v, node.secretKey);
  // Persist before the vote leaves: a crash from here on cannot make the node sign differently.
  node.signer = nextRecord(node.signer, req, signed.signature);
  node.lastVote = signed;
  if (node.crashAtNextVote) {
    node.crash();
    return;
  }
  sim.network.broadcast(node.index, { kind: 'vote', vote: signed });
  node.acceptVote(signed, node.index, queue);
}

/** Applies the decided block, drops the evidence it carries from the pool, has the commit checked, moves to the next height. */
export function applyCommit<S, B>(node: SimNodeState<S, B>, c: CommitInfo): void {
  const sim = node.sim;
  const entry = node.blocks.get(c.blockHash);
  if (entry === undefined)
    throw new ConsensusError(
      'INVALID_INPUT',
      `node ${node.index} decided block ${c.blockHash} it does not hold (a simulation bug: replay the seed)`,
    );
  const next = sim.app.applyBlock(node.states[c.height - 1] as S, entry.block);
  node.states.push(next);
  node.chain.push({ block: entry.block, commit: c });
  for (const e of sim.app.blockEvidence(entry.block)) node.pending.delete(evidenceKey(e));
  for (const [k] of node.pending) if (sim.app.evidenceCommitted(next, k)) node.pending.delete(k);
  for (const [k, e] of node.pendingProposals)
    if (sim.app.proposalEvidenceCommitted(next, e)) node.pendingProposals.delete(k);
  sim.recordCommit(node, c.height, c.blockHash, sim.app.stateRoot(next));
  node.startHeight();
}
