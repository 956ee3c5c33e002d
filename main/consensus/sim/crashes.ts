/**
 * The crash fault injector: when each crash-faulty node goes down and comes back, planned from the
 * seed before the run. Half the crashes strike between persisting the signer state and sending the
 * vote; a node's last cycle may leave it down for good.
 */
import type { Prng } from '../../common/prng';
import type { EventQueue } from './queue';

/** What the crash injector does to a node. */
export interface CrashTarget {
  readonly up: boolean;
  /** Set: the node crashes right after persisting its next vote, before the vote leaves. */
  crashAtNextVote: boolean;
  /** Loses memory; persisted signer state and committed blocks survive. */
  crash(): void;
  /** Boots again from persisted data. */
  restart(): void;
}

/**
 * Schedules 1–3 crash/restart cycles for `node` on `queue`; returns the virtual time after which
 * it plans no more faults.
 */
export function planCrashes(node: CrashTarget, queue: EventQueue, rng: Prng): number {
  let endMs = 0;
  let t = rng.int(200, 2_000);
  const cycles = rng.int(1, 3);
  for (let c = 0; c < cycles; c++) {
    const midVote = rng.chance(0.5);
    const crashAt = t;
    const permanent = c === cycles - 1 && rng.chance(0.2);
    const restartAt = crashAt + rng.int(100, 2_500);
    queue.at(crashAt, () => {
      if (!node.up) return;
      // Half the crashes strike between persisting the signer state and sending the vote.
      if (midVote) node.crashAtNextVote = true;
      else node.crash();
    });
    if (permanent) {
      endMs = Math.max(endMs, crashAt + 1);
      break;
    }
    queue.at(restartAt, () => {
      if (node.up) node.crash();
      node.restart();
    });
    endMs = Math.max(endMs, restartAt);
    t = restartAt + rng.int(200, 1_500);
  }
  return endMs;
}
