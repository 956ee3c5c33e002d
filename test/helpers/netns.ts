import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Network namespaces for tests that need multicast (mDNS): a fresh user + network namespace made
 * with `unshare -rn`, whose only interface is `lo` with multicast on and a route for 224.0.0.0/4.
 * Nothing sent inside can leave it: there is no other interface. Child processes join it with
 * `nsenter`, so each keeps its own stdio pipes to the test.
 *
 * @example
 * const support = netnsSupport();
 * describe.skipIf(!support.ok)(`mDNS (${support.reason ?? 'namespace ok'})`, () => { ... });
 * const ns = await createNetns();
 * const child = ns.spawn(process.execPath, ['peer.mjs']);
 * await ns.close();
 */

/** The commands that prepare the namespace's loopback for multicast. */
export const NETNS_SETUP =
  'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

/** Whether namespaces work here; when not, `reason` says why (print it as the skip reason). */
export function netnsSupport(): { ok: boolean; reason?: string } {
  for (const tool of ['unshare', 'nsenter', 'ip']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    if (r.status !== 0)
      return { ok: false, reason: `skipped: ${tool} is not installed (util-linux / iproute2)` };
  }
  const r = spawnSync('unshare', ['-rn', 'sh', '-c', `${NETNS_SETUP} && ip -o link`], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status !== 0) {
    return {
      ok: false,
      reason: `skipped: cannot make a user+network namespace here (unshare -rn: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}); unprivileged user namespaces may be disabled (kernel.unprivileged_userns_clone / apparmor_restrict_unprivileged_userns)`,
    };
  }
  return { ok: true };
}

/** A live namespace: spawn processes in it, then close it. */
export interface Netns {
  /** Pid of the process that holds the namespace open. */
  readonly pid: number;
  /** Spawns `cmd args` inside the namespace (through nsenter). */
  spawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Runs a shell command inside the namespace and returns its stdout (throws on failure). */
  sh(script: string): string;
  /** Kills every process this helper spawned, then the holder; the namespace goes with the last of them. */
  close(): Promise<void>;
}

/**
 * Makes a fresh namespace (see the module comment). Throws with the reason when it cannot. With
 * `parent`, the new network namespace is made inside the parent's user namespace, so the two can be
 * joined with `veth` (a second LAN segment).
 */
export async function createNetns(parent?: Netns): Promise<Netns> {
  const script = `${NETNS_SETUP} && echo ready && exec sleep 2147483647`;
  const holder = parent
    ? spawn(
        'nsenter',
        ['-t', String(parent.pid), '-U', '--preserve-credentials', 'unshare', '-n', 'sh', '-c', script],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn('unshare', ['-rn', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  holder.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`namespace did not come up in 10 s: ${stderr}`)), 10_000);
    holder.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    holder.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`unshare -rn exited with ${code}: ${stderr.trim()}`));
    });
  });
  const pid = holder.pid;
  if (pid === undefined) throw new Error('unshare did not start');
  const children: ChildProcess[] = [];
  const enter = ['-t', String(pid), '-U', '-n', '--preserve-credentials'];
  return {
    pid,
    spawn(cmd, args, opts = {}) {
      const c = spawn('nsenter', [...enter, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
      children.push(c);
      return c;
    },
    sh(script) {
      const r = spawnSync('nsenter', [...enter, 'sh', '-c', script], { encoding: 'utf8', timeout: 10_000 });
      if (r.status !== 0) throw new Error(`in the namespace, ${script} failed: ${r.stderr}`);
      return r.stdout;
    },
    async close() {
      await Promise.all(children.map((c) => stopChild(c)));
      await stopChild(holder);
    },
  };
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
export async function stopChild(c: ChildProcess, graceMs = 3_000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/**
 * Joins two namespaces (of one user namespace) with a veth pair: `nameA` with `cidrA` in `a`,
 * `nameB` with `cidrB` in `b`, both up with multicast on. Like plugging two machines into one switch port pair.
 *
 * @example await veth(mid, left, 'vl', 'vl0', '10.1.0.1/24', '10.1.0.2/24')
 */
export function veth(a: Netns, b: Netns, nameA: string, nameB: string, cidrA: string, cidrB: string): void {
  a.sh(
    `ip link add ${nameA} type veth peer name ${nameB} netns ${b.pid} && ip addr add ${cidrA} dev ${nameA} && ip link set ${nameA} up multicast on`,
  );
  b.sh(`ip addr add ${cidrB} dev ${nameB} && ip link set ${nameB} up multicast on`);
  // Node lists an interface only once it is running (has carrier), which takes a moment after "up".
  const waitCarrier = (name: string) =>
    `for i in $(seq 100); do ip -o link show ${name} | grep -q NO-CARRIER || exit 0; sleep 0.05; done; exit 1`;
  a.sh(waitCarrier(nameA));
  b.sh(waitCarrier(nameB));
}
