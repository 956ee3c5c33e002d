import type { NodeStatus } from '../contract/node';
import type { EventBus } from './events';
import type { Startable } from '../common/startable';

/** What the status needs to know of the ledger. The node driver implements it. */
export interface ChainStatusSource {
  chainId(): string;
  /** The last committed block, or null before the first. */
  head(): { height: number; hash: string; timeMs: number } | null;
  syncing(): boolean;
  isValidator(): boolean;
}

/** What the status needs to know of the network. */
export interface PeerCountSource {
  peerCount(): number;
}

export interface StatusServiceDeps {
  chain: ChainStatusSource;
  network: PeerCountSource;
  bus: EventBus;
  now: () => number;
}

export interface StatusServiceOptions {
  version: string;
  /** How often the status is pushed to the UI. */
  pushIntervalMs: number;
}

/** Builds the node's status and pushes it to the UI every `pushIntervalMs` (`node.status` event). */
export class StatusService implements Startable {
  private readonly startedAtMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: StatusServiceOptions,
    private readonly deps: StatusServiceDeps,
  ) {
    this.startedAtMs = deps.now();
  }

  /** The status right now. */
  status(): NodeStatus {
    const head = this.deps.chain.head();
    return {
      chainId: this.deps.chain.chainId(),
      height: head?.height ?? 0,
      hash: head?.hash ?? null,
      blockTimeMs: head?.timeMs ?? null,
      peers: this.deps.network.peerCount(),
      syncing: this.deps.chain.syncing(),
      version: this.opts.version,
      validator: this.deps.chain.isValidator(),
      uptimeMs: Math.max(0, Math.round(this.deps.now() - this.startedAtMs)),
    };
  }

  async start(): Promise<void> {
    this.timer = setInterval(
      () => this.deps.bus.emit('node.status', this.status()),
      this.opts.pushIntervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
}
