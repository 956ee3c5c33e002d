import type { Startable } from '../common/startable';

/** A named service in the start order. */
export interface Component {
  name: string;
  service: Startable;
}

/** Logs what the lifecycle does; the app passes its pino logger. */
export interface LifecycleLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Starts components in order and stops them in reverse. If a start fails, the ones already
 * started are stopped again before the error is rethrown, so nothing is left running.
 * Each stop gets `stopTimeoutMs`; a stop that hangs is logged and skipped so the rest still stop.
 */
export class Lifecycle {
  private readonly started: Component[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly components: Component[],
    private readonly log: LifecycleLog,
    private readonly stopTimeoutMs = 8_000,
  ) {}

  /** Starts every component in order; on failure stops what started and rethrows. */
  async start(): Promise<void> {
    for (const c of this.components) {
      const t0 = performance.now();
      try {
        await c.service.start();
      } catch (err) {
        this.log.error({ component: c.name, err }, 'start failed; stopping what already started');
        await this.stop();
        throw err;
      }
      this.started.push(c);
      this.log.info({ component: c.name, ms: Math.round(performance.now() - t0) }, 'started');
    }
  }

  /** Stops started components in reverse order. Idempotent; concurrent calls share one stop. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    while (this.started.length > 0) {
      const c = this.started.pop()!;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
      });
      try {
        const r = await Promise.race([c.service.stop().then(() => 'ok' as const), timeout]);
        if (r === 'timeout') this.log.error({ component: c.name, ms: this.stopTimeoutMs }, 'stop timed out');
        else this.log.info({ component: c.name }, 'stopped');
      } catch (err) {
        this.log.error({ component: c.name, err }, 'stop failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
