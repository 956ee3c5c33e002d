import { describe, expect, it } from 'vitest';
import { MAX_WATCHED_CAMERAS } from '../../../../main/contract/video';
import { LiveWatchers } from '../../../../main/video/live/watchers';

describe('LiveWatchers', () => {
  it('counts each client once per camera and says every change', () => {
    const changes: Array<[string, number]> = [];
    const w = new LiveWatchers((id, n) => changes.push([id, n]));
    const a = {};
    const b = {};
    expect(w.watch(a, ['cam-1', 'cam-1', 'cam-2'])).toEqual(['cam-1', 'cam-2']);
    w.watch(b, ['cam-1']);
    w.watch(a, ['cam-1', 'cam-2']); // the same again: no change
    expect([w.count('cam-1'), w.count('cam-2')]).toEqual([2, 1]);
    expect(w.isWatching(a, 'cam-2')).toBe(true);
    expect(w.isWatching(b, 'cam-2')).toBe(false);
    w.watch(a, ['cam-3']); // replaces what it watched
    expect(w.watched().sort()).toEqual(['cam-1', 'cam-3']);
    w.leave(a);
    w.leave(b);
    w.leave(b); // twice: nothing more
    expect(w.watched()).toEqual([]);
    expect(changes).toEqual([
      ['cam-1', 1],
      ['cam-2', 1],
      ['cam-1', 2],
      ['cam-1', 1],
      ['cam-2', 0],
      ['cam-3', 1],
      ['cam-3', 0],
      ['cam-1', 0],
    ]);
  });

  it(`keeps at most ${MAX_WATCHED_CAMERAS} cameras per client`, () => {
    const w = new LiveWatchers(() => undefined);
    const ids = Array.from({ length: MAX_WATCHED_CAMERAS + 10 }, (_, i) => `c${i}`);
    expect(w.watch({}, ids)).toHaveLength(MAX_WATCHED_CAMERAS);
    expect(w.watched()).toHaveLength(MAX_WATCHED_CAMERAS);
  });
});
