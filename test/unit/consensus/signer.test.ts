import { describe, expect, it } from 'vitest';
import type { Hash } from '../../../main/chain/types';
import { checkSign, nextRecord, resumeFrom } from '../../../main/consensus/signer';

const X: Hash = `0x${'a'.repeat(64)}`;
const Y: Hash = `0x${'b'.repeat(64)}`;

describe('signer state guard', () => {
  it('signs strictly later positions, re-sends an identical one, refuses everything else', () => {
    const last = nextRecord(null, { height: 5, round: 1, step: 'prevote', blockHash: X }, '0xsig');
    expect(checkSign(null, { height: 1, round: 0, step: 'propose', blockHash: X })).toEqual({ kind: 'sign' });
    expect(checkSign(last, { height: 5, round: 1, step: 'precommit', blockHash: null })).toEqual({
      kind: 'sign',
    });
    expect(checkSign(last, { height: 5, round: 2, step: 'propose', blockHash: Y })).toEqual({ kind: 'sign' });
    expect(checkSign(last, { height: 6, round: 0, step: 'prevote', blockHash: Y })).toEqual({ kind: 'sign' });
    expect(checkSign(last, { height: 5, round: 1, step: 'prevote', blockHash: X })).toEqual({
      kind: 'reuse',
      signature: '0xsig',
    });
    expect(checkSign(last, { height: 5, round: 1, step: 'prevote', blockHash: null })).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/different value/),
    });
    expect(checkSign(last, { height: 5, round: 1, step: 'propose', blockHash: X })).toMatchObject({
      kind: 'refuse',
    });
    expect(checkSign(last, { height: 5, round: 0, step: 'precommit', blockHash: X })).toMatchObject({
      kind: 'refuse',
    });
    expect(checkSign(last, { height: 4, round: 9, step: 'precommit', blockHash: X })).toMatchObject({
      kind: 'refuse',
    });
  });

  it('remembers the lock of a non-nil precommit within the height and resumes with it', () => {
    let r = nextRecord(null, { height: 5, round: 1, step: 'precommit', blockHash: X }, '0x1');
    r = nextRecord(r, { height: 5, round: 2, step: 'prevote', blockHash: null }, '0x2');
    expect(r.lock).toEqual({ round: 1, blockHash: X });
    expect(resumeFrom(r, 5)).toEqual({ round: 2, step: 'prevote', lockedRound: 1, lockedHash: X });
    expect(resumeFrom(r, 6)).toBeUndefined();
    r = nextRecord(r, { height: 6, round: 0, step: 'prevote', blockHash: Y }, '0x3');
    expect(r.lock).toBeNull();
    expect(resumeFrom(r, 6)).toEqual({ round: 0, step: 'prevote', lockedRound: -1, lockedHash: null });
  });
});
