/**
 * Who watches which camera's live view: the one count the node keeps of it. Each host tells it what
 * each of its clients shows (a WebSocket, the window's web contents: any object as the key), and it
 * tells its owner, the video service, whenever a camera's count changes, so a camera nobody watches
 * encodes no live JPEG.
 */
import { MAX_WATCHED_CAMERAS } from '../../contract/video';

/** A client of a host: the socket or the web contents the watch came from. */
export type LiveWatcher = object;

/**
 * The live-view watchers of every camera, counted per client (a client watching a camera counts
 * once, however often it says so).
 *
 * @example
 * const watchers = new LiveWatchers((cameraId, n) => setLive(cameraId, n > 0));
 * watchers.watch(socket, ['cam-1']); socket.on('close', () => watchers.leave(socket));
 */
export class LiveWatchers {
  private readonly byWatcher = new Map<LiveWatcher, ReadonlySet<string>>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly onChange: (cameraId: string, watchers: number) => void) {}

  /**
   * `watcher` now watches exactly `cameraIds` (duplicates count once; an empty list is
   * {@link leave}). Returns what it watches.
   */
  watch(watcher: LiveWatcher, cameraIds: readonly string[]): string[] {
    const next = new Set(cameraIds.slice(0, MAX_WATCHED_CAMERAS));
    const before = this.byWatcher.get(watcher) ?? new Set<string>();
    if (next.size === 0) this.byWatcher.delete(watcher);
    else this.byWatcher.set(watcher, next);
    for (const id of before) if (!next.has(id)) this.add(id, -1);
    for (const id of next) if (!before.has(id)) this.add(id, 1);
    return [...next];
  }

  /** `watcher` watches nothing any more (it closed, or its session may no longer see pictures). */
  leave(watcher: LiveWatcher): void {
    this.watch(watcher, []);
  }

  /** Does `watcher` watch `cameraId`? (A host sends a camera's frames only to those that do.) */
  isWatching(watcher: LiveWatcher, cameraId: string): boolean {
    return this.byWatcher.get(watcher)?.has(cameraId) ?? false;
  }

  /** How many clients watch `cameraId`. */
  count(cameraId: string): number {
    return this.counts.get(cameraId) ?? 0;
  }

  /** The cameras at least one client watches. */
  watched(): string[] {
    return [...this.counts.keys()];
  }

  private add(cameraId: string, delta: 1 | -1): void {
    const n = this.count(cameraId) + delta;
    if (n > 0) this.counts.set(cameraId, n);
    else this.counts.delete(cameraId);
    this.onChange(cameraId, n);
  }
}
