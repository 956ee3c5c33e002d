/**
 * The process tree of a camera run, read from /proc: each process's role (the node with its capture
 * and detector threads, or one of the ffmpegs it runs), CPU seconds and resident memory.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** What a process of a camera run does, from its command line. */
export type CpuRole = 'node' | 'decoder' | 'recorder' | 'live' | 'other';
export function roleOf(pid: number, root: number): CpuRole {
  if (pid === root) return 'node';
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return 'other';
  }
  if (!/ffmpeg/.test(cmd)) return 'other';
  if (/ -i - /.test(cmd)) return /libx264/.test(cmd) ? 'recorder' : /mjpeg/.test(cmd) ? 'live' : 'other';
  return 'decoder';
}

/**
 * `pid` and its descendants as /proc shows them now: for each, the fields of /proc/PID/stat after
 * the command name (state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14], rss [21]).
 */
export function procTree(pid: number): Map<number, string[]> {
  const parent = new Map<number, number>();
  const fields = new Map<number, string[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      fields.set(Number(name), f);
    } catch {
      // the process exited while we looked
    }
  }
  const inTree = (p: number): boolean => {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = parent.get(q))
      if (q === pid) return true;
    return false;
  };
  return new Map([...fields].filter(([p]) => inTree(p)));
}

/**
 * CPU seconds used so far by `pid` and all its descendants (reaped children included), in all and
 * by role (the node process with its threads, and each kind of ffmpeg it runs).
 */
export function treeCpu(pid: number): { total: number; byRole: Record<CpuRole, number> } {
  const byRole: Record<CpuRole, number> = { node: 0, decoder: 0, recorder: 0, live: 0, other: 0 };
  let total = 0;
  for (const [p, f] of procTree(pid)) {
    const t = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
    total += t;
    byRole[roleOf(p, pid)] += t;
  }
  return { total, byRole };
}

/** Resident memory of `pid` and its descendants (threads included), in bytes. */
export function treeRss(pid: number): number {
  let total = 0;
  for (const f of procTree(pid).values()) total += Number(f[21]) * 4096;
  return total;
}

/** Resident memory of `pid` and its descendants by role, in bytes. */
export function treeRssByRole(pid: number): Record<CpuRole, number> {
  const byRole: Record<CpuRole, number> = { node: 0, decoder: 0, recorder: 0, live: 0, other: 0 };
  for (const [p, f] of procTree(pid)) byRole[roleOf(p, pid)] += Number(f[21]) * 4096;
  return byRole;
}
