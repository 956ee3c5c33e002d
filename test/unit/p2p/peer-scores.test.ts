import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_BACKOFF,
  OFFENCE_PENALTY,
  PeerScoreBook,
} from '../../../main/p2p/peer-scores';

describe('PeerScoreBook', () => {
  it('bans after repeated invalid messages, for banMs, and forgives afterwards', () => {
    const book = new PeerScoreBook({ banThreshold: -100, banMs: 60_000, halfLifeMs: 600_000 });
    let t = 1_000;
    let banned = false;
    let n = 0;
    while (!banned) {
      banned = book.penalize('p', 'invalid-message', 'bad signature', t).banned;
      n += 1;
      t += 10;
    }
    expect(n).toBe(Math.ceil(100 / OFFENCE_PENALTY['invalid-message']) + 1);
    expect(book.isBanned('p', t)).toBe(true);
    expect(book.bannedUntil('p', t)).toBe(t - 10 + 60_000);
    expect(book.lastReason('p')).toBe('invalid-message: bad signature');
    expect(book.banned(t)).toEqual(['p']);
    expect(book.isBanned('p', t + 60_000)).toBe(false);
    expect(book.score('p', t + 60_000)).toBe(0);
  });

  it('doubles the ban for a repeat offender, up to maxBanMs', () => {
    const book = new PeerScoreBook({ banMs: 1_000, maxBanMs: 3_000 });
    expect(book.ban('p', 'x', 0)).toBe(1_000);
    expect(book.ban('p', 'x', 10_000)).toBe(12_000);
    expect(book.ban('p', 'x', 20_000)).toBe(23_000);
    expect(book.ban('p', 'x', 30_000)).toBe(33_000);
  });

  it('decays penalties with the half-life, so old mistakes are forgiven', () => {
    const book = new PeerScoreBook({ halfLifeMs: 1_000 });
    book.penalize('p', 'invalid-block', 'bad state root', 0);
    expect(book.score('p', 0)).toBe(-50);
    expect(book.score('p', 1_000)).toBeCloseTo(-25, 6);
    expect(book.score('p', 2_000)).toBeCloseTo(-12.5, 6);
    // slow offences never reach the ban
    const slow = new PeerScoreBook({ halfLifeMs: 1_000, banThreshold: -100 });
    for (let t = 0; t < 100_000; t += 2_000)
      expect(slow.penalize('q', 'invalid-message', 'x', t).banned).toBe(false);
    expect(book.score('unknown', 0)).toBe(0);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially to the cap, with bounded jitter', () => {
    const o = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 10].map((a) => backoffDelayMs(a, o, 0.5))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffDelayMs(2, DEFAULT_BACKOFF, 0)).toBe(3_200);
    expect(backoffDelayMs(2, DEFAULT_BACKOFF, 0.999999)).toBe(4_800);
    expect(backoffDelayMs(20, DEFAULT_BACKOFF, 0.999999)).toBe(60_000);
  });
});
