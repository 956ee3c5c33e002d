import { describe, expect, it, vi } from 'vitest';
import type { Hash } from '../../main/chain/types';
import { LedgerApp, SimLedgerShared } from '../../main/consensus/sim/ledger-app';
import { runMany } from '../../main/consensus/sim/run-many';
import { runSimulation, Simulation } from '../../main/consensus/sim/simulation';
import { Prng } from '../../main/common/prng';
import { run as simCli } from '../../main/cli/sim';

// Seeds are fixed so a failure here replays with `bin/hotpot sim --runs 1 --seed <printed seed>`.
const failed = (r: { seed: number; failures: string[] }): void => {
  process.stderr.write(`consensus sim: seed ${r.seed} failed: ${r.failures.join('; ')}\n`);
};

describe('deterministic consensus simulation, 4 validators', () => {
  it('byzantine:1 — 20 seeded runs: safe, identical roots, live after heal, every double vote evidenced', () => {
    const s = runMany(
      { validators: 4, faults: { kind: 'byzantine', count: 1 }, heights: 20, seed: 20_000 },
      20,
      failed,
    );
    expect(s.failed_seeds).toEqual([]);
    expect(s.safety_violations).toBe(0);
    expect(s.state_root_mismatches).toBe(0);
    expect(s.runs_reaching_target).toBe(20);
    expect(s.double_votes).toBeGreaterThan(100);
    expect(s.evidence_committed).toBe(s.double_votes);
    expect(s.conflicting_proposals).toBeGreaterThan(0);
    expect(s.forged_votes_rejected).toBeGreaterThan(0);
    expect(s.forged_votes_accepted).toBe(0);
    expect(s.partitioned_runs).toBeGreaterThan(5);
  });

  it('crash:1 — 20 seeded runs with crashes (some between persisting and sending a vote) and restarts', () => {
    const s = runMany(
      { validators: 4, faults: { kind: 'crash', count: 1 }, heights: 20, seed: 30_000 },
      20,
      failed,
    );
    expect(s.failed_seeds).toEqual([]);
    expect(s.safety_violations).toBe(0);
    expect(s.state_root_mismatches).toBe(0);
    expect(s.runs_reaching_target).toBe(20);
    expect(s.crashes).toBeGreaterThanOrEqual(20);
    expect(s.restarts).toBeGreaterThan(10);
    expect(s.restarts_resumed_mid_height).toBeGreaterThan(5);
    // The machine never asked a restarted node to sign against its persisted signer state.
    expect(s.signer_refusals).toBe(0);
  });

  it('replays a seed exactly', () => {
    const o = { validators: 4, faults: { kind: 'byzantine' as const, count: 1 }, heights: 8, seed: 4242 };
    expect(runSimulation(o)).toEqual(runSimulation(o));
    expect(runSimulation({ ...o, seed: 4243 }).messagesSent).not.toBe(runSimulation(o).messagesSent);
  });

  it('7 validators tolerate byzantine:2', () => {
    const s = runMany(
      { validators: 7, faults: { kind: 'byzantine', count: 2 }, heights: 10, seed: 70_000 },
      3,
      failed,
    );
    expect(s.failed_seeds).toEqual([]);
    expect(s.evidence_committed).toBe(s.double_votes);
  });
});

describe('the checks themselves', () => {
  it('catch real forks when the Byzantine coalition exceeds f (byzantine:2 of 4 votes for both conflicting blocks)', () => {
    // Not every seed gives the coalition its chance (it needs a Byzantine proposer and the right split).
    const results = [900, 901, 902, 903, 904, 905].map((seed) =>
      runSimulation({
        validators: 4,
        faults: { kind: 'byzantine', count: 2 },
        heights: 10,
        seed,
        maxVirtualTimeMs: 6_000,
      }),
    );
    const forked = results.filter((r) => r.safetyViolations > 0);
    expect(forked.length).toBeGreaterThanOrEqual(4);
    expect(forked.every((r) => !r.ok && r.failures.some((f) => f.startsWith('safety:')))).toBe(true);
  });

  it('count two different honest commits at one height as a safety violation', () => {
    const sim = new Simulation(
      { validators: 4, faults: { kind: 'none', count: 0 }, heights: 1, seed: 1 },
      (_c, v) => new LedgerApp(v, new SimLedgerShared()),
    );
    const h = (c: string): Hash => `0x${c.repeat(64)}`;
    sim.recordCommit(sim.nodes[0] as never, 3, h('a'), h('1'));
    sim.recordCommit(sim.nodes[1] as never, 3, h('a'), h('2'));
    sim.recordCommit(sim.nodes[2] as never, 3, h('b'), h('1'));
    expect(sim.stats.safetyViolations).toBe(1);
    expect(sim.stats.stateRootMismatches).toBe(1);
  });

  it('the PRNG is seeded and stable', () => {
    const a = new Prng(99);
    const b = new Prng(99);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(new Prng(100).nextU32()).not.toBe(xs[0]);
    for (let i = 0; i < 1000; i++) {
      const n = a.int(3, 9);
      expect(n >= 3 && n <= 9).toBe(true);
    }
  });
});

describe('bin/hotpot sim', () => {
  it('prints one JSON line with the required fields and exits 0 when every check passes', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    let code: number;
    try {
      code = await simCli([
        '--validators',
        '4',
        '--faults',
        'crash:1',
        '--runs',
        '2',
        '--seed',
        '5',
        '--heights',
        '5',
        '--json',
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const j = JSON.parse(out[0] as string) as Record<string, unknown>;
    expect(j).toMatchObject({
      runs: 2,
      safety_violations: 0,
      runs_reaching_target: 2,
      seed: 5,
      faults: 'crash:1',
      ok: true,
    });
    for (const k of ['evidence_committed', 'double_votes', 'failed_seeds', 'wall_ms'])
      expect(j).toHaveProperty(k);
  });

  it('refuses bad flags with exit code 2', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await simCli(['--faults', 'evil:1'])).toBe(2);
      expect(await simCli(['--runs', 'x'])).toBe(2);
      expect(await simCli(['--nope'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});
