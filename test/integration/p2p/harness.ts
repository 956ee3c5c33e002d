import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stopChild } from '../../helpers/netns';
import type { PeerConfig } from './peer';

/** A message a test peer received, as it reported it. */
export interface Received {
  topic: string;
  body: string;
  from: string;
  sentAtMs: number;
  atMs: number;
}

/** One test peer process, driven over its stdio. */
export class PeerProc {
  peerId = '';
  addrs: string[] = [];
  /** The interfaces its mDNS answers on, as it reported at start. */
  mdnsInterfaces: Array<{ name: string; address: string }> = [];
  readonly received: Received[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';
  readonly ready: Promise<void>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    let onReady: () => void = () => {};
    let onFail: (e: Error) => void = () => {};
    this.ready = new Promise<void>((res, rej) => ((onReady = res), (onFail = rej)));
    proc.on('exit', (code) => {
      onFail(new Error(`peer ${name} exited with ${code} before it was ready: ${this.stderr}`));
      for (const p of this.pending.values()) p.reject(new Error(`peer ${name} exited (${code})`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (e.ev === 'ready') {
        this.peerId = e.peerId as string;
        this.addrs = e.addrs as string[];
        this.mdnsInterfaces = (e.mdnsInterfaces as PeerProc['mdnsInterfaces'] | undefined) ?? [];
        onReady();
      } else if (e.ev === 'msg') {
        this.received.push(e as unknown as Received);
      } else if (e.ev === 'reply') {
        const p = this.pending.get(e.id as number);
        this.pending.delete(e.id as number);
        if (e.ok) p?.resolve(e.value);
        else {
          const err = e.error as { code?: string; message: string };
          p?.reject(Object.assign(new Error(err.message), { code: err.code }));
        }
      }
    });
  }

  /** Sends a command and waits for its reply. */
  request<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n');
    });
  }

  /** Last lines of the peer's stderr (for failure messages). */
  errors(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    await stopChild(this.proc);
  }
}

/**
 * Starts a test peer (`node ...entry '<cfg JSON>'`) with `spawnFn` (plain node, or inside a
 * namespace) and waits until it listens. `entry` is the bundled peer-main, or a bench script and `--peer`.
 */
export async function startPeer(
  name: string,
  entry: string | string[],
  cfg: PeerConfig,
  spawnFn: (cmd: string, args: string[]) => ChildProcess = (c, a) =>
    spawn(c, a, { stdio: ['pipe', 'pipe', 'pipe'] }),
): Promise<PeerProc> {
  const p = new PeerProc(
    name,
    spawnFn(process.execPath, [...(Array.isArray(entry) ? entry : [entry]), JSON.stringify(cfg)]),
  );
  await p.ready;
  return p;
}
