import { readdirSync, readFileSync } from 'node:fs';

/** Every process's command line and environment on this machine (those this user can read). */
export function processTexts(): Array<{ pid: number; cmdline: string; environ: string }> {
  const out: Array<{ pid: number; cmdline: string; environ: string }> = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      out.push({
        pid: Number(pid),
        cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '),
        environ: readFileSync(`/proc/${pid}/environ`, 'utf8').replace(/\0/g, '\n'),
      });
    } catch {
      // gone, or another user's
    }
  }
  return out;
}

/** The pids under `root` (itself included). */
export function processTree(root: number): Set<number> {
  const parent = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return tree;
}
