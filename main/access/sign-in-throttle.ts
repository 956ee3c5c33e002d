/** When failed sign-ins lock a name (from one address) or an address out, and for how long. */
export interface ThrottlePolicy {
  /** Failures of one name from one address before it is locked. */
  perName: number;
  /** Failures from one address, any names, before the address is locked. */
  perAddress: number;
  /** The first lockout; each further failure doubles it, up to `maxLockMs`. */
  firstLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  perName: 5,
  perAddress: 20,
  firstLockMs: 30_000,
  maxLockMs: 15 * 60_000,
};

interface Counter {
  failures: number;
  lockedUntilMs: number;
}

/**
 * Failed sign-ins, counted per (name, address) and per address, in memory. Past the threshold each
 * further failure locks the key for twice as long as the last, up to a maximum; while locked, no
 * password is checked at all. A success clears the name's counter. A name that has no user counts
 * the same as one that has, so the lockout tells nobody which names exist.
 */
export class SignInThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  /** How long until `username` may try again from `ip` (0: now). */
  retryAfterMs(username: string, ip: string, nowMs: number): number {
    const wait = Math.max(
      this.lockedFor(nameKey(username, ip), nowMs),
      this.lockedFor(addressKey(ip), nowMs),
    );
    return Math.max(0, wait);
  }

  failed(username: string, ip: string, nowMs: number): void {
    this.count(nameKey(username, ip), this.policy.perName, nowMs);
    this.count(addressKey(ip), this.policy.perAddress, nowMs);
  }

  succeeded(username: string, ip: string): void {
    this.counters.delete(nameKey(username, ip));
  }

  private lockedFor(key: string, nowMs: number): number {
    const c = this.counters.get(key);
    return c ? c.lockedUntilMs - nowMs : 0;
  }

  private count(key: string, threshold: number, nowMs: number): void {
    const c = this.counters.get(key) ?? { failures: 0, lockedUntilMs: 0 };
    c.failures++;
    if (c.failures >= threshold) {
      const lockMs = Math.min(this.policy.firstLockMs * 2 ** (c.failures - threshold), this.policy.maxLockMs);
      c.lockedUntilMs = nowMs + lockMs;
    }
    this.counters.set(key, c);
    if (this.counters.size > 100_000) this.forgetOldest();
  }

  /** Keeps memory bounded under a flood of made-up names: the oldest counters go first. */
  private forgetOldest(): void {
    const drop = this.counters.size - 50_000;
    let i = 0;
    for (const key of this.counters.keys()) {
      if (i++ >= drop) break;
      this.counters.delete(key);
    }
  }
}

function nameKey(username: string, ip: string): string {
  return `n:${username.toLowerCase()}\u0000${ip}`;
}

function addressKey(ip: string): string {
  return `a:${ip}`;
}
