import { describe, expect, it } from 'vitest';
import { Prng } from '../../main/common/prng';
import { runWanSweep } from '../../main/consensus/sim/wan-sweep';
import { DEFAULT_WAN, type WanModel, checkWan, wanDelay, wanMesh } from '../../main/consensus/sim/wan';

describe('the WAN model of the simulation', () => {
  it('delays each message by its regions’ latency ± jitter and loses about the configured share', () => {
    const wan: WanModel = { ...DEFAULT_WAN, loss: 0.05 };
    const rng = new Prng(7);
    let lost = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const from = i % 5;
      const to = (i * 3 + 1) % 5;
      const d = wanDelay(wan, from, to, rng);
      if (d === null) {
        lost++;
        continue;
      }
      const base = wan.latencyMs[from]?.[to] as number;
      expect(d).toBeGreaterThanOrEqual(base * (1 - wan.jitter));
      expect(d).toBeLessThanOrEqual(base * (1 + wan.jitter));
    }
    expect(lost / draws).toBeGreaterThan(0.04);
    expect(lost / draws).toBeLessThan(0.06);
  });

  it('builds a connected mesh whose links go both ways, at most meshDegree per node', () => {
    for (const n of [4, 7, 31, 100]) {
      const mesh = wanMesh(n, 8, new Prng(n));
      for (const [a, peers] of mesh.entries()) {
        expect(peers.length).toBeLessThanOrEqual(8);
        for (const b of peers) expect(mesh[b]).toContain(a);
      }
      const seen = new Set([0]);
      const todo = [0];
      while (todo.length > 0)
        for (const b of mesh[todo.pop() as number] ?? []) if (!seen.has(b) && seen.add(b)) todo.push(b);
      expect(seen.size).toBe(n);
    }
  });

  it('refuses a matrix that does not match its regions', () => {
    expect(() => checkWan({ ...DEFAULT_WAN, latencyMs: [[1, 2]] })).toThrow(/5×5/);
  });

  it('replays a seed exactly, and finality follows the latencies', () => {
    const run = (wan: WanModel) =>
      runWanSweep({ sizes: [4, 7], seed: 3, wan, heightsFor: () => 6 }).map(({ wall_ms: _, ...r }) => r);
    const a = run(DEFAULT_WAN);
    expect(run(DEFAULT_WAN)).toEqual(a);
    for (const r of a) {
      expect(r.reached_target).toBe(true);
      expect(r.safety_violations).toBe(0);
      // Four validators in four regions: a quorum needs another region's votes, and a height needs
      // three message delays (proposal, prevote, precommit) of at least 20 ms − 10 % each.
      expect(r.finality_p50_ms).toBeGreaterThanOrEqual(54);
    }
    const slow = run({
      ...DEFAULT_WAN,
      latencyMs: DEFAULT_WAN.latencyMs.map((row) => row.map((ms) => ms * 3)),
    });
    expect(slow[0]?.finality_p50_ms).toBeGreaterThan((a[0]?.finality_p50_ms ?? 0) * 2);
  });
});
