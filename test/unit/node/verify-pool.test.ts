import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../main/chain/encoding';
import { getPublicKey, signCompact } from '../../../main/chain/keys';
import { encodeTx, decodeTx } from '../../../main/chain/tx/codec';
import { verifyTxSignature } from '../../../main/chain/tx/signing';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { appRoot, workerPath } from '../../../main/platform/paths';
import { OpenSslVerifier } from '../../../main/node/verifier';
import { PreverifiedVerifier, VerifyPool } from '../../../main/node/verify-pool';
import { tripleKey } from '../../../main/node/sig-check';
import { testKeys } from './helpers';

const built = existsSync(join(appRoot(), 'dist', 'main', 'workers', 'verify.worker.js'));

describe('PreverifiedVerifier', () => {
  it('accepts an approved triple once, and asks the real verifier otherwise', () => {
    const inner = new OpenSslVerifier();
    const v = new PreverifiedVerifier(inner);
    const key = testKeys(1, 300)[0] as Uint8Array;
    const msg = new Uint8Array(32).fill(3);
    const sig = signCompact(msg, key);
    const pub = getPublicKey(key);
    const forged = new Uint8Array(64).fill(1);
    v.approve([tripleKey(forged, msg, pub)]);
    expect(inner.verify(forged, msg, pub)).toBe(false);
    expect(v.verify(forged, msg, pub)).toBe(true); // approved once (only a worker's verdict may put it there)
    expect(v.verify(forged, msg, pub)).toBe(false); // used up: the real check answers
    expect(v.verify(sig, msg, pub)).toBe(true);
  });
});

describe.skipIf(!built)('VerifyPool (needs dist/main/workers/verify.worker.js: run bin/hotpot setup)', () => {
  it('checks signatures on a worker thread; the chain check then passes without curve work on the main thread', async () => {
    const pool = VerifyPool.create(1, () => workerPath('verify'));
    try {
      expect(pool.active).toBe(true);
      const b = new TxBuilder({
        chainId: 'hotpot-test',
        privateKey: testKeys(1, 301)[0] as Uint8Array,
        fee: 1000n,
      });
      const good = encodeTx(b.transfer(0, { to: `0x${'11'.repeat(20)}`, amount: 1n }));
      const bad = good.slice();
      bad[bad.length - 3] = (bad[bad.length - 3] as number) ^ 1;
      const keys = await pool.check([good, bad, new Uint8Array([1, 2, 3])], DEFAULT_LIMITS);
      expect(keys[0]).toMatch(/^0x[0-9a-f]+$/);
      expect(keys.slice(1)).toEqual([null, null]);
      let calls = 0;
      const v = new PreverifiedVerifier({ verify: () => ((calls += 1), false) });
      v.approve([keys[0] as string]);
      verifyTxSignature(decodeTx(good), { verifier: v }, good);
      expect(calls).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
