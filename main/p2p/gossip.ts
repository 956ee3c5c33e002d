/**
 * How our three gossip topics travel over libp2p: the gossipsub settings (limits, peer scoring),
 * subscribing with a size check per topic, publishing, and the driver's handlers deciding whether a
 * message is forwarded (`asyncValidation`).
 */
import {
  gossipsub,
  TopicValidatorResult,
  type GossipSub as GossipSubPublic,
  type GossipsubMessage,
} from '@libp2p/gossipsub';
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score';
import { P2pError, started } from './errors';
import type { Offence, PeerScoreBook } from './peer-scores';
import {
  GOSSIP_TOPICS,
  type GossipHandler,
  type GossipTopic,
  type P2pLog,
  type TopicLimits,
  type Validation,
} from './types';
import { topicFromName, topicName } from './wire';

/**
 * The gossipsub service as we use it. `reportMessageValidationResult` (async validation) and
 * `getScore` exist on the class `gossipsub()` builds but are missing from its exported interface.
 */
export type GossipSub = GossipSubPublic & {
  reportMessageValidationResult(
    msgId: string,
    propagationSource: string,
    acceptance: TopicValidatorResult,
  ): void;
  getScore(peerId: string): number;
};

type GossipSubComponentsOf = Parameters<ReturnType<typeof gossipsub>>[0];

/**
 * The gossipsub service for our chain: unsigned messages identified by content, validated by our
 * handlers before forwarding, RPCs limited to what three topics need, peers scored with our
 * application score (`appSpecificScore`) added in.
 */
export function gossipsubService(
  chainId: string,
  limits: TopicLimits,
  appSpecificScore: (peerId: string) => number,
): (components: GossipSubComponentsOf) => GossipSub {
  const topicParams = createTopicScoreParams({
    topicWeight: 1,
    // Votes and transactions come in bursts and may be rare: do not punish quiet mesh peers.
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.9,
  });
  const gossipDataLimit = Math.max(...Object.values(limits)) + 64 * 1024;
  return gossipsub({
    // Payloads are signed by their authors (transactions, votes, proposals); the relay's
    // signature would add nothing, and content ids let the same transaction from two peers dedupe.
    globalSignaturePolicy: 'StrictNoSign',
    asyncValidation: true,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    emitSelf: false,
    maxInboundDataLength: gossipDataLimit,
    // We have three topics: a peer that sends thousands of subscriptions or messages in one RPC is not one of us.
    decodeRpcLimits: {
      maxSubscriptions: 64,
      maxMessages: 512,
      maxIhaveMessageIDs: 5000,
      maxIwantMessageIDs: 5000,
      maxControlMessages: 1000,
      maxIdontwantMessageIDs: 512,
      maxPeerInfos: 16,
    },
    allowedTopics: GOSSIP_TOPICS.map((t) => topicName(chainId, t)),
    scoreParams: createPeerScoreParams({
      topics: Object.fromEntries(GOSSIP_TOPICS.map((t) => [topicName(chainId, t), topicParams])),
      appSpecificScore,
      appSpecificWeight: 1,
      // Several stores may sit behind one address (a mall, a shared office): no colocation penalty.
      IPColocationFactorWeight: 0,
    }),
    scoreThresholds: { gossipThreshold: -20, publishThreshold: -50, graylistThreshold: -80 },
  }) as (components: GossipSubComponentsOf) => GossipSub;
}

/** What the gossip part needs from the network. */
export interface GossipDeps {
  chainId: string;
  limits: TopicLimits;
  log: P2pLog;
  now: () => number;
  book: Pick<PeerScoreBook, 'isBanned'>;
  /** gossipsub while the network runs. */
  pubsub(): GossipSub | undefined;
  penalize(peerId: string, offence: Offence, reason: string): void;
}

/**
 * Our topics on gossipsub: publish, subscribe, and the handlers' verdicts.
 *
 * @example
 * const gossip = new Gossip({ chainId, limits, log, now, book, pubsub: () => node?.services.pubsub, penalize });
 * gossip.onMessage('vote', async (bytes) => 'accept');
 * gossip.subscribe(node.services.pubsub);
 */
export class Gossip {
  private readonly handlers = new Map<GossipTopic, GossipHandler>();

  constructor(private readonly deps: GossipDeps) {}

  /**
   * Subscribes to our topics on a freshly built gossipsub: a message over its topic's limit is
   * rejected (and its sender penalized) before any handler sees it.
   */
  subscribe(gs: GossipSub): void {
    const { chainId, limits } = this.deps;
    for (const t of GOSSIP_TOPICS) {
      const name = topicName(chainId, t);
      gs.topicValidators.set(name, (from, msg) => {
        if (msg.data.length <= limits[t]) return TopicValidatorResult.Accept;
        this.deps.penalize(
          from.toString(),
          'oversized-message',
          `${t} message of ${msg.data.length} bytes (limit ${limits[t]})`,
        );
        return TopicValidatorResult.Reject;
      });
      gs.subscribe(name);
    }
    gs.addEventListener('gossipsub:message', (e) => void this.onGossip(e.detail));
  }

  /** See `NodeNetwork.publish`. */
  async publish(topic: GossipTopic, data: Uint8Array): Promise<void> {
    const limit = this.deps.limits[topic];
    if (data.length > limit) {
      throw new P2pError(
        'MESSAGE_TOO_LARGE',
        `${topic} message is ${data.length} bytes, the limit is ${limit} (not sent)`,
        { topic, bytes: data.length, limit },
      );
    }
    await this.rawPublish(topic, data);
  }

  /** Publishes without the local size check (tests and fuzzing only). */
  async rawPublish(topic: GossipTopic, data: Uint8Array): Promise<void> {
    await started(this.deps.pubsub()).publish(topicName(this.deps.chainId, topic), data);
  }

  /** See `NodeNetwork.onMessage`. */
  onMessage(topic: GossipTopic, handler: GossipHandler): void {
    this.handlers.set(topic, handler);
  }

  /** Peers known to be subscribed to a topic (gossip reaches them). */
  topicPeers(topic: GossipTopic): string[] {
    return started(this.deps.pubsub())
      .getSubscribers(topicName(this.deps.chainId, topic))
      .map((p) => p.toString());
  }

  private async onGossip(m: GossipsubMessage): Promise<void> {
    const gs = this.deps.pubsub();
    if (!gs) return;
    const from = m.propagationSource.toString();
    const topic = topicFromName(this.deps.chainId, m.msg.topic);
    let verdict: Validation = 'ignore';
    const handler = topic ? this.handlers.get(topic) : undefined;
    if (topic && handler && !this.deps.book.isBanned(from, this.deps.now())) {
      try {
        verdict = await handler(m.msg.data, from);
      } catch (err) {
        this.deps.log.warn(
          { topic, from, err: (err as Error).message },
          'gossip handler threw; message ignored',
        );
      }
    }
    if (!this.deps.pubsub()) return;
    gs.reportMessageValidationResult(
      m.msgId,
      from,
      verdict === 'accept'
        ? TopicValidatorResult.Accept
        : verdict === 'reject'
          ? TopicValidatorResult.Reject
          : TopicValidatorResult.Ignore,
    );
    if (verdict === 'reject')
      this.deps.penalize(from, 'invalid-message', `${topic} message rejected by the handler`);
  }
}
