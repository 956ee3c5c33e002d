/**
 * `bench video --parts soak [--soak-minutes 30]`: one 1080p 10 fps camera (the node's capture worker
 * with the camera default detector) on a one-minute CCTV-like clip with sensor noise 4, looped, for
 * the given minutes; the resident memory of its process tree is sampled every `sampleS` seconds, by
 * role. Reported: memory after the first minute (warm), at the end, the peak, and the slope of a
 * least-squares line through the samples after the first minute (MB per 10 minutes): flat is a slope
 * within ±2% of the warm figure per 10 minutes.
 */
import type { ChildProcess } from 'node:child_process';
import { procTree, treeRssByRole, type CpuRole } from './proc-tree';

export interface SoakOptions {
  minutes: number;
  /** seconds between samples */
  sampleS: number;
  /** starts the camera (looping its clip) as a child process that prints status lines */
  start: () => ChildProcess;
  log: (s: string) => void;
}

interface Sample {
  minute: number;
  rss_mb: number;
  by_role_mb: Record<CpuRole, number>;
  processes: number;
}

const mb = (b: number): number => Math.round(b / 2 ** 20);

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

export async function soak(o: SoakOptions): Promise<Record<string, unknown>> {
  const child = o.start();
  let lastStatus: Record<string, unknown> = {};
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lastStatus = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // a partial or foreign line: the next one will do
      }
    }
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const samples: Sample[] = [];
  const t0 = performance.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone && performance.now() - t0 < o.minutes * 60_000) {
    await Promise.race([new Promise((r) => setTimeout(r, o.sampleS * 1000)), exited]);
    if (gone) break;
    const byRole = treeRssByRole(child.pid!);
    const s: Sample = {
      minute: Number(((performance.now() - t0) / 60_000).toFixed(2)),
      rss_mb: mb(Object.values(byRole).reduce((a, b) => a + b, 0)),
      by_role_mb: Object.fromEntries(Object.entries(byRole).map(([k, v]) => [k, mb(v)])) as Record<
        CpuRole,
        number
      >,
      processes: procTree(child.pid!).size,
    };
    samples.push(s);
    if (samples.length % Math.max(1, Math.round(300 / o.sampleS)) === 0)
      o.log(`soak: minute ${s.minute.toFixed(1)}: ${s.rss_mb} MB ${JSON.stringify(s.by_role_mb)}`);
  }
  child.kill('SIGTERM');
  await exited;
  const warm = samples.filter((s) => s.minute >= 1);
  const first = warm[0];
  const last = warm.at(-1);
  const perTen =
    warm.length > 2
      ? slope(
          warm.map((s) => s.minute),
          warm.map((s) => s.rss_mb),
        ) * 10
      : NaN;
  return {
    method:
      'one 1080p 10 fps camera (capture worker, camera default detector, recorder, live view) on a looped one-minute CCTV-like clip with sensor noise 4; RSS of its process tree sampled from /proc',
    minutes: o.minutes,
    ended_early: gone && (last?.minute ?? 0) < o.minutes - 0.5,
    last_status: { state: lastStatus.state, stats: lastStatus.stats },
    warm_mb: first?.rss_mb,
    end_mb: last?.rss_mb,
    peak_mb: Math.max(...samples.map((s) => s.rss_mb)),
    warm_by_role_mb: first?.by_role_mb,
    end_by_role_mb: last?.by_role_mb,
    slope_mb_per_10_min: Number(perTen.toFixed(1)),
    flat: first !== undefined && Math.abs(perTen) <= 0.02 * first.rss_mb,
    samples: samples.map((s) => [s.minute, s.rss_mb]),
  };
}
