/**
 * What this node sent at the height being decided (its signed votes and proposal messages), sending
 * it, and sending it again: a peer that connected late or lost a message still gets it.
 */
import type { NodeNetwork, P2pLog } from '../p2p/types';
import { wrapGossip } from './messages';

/** What sending uses. */
export interface OwnGossipDeps {
  network: NodeNetwork;
  log: P2pLog;
}

/** Own votes and proposals of one height, published with a per-node sequence number. */
export class OwnGossip {
  private seq = BigInt(Date.now()) * 1000n;
  private votes: Array<{ round: number; bytes: Uint8Array }> = [];
  private proposals = new Map<number, Uint8Array>();

  constructor(private readonly deps: OwnGossipDeps) {}

  /** Forgets what was sent at the previous height. */
  reset(): void {
    this.votes = [];
    this.proposals = new Map();
  }

  /** Keeps an encoded own vote of `round` for re-sending. */
  keepVote(round: number, bytes: Uint8Array): void {
    this.votes.push({ round, bytes });
  }

  /** Keeps an own proposal message of `round` for re-sending. */
  keepProposal(round: number, msg: Uint8Array): void {
    this.proposals.set(round, msg);
  }

  /**
   * Sends our votes of the last two rounds and our proposal of `round` again (Tendermint's liveness
   * needs eventual delivery).
   */
  resend(round: number): void {
    for (const v of this.votes) if (v.round >= round - 1) this.publish('vote', v.bytes);
    const p = this.proposals.get(round);
    if (p) this.publish('proposal', p);
  }

  /** Publishes one message; a failure is logged, not thrown. */
  publish(topic: 'vote' | 'proposal', payload: Uint8Array): void {
    const bytes = wrapGossip(this.seq++, payload);
    this.deps.network
      .publish(topic, bytes)
      .catch((err: unknown) => this.deps.log.warn({ topic, err: (err as Error).message }, 'publish failed'));
  }
}
