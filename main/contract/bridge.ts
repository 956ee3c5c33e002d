import type { Envelope } from '../common/errors';

/**
 * What the Electron preload exposes as `window.hotpot`: one function per contract method (built by
 * iterating the contract, so there is no second hand-written list), a generic `call`, and events.
 */
export interface HotpotBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  methods: Record<string, (input: unknown) => Promise<Envelope<unknown>>>;
  /** Subscribes to every pushed event; returns the unsubscribe function. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /**
   * Says which cameras' live view the window shows now (replacing what it said before; `[]` stops):
   * `video.live` events come only for those. The answer lists the cameras now watched (none when
   * the session may not receive live pictures).
   */
  watchLive(cameraIds: string[]): Promise<Envelope<{ watching: string[] }>>;
}

/** IPC channel names shared by the preload and the Electron host. */
export const IPC_CALL = 'hotpot:call';
export const IPC_EVENT = 'hotpot:event';
/** The window's {@link HotpotBridge.watchLive}: a {@link LiveWatchRequest} of main/contract/video.ts in. */
export const IPC_WATCH_LIVE = 'hotpot:watch-live';
