/**
 * A small seeded PRNG for the deterministic simulations (consensus, the POS model): xoshiro128** (Blackman, Vigna 2018) seeded
 * through splitmix32. 32-bit integer arithmetic only, so a seed replays identically everywhere.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Seeded random numbers.
 *
 * @example
 * const rng = new Prng(42);
 * rng.int(0, 10); // the same number every time for seed 42
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /**
   * An element chosen with probability proportional to its weight (weights ≥ 0, not all 0).
   *
   * @example rng.weighted([['card', 55], ['cash', 15]]); // 'card' 55 times in 70
   */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let x = this.float() * total;
    for (const [value, w] of choices) {
      x -= w;
      if (x < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  /** An exponentially distributed wait with mean `mean` (the gap between arrivals of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** 32 pseudo-random bytes (for deterministic test keys and fake hashes). */
  bytes32(): Uint8Array {
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i += 4) {
      const x = this.nextU32();
      out[i] = x & 0xff;
      out[i + 1] = (x >>> 8) & 0xff;
      out[i + 2] = (x >>> 16) & 0xff;
      out[i + 3] = x >>> 24;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * One 32-bit seed from several numbers (a run's seed and a day, a terminal…), so each sub-stream of
 * a simulation has its own generator and replays alone: the same parts give the same seed.
 *
 * @example new Prng(seedOf(42, dayNumber)); // the same day's stream whatever was generated before
 */
export function seedOf(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // Both 32-bit halves of a safe integer (days since 1970, ms) count, not just the low one.
    for (const word of [part >>> 0, Math.floor(part / 4294967296) >>> 0]) {
      h = Math.imul(h ^ word, 0x01000193) >>> 0;
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
      h = (h ^ (h >>> 15)) >>> 0;
    }
  }
  return h;
}
