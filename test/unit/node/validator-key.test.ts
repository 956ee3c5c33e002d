import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { NodeError } from '../../../main/node/errors';
import { ensureInitialized, readGenesis } from '../../../main/node/init';
import {
  devPasswordPath,
  readValidatorKey,
  validatorKeyPath,
  validatorPassword,
  writeDevPassword,
  writeValidatorKey,
} from '../../../main/node/validator-key';
import { tempDir } from '../../helpers/tmp';
import { testKeys } from './helpers';

const WEAK = { N: 2 ** 10, r: 8, p: 1 }; // tests only: the shipped default is N = 2^17
let dirs: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function dir(): string {
  const d = tempDir('hotpot-vkey-');
  dirs.push(d);
  return d.path;
}

describe('validator key file', () => {
  it('round-trips with the right password, is 0600, and refuses a wrong one without touching the file', async () => {
    const d = dir();
    const key = testKeys(1, 700)[0] as Uint8Array;
    const addr = await writeValidatorKey(d, key, 'correct horse', WEAK);
    expect(addr).toBe(privateKeyToAddress(key));
    expect(statSync(validatorKeyPath(d)).mode & 0o777).toBe(0o600);
    const before = readFileSync(validatorKeyPath(d), 'utf8');
    expect(before).not.toContain(Buffer.from(key).toString('hex'));
    const back = await readValidatorKey(d, 'correct horse');
    expect(Buffer.from(back.privateKey).equals(Buffer.from(key))).toBe(true);
    await expect(readValidatorKey(d, 'wrong')).rejects.toMatchObject({ code: 'VALIDATOR_KEY' });
    expect(readFileSync(validatorKeyPath(d), 'utf8')).toBe(before);
    writeFileSync(validatorKeyPath(d), before.slice(0, 100));
    await expect(readValidatorKey(d, 'correct horse')).rejects.toBeInstanceOf(NodeError);
  });

  it('takes the password from the dev file, then HOTPOT_PASSWORD, then a TTY prompt, else says what to do', async () => {
    const d = dir();
    await expect(validatorPassword(d, { env: {}, isTty: false })).rejects.toMatchObject({
      code: 'NO_PASSWORD',
    });
    expect(await validatorPassword(d, { env: { HOTPOT_PASSWORD: 'from-env' }, isTty: false })).toBe(
      'from-env',
    );
    expect(await validatorPassword(d, { env: {}, isTty: true, prompt: async () => 'typed' })).toBe('typed');
    const dev = writeDevPassword(d);
    expect(statSync(devPasswordPath(d)).mode & 0o777).toBe(0o600);
    expect(readFileSync(devPasswordPath(d), 'utf8')).toMatch(/DEVELOPMENT ONLY/);
    expect(await validatorPassword(d, { env: { HOTPOT_PASSWORD: 'from-env' }, isTty: false })).toBe(dev);
  });

  it('ensureInitialized makes a dev chain once, whose key the dev password unlocks', async () => {
    const d = dir();
    const r = await ensureInitialized(d, { kdf: WEAK, blockIntervalMs: 250 });
    expect(r.created).toBe(true);
    const g = readGenesis(d);
    expect(g.validators.map((v) => v.address)).toEqual([r.validator]);
    expect(g.hqAuthority).toBe(r.validator);
    expect(g.params.timeouts.commitMs).toBe(250);
    const pw = await validatorPassword(d, { env: {}, isTty: false });
    expect((await readValidatorKey(d, pw)).address).toBe(r.validator);
    expect((await ensureInitialized(d)).created).toBe(false);
  });
});
