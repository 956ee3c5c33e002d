import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { NodeStatus } from '../contract/node';
import type { CameraView } from '../contract/video';

/** Where the node's figures come from, read at each scrape. */
export interface MetricsSources {
  status(): NodeStatus;
  /** Transactions waiting in the mempool (0 before the ledger starts). */
  mempoolSize(): number;
  cameras(): CameraView[];
}

/**
 * The node's Prometheus metrics (prom-client): process figures (RSS, CPU, event-loop lag), the
 * chain (height, block age, time to finality), peers and mempool, each camera's fps, drops and fail-closed frames, and HTTP latency by
 * route, which the gateway observes. Gauges read their sources when scraped, so nothing runs between
 * scrapes.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly refused: Counter<'reason'>;
  private readonly finality: Histogram;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'hotpot_' });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('hotpot_chain_height', 'Finalized height of the chain', () => sources.status().height);
    gauge('hotpot_chain_block_age_seconds', 'Seconds since the newest finalized block', () => {
      const t = sources.status().blockTimeMs;
      return t === null ? -1 : (Date.now() - t) / 1000;
    });
    gauge('hotpot_peers', 'Connected peers', () => sources.status().peers);
    gauge('hotpot_syncing', '1 while the node catches up with its peers', () =>
      sources.status().syncing ? 1 : 0,
    );
    gauge('hotpot_mempool_txs', 'Transactions waiting in the mempool', () => sources.mempoolSize());
    const camera = (name: string, help: string, read: (c: CameraView) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['camera'],
        registers,
        collect() {
          this.reset();
          for (const c of sources.cameras()) {
            const v = read(c);
            if (v !== undefined) this.set({ camera: c.name }, v);
          }
        },
      });
    camera('hotpot_camera_fps', 'Frames per second the camera is captured at', (c) => c.fps);
    camera('hotpot_camera_frames_total', 'Frames processed since the camera started', (c) => c.stats?.frames);
    camera('hotpot_camera_dropped_total', 'Frames dropped since the camera started', (c) => c.stats?.dropped);
    camera(
      'hotpot_camera_fail_closed_total',
      'Frames blurred whole because detection was late (fail closed)',
      (c) => c.stats?.failClosed,
    );
    this.http = new Histogram({
      name: 'hotpot_http_request_duration_seconds',
      help: 'HTTP requests through the gateway, by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.finality = new Histogram({
      name: 'hotpot_chain_finality_seconds',
      help: "From a block's proposal (its timestamp) to its finalization on this node",
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60],
      registers,
    });
    this.refused = new Counter({
      name: 'hotpot_http_refused_total',
      help: 'Requests refused before a handler: unauthorized, forbidden, rate limited',
      labelNames: ['reason'],
      registers,
    });
  }

  /** One answered request (`route` is the route's pattern, never the raw URL). */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
    if (status === 401 || status === 403 || status === 429) this.refused.inc({ reason: String(status) });
  }

  /** A block finalized here at `nowMs` (blocks older than a minute are being synced, not finalized live: not counted). */
  observeFinalized(blockTimeMs: number, nowMs: number): void {
    const seconds = (nowMs - blockTimeMs) / 1000;
    if (seconds >= 0 && seconds <= 60) this.finality.observe(seconds);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
