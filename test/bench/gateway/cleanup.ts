// What does bench gateway leave behind when it ends, fails or is interrupted? Nothing: every child
// process it starts and every temp dir it makes is registered here and ended or removed on the way out,
// SIGINT and SIGTERM included.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let stopping = false;

/** True once SIGINT or SIGTERM has started the clean-up (what fails after that is its doing). */
export function interrupted(): boolean {
  return stopping;
}

/** Ends `child` on the way out unless it has exited by then; returns the function that forgets it. */
export function track(child: ChildProcess): () => void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return () => children.delete(child);
}

/** Removes `dir` on the way out. */
export function trackDir(dir: string): string {
  dirs.add(dir);
  return dir;
}

/** SIGTERM to every child still running, SIGKILL to those still there after `graceMs`, then the dirs. */
export async function cleanUp(graceMs = 12_000): Promise<void> {
  const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map(
      (c) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  removeDirs();
}

function removeDirs(): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/**
 * On SIGINT/SIGTERM: stop the children, remove the dirs, exit 130. On any other exit (a crash
 * included) whatever is left is killed at once, since nothing asynchronous runs then.
 */
export function cleanUpOnSignals(say: (msg: string) => void): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the hosts and removing temp dirs`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    removeDirs();
  });
}
