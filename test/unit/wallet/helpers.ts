import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { WalletEvent } from '../../../main/contract/wallet';
import { WorkerKdfRunner } from '../../../main/wallet/kdf-runner';
import {
  WalletService,
  type WalletServiceDeps,
  type WalletServiceOptions,
} from '../../../main/wallet/wallet-service';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let built: Promise<string> | undefined;

/**
 * Bundles main/wallet/kdf.worker.ts the way scripts/build.mjs does, into test/.tmp, so unit tests run
 * the real worker without a full `bin/hotpot setup`.
 */
export function kdfWorkerFile(): Promise<string> {
  built ??= (async () => {
    const dir = join(ROOT, 'test', '.tmp', 'wallet');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'kdf.worker.mjs');
    const tmp = join(dir, `kdf.worker.${process.pid}.${randomBytes(4).toString('hex')}.mjs`);
    await build({
      entryPoints: [join(ROOT, 'main', 'wallet', 'kdf.worker.ts')],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      logLevel: 'error',
    });
    renameSync(tmp, out);
    if (!existsSync(out)) throw new Error('kdf worker build failed');
    return out;
  })();
  return built;
}

/** Timers the test advances by hand. */
export class ManualTimers {
  nowMs = 1_700_000_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.nowMs + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.pending.delete(h as number);
  };
  now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
    for (const [id, t] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.nowMs && this.pending.has(id)) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
  get count(): number {
    return this.pending.size;
  }
}

/** Low scrypt cost for tests (explicitly allowed); the shipped default stays 2^17. */
export const TEST_KDF = { N: 2 ** 10, r: 8, p: 1 };

/** A fresh temp data dir, removed by the returned cleanup. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-wallet-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A wallet service over a temp data dir with the real KDF worker and manual timers. */
export async function makeWallet(
  dir: string,
  opts: Partial<WalletServiceOptions> = {},
  deps: Partial<WalletServiceDeps> = {},
) {
  const timers = new ManualTimers();
  const events: WalletEvent[] = [];
  const kdf = new WorkerKdfRunner({ workerFile: await kdfWorkerFile() });
  const wallet = new WalletService(
    { dataDir: dir, kdf: TEST_KDF, allowWeakKdf: true, ...opts },
    {
      kdf,
      random: (n) => new Uint8Array(randomBytes(n)),
      now: timers.now,
      timers,
      emit: (e) => events.push(e),
      ...deps,
    },
  );
  await wallet.start();
  return { wallet, timers, events, kdf };
}
