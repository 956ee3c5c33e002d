import { describe, expect, it } from 'vitest';
import {
  cameraHealth,
  dashboardAlerts,
  formatWait,
  QUEUE_STUCK_AFTER_MS,
} from '../../../renderer/components/dashboard/alerts';

const NOW = 1_800_000_000_000;
const queue = { pending: 0, submitted: 0, oldestWaitingAcceptedMs: null, lastError: null };

describe('dashboard alerts', () => {
  it('is quiet when sales drain, cameras are up and there are peers', () => {
    expect(
      dashboardAlerts({
        nowMs: NOW,
        queue: { ...queue, pending: 3, oldestWaitingAcceptedMs: NOW - 5_000 },
        cameras: [{ id: 'c1', name: 'Hall', state: 'streaming', message: '' }],
        peers: 2,
      }),
    ).toEqual([]);
  });

  it('warns of a queue whose oldest sale waited over a minute, and of its last error', () => {
    const alerts = dashboardAlerts({
      nowMs: NOW,
      queue: {
        pending: 4,
        submitted: 1,
        oldestWaitingAcceptedMs: NOW - QUEUE_STUCK_AFTER_MS - 1,
        lastError: 'refused: nonce',
      },
    });
    expect(alerts).toEqual([
      { kind: 'queue-error', error: 'refused: nonce' },
      { kind: 'queue-stuck', waitingMs: QUEUE_STUCK_AFTER_MS + 1, pending: 4, submitted: 1 },
    ]);
    expect(
      dashboardAlerts({
        nowMs: NOW,
        queue: { ...queue, oldestWaitingAcceptedMs: NOW - QUEUE_STUCK_AFTER_MS },
      }),
    ).toEqual([]);
  });

  it('names each camera that is down, not those stopped on purpose, and warns of no peers', () => {
    const alerts = dashboardAlerts({
      nowMs: NOW,
      cameras: [
        { id: 'a', name: 'Door', state: 'offline', message: 'no answer' },
        { id: 'b', name: 'Till', state: 'auth-failed', message: '401' },
        { id: 'c', name: 'Store', state: 'stopped', message: '' },
        { id: 'd', name: 'Hall', state: 'online', message: '' },
      ],
      peers: 0,
    });
    expect(alerts.map((a) => ('cameraId' in a ? a.cameraId : a.kind))).toEqual(['a', 'b', 'no-peers']);
    expect(dashboardAlerts({ nowMs: NOW })).toEqual([]);
  });

  it('sorts camera states', () => {
    expect(
      ['online', 'streaming', 'offline', 'auth-failed', 'error', 'stopped'].map((s) =>
        cameraHealth(s as never),
      ),
    ).toEqual(['up', 'up', 'down', 'down', 'down', 'stopped']);
  });

  it('says how long sales waited in each language', () => {
    expect(formatWait(75_000, 'en-GB')).toBe('75 secs');
    expect(formatWait(5 * 60_000, 'en-GB')).toBe('5 mins');
    expect(formatWait(3 * 3_600_000, 'en-GB')).toBe('3 hrs');
    expect(formatWait(5 * 60_000, 'ru-RU')).toBe('5 мин');
  });
});
