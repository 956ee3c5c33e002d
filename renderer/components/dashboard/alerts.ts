/**
 * What the manager's morning view warns about: sales that do not reach the chain, cameras that are
 * down, a node that sees no peers. Pure: the dashboard passes what the node said and the time.
 */
import type { SalesSummary } from '../../../main/contract/sales';
import type { CameraView } from '../../../main/contract/video';

/** A waiting sale older than this means the queue to the chain is not draining. */
export const QUEUE_STUCK_AFTER_MS = 60_000;

/** One alert; the dashboard says what happened and what to do about it. */
export type DashboardAlert =
  | { kind: 'queue-stuck'; waitingMs: number; pending: number; submitted: number }
  | { kind: 'queue-error'; error: string }
  | { kind: 'camera-down'; cameraId: string; name: string; state: CameraView['state']; message: string }
  | { kind: 'no-peers' };

/** Is a camera up (sending frames), down (the node cannot reach or use it), or stopped on purpose? */
export function cameraHealth(state: CameraView['state']): 'up' | 'down' | 'stopped' {
  if (state === 'online' || state === 'streaming') return 'up';
  return state === 'stopped' ? 'stopped' : 'down';
}

/** What the dashboard knows; a part it may not read or has not loaded yet is left out. */
export interface AlertInput {
  nowMs: number;
  queue?: SalesSummary['queue'];
  cameras?: ReadonlyArray<Pick<CameraView, 'id' | 'name' | 'state' | 'message'>>;
  peers?: number;
}

/** The alerts, most urgent first: sales not reaching the chain, then cameras down, then no peers. */
export function dashboardAlerts(input: AlertInput): DashboardAlert[] {
  const alerts: DashboardAlert[] = [];
  const q = input.queue;
  if (q?.lastError) alerts.push({ kind: 'queue-error', error: q.lastError });
  if (q?.oldestWaitingAcceptedMs != null) {
    const waitingMs = input.nowMs - q.oldestWaitingAcceptedMs;
    if (waitingMs > QUEUE_STUCK_AFTER_MS)
      alerts.push({ kind: 'queue-stuck', waitingMs, pending: q.pending, submitted: q.submitted });
  }
  for (const c of input.cameras ?? [])
    if (cameraHealth(c.state) === 'down')
      alerts.push({ kind: 'camera-down', cameraId: c.id, name: c.name, state: c.state, message: c.message });
  if (input.peers === 0) alerts.push({ kind: 'no-peers' });
  return alerts;
}

/** How long something has waited, in the largest whole unit: `3 mins`, `2 hrs`, `75 secs` (`3 мин` in Russian). */
export function formatWait(ms: number, locale: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [value, unit] =
    s >= 7200 ? [Math.floor(s / 3600), 'hour'] : s >= 120 ? [Math.floor(s / 60), 'minute'] : [s, 'second'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
