import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { computeKdf, DEFAULT_SCRYPT, type KdfRequest } from '../../../main/wallet/kdf';
import { WorkerKdfRunner } from '../../../main/wallet/kdf-runner';
import { kdfWorkerFile } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

describe('the KDF worker', () => {
  it('derives the same bytes as the inline computation (scrypt and pbkdf2)', async () => {
    const runner = new WorkerKdfRunner({ workerFile: await kdfWorkerFile() });
    const reqs: KdfRequest[] = [
      { alg: 'scrypt', password: enc('pw'), salt: enc('saltsalt'), N: 1024, r: 8, p: 1, dkLen: 64 },
      { alg: 'pbkdf2-sha256', password: enc('pw'), salt: enc('saltsalt'), c: 1000, dkLen: 32 },
    ];
    for (const req of reqs) {
      const inline = computeKdf({ ...req, password: enc('pw') });
      expect(bytesToHex(await runner.derive(req))).toBe(bytesToHex(inline));
    }
  });

  it('refuses hostile parameters before any work', async () => {
    const runner = new WorkerKdfRunner({ workerFile: await kdfWorkerFile() });
    await expect(
      runner.derive({
        alg: 'scrypt',
        password: enc('pw'),
        salt: enc('saltsalt'),
        N: 2 ** 30,
        r: 8,
        p: 1,
        dkLen: 32,
      }),
    ).rejects.toMatchObject({ code: 'KDF_PARAMS' });
    await expect(
      runner.derive({
        alg: 'scrypt',
        password: enc('pw'),
        salt: enc('saltsalt'),
        N: 1000,
        r: 8,
        p: 1,
        dkLen: 32,
      }),
    ).rejects.toMatchObject({ code: 'KDF_PARAMS' });
    await expect(
      runner.derive({ alg: 'pbkdf2-sha256', password: enc('pw'), salt: enc('saltsalt'), c: 1e9, dkLen: 32 }),
    ).rejects.toMatchObject({ code: 'KDF_PARAMS' });
  });

  it('reports a missing worker file as KDF_FAILED', async () => {
    const runner = new WorkerKdfRunner({ workerFile: '/nonexistent/kdf.worker.js' });
    await expect(
      runner.derive({ alg: 'pbkdf2-sha256', password: enc('pw'), salt: enc('saltsalt'), c: 1, dkLen: 32 }),
    ).rejects.toMatchObject({ code: 'KDF_FAILED' });
  });

  it('keeps the main event loop moving while scrypt runs at the shipped cost (N=2^17)', async () => {
    const runner = new WorkerKdfRunner({ workerFile: await kdfWorkerFile() });
    let last = performance.now();
    let maxGapMs = 0;
    let ticks = 0;
    const iv = setInterval(() => {
      const t = performance.now();
      maxGapMs = Math.max(maxGapMs, t - last);
      last = t;
      ticks++;
    }, 5);
    const t0 = performance.now();
    await runner.derive({
      alg: 'scrypt',
      password: enc('pw'),
      salt: enc('saltsalt'),
      ...DEFAULT_SCRYPT,
      dkLen: 64,
    });
    const tookMs = performance.now() - t0;
    clearInterval(iv);
    // Inline, the loop would stall for the whole derivation; in the worker it keeps ticking.
    expect(tookMs).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(5);
    expect(maxGapMs).toBeLessThan(tookMs / 2);
  });
});
