/**
 * A wide-area network for the simulation (`bin/hotpot sim --wan`): validators spread round-robin over
 * regions, a one-way latency between each pair of regions, jitter around it and random loss. Every
 * draw comes from the run's `Prng`, so a seed replays the same deliveries.
 */
import type { Prng } from '../../common/prng';
import { ConsensusError } from '../errors';

/** Latency between regions, jitter and loss. */
export interface WanModel {
  /** Region names, for the report. */
  regions: readonly string[];
  /** One-way latency in ms from region i to region j (`latencyMs[i][j]`); the diagonal is within a region. */
  latencyMs: readonly (readonly number[])[];
  /** Each delay is the latency × (1 ± up to this fraction), uniformly. */
  jitter: number;
  /** Chance that a message is lost. */
  loss: number;
  /**
   * Peers each node relays others' messages to, like a gossipsub mesh (its D is 6–12); a node's own
   * messages still go to every peer (gossipsub's flood publish, on by default in js-libp2p).
   */
  meshDegree: number;
}

/**
 * Five regions of a franchise spread over a continent and beyond: 3 ms inside a region, 20–150 ms
 * between regions (about what public measurements give between cloud regions 1,000–12,000 km apart),
 * ±10 % jitter, 0.5 % loss.
 */
export const DEFAULT_WAN: WanModel = {
  regions: ['north', 'center', 'south', 'east', 'west'],
  latencyMs: [
    [3, 20, 45, 80, 120],
    [20, 3, 25, 60, 100],
    [45, 25, 3, 70, 150],
    [80, 60, 70, 3, 140],
    [120, 100, 150, 140, 3],
  ],
  jitter: 0.1,
  loss: 0.005,
  meshDegree: 8,
};

/** Throws `INVALID_PARAMS` unless the matrix is square over the regions, latencies ≥ 0, jitter in [0, 1) and loss in [0, 1). */
export function checkWan(w: WanModel): void {
  const n = w.regions.length;
  const square = n > 0 && w.latencyMs.length === n && w.latencyMs.every((row) => row.length === n);
  if (!square)
    throw new ConsensusError('INVALID_PARAMS', `the latency matrix must be ${n}×${n}, one row per region`);
  if (w.latencyMs.some((row) => row.some((ms) => !Number.isFinite(ms) || ms < 0)))
    throw new ConsensusError('INVALID_PARAMS', 'every latency must be a finite number of ms ≥ 0');
  if (!(w.jitter >= 0 && w.jitter < 1))
    throw new ConsensusError('INVALID_PARAMS', `jitter must be in [0, 1), got ${w.jitter}`);
  if (!(w.loss >= 0 && w.loss < 1))
    throw new ConsensusError('INVALID_PARAMS', `loss must be in [0, 1), got ${w.loss}`);
  if (!Number.isInteger(w.meshDegree) || w.meshDegree < 2)
    throw new ConsensusError(
      'INVALID_PARAMS',
      `the mesh degree must be a whole number ≥ 2, got ${w.meshDegree}`,
    );
}

/**
 * A random regular mesh over `n` nodes: the nodes in a seeded random order on a ring, each linked to
 * its `degree / 2` nearest on either side (every node in at most `degree` links, the mesh connected,
 * links both ways).
 */
export function wanMesh(n: number, degree: number, rng: Prng): number[][] {
  const ring = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const mesh = Array.from({ length: n }, () => new Set<number>());
  const reach = Math.min(Math.floor(degree / 2), Math.floor((n - 1) / 2));
  for (let pos = 0; pos < n; pos++)
    for (let k = 1; k <= Math.max(1, reach); k++) {
      const a = ring[pos] as number;
      const b = ring[(pos + k) % n] as number;
      if (a === b) continue;
      mesh[a]?.add(b);
      mesh[b]?.add(a);
    }
  return mesh.map((s) => [...s].sort((x, y) => x - y));
}

/** The region of node `index` (round-robin). */
export function regionOf(w: WanModel, index: number): number {
  return index % w.regions.length;
}

/** One message's fate from node `from` to node `to`: its delay in ms, or null when it is lost. */
export function wanDelay(w: WanModel, from: number, to: number, rng: Prng): number | null {
  if (rng.chance(w.loss)) return null;
  const base = (w.latencyMs[regionOf(w, from)] as readonly number[])[regionOf(w, to)] as number;
  return base * (1 + w.jitter * (2 * rng.float() - 1));
}
