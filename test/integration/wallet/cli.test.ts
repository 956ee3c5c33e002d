import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OWNER, runCli, signInAsOwner, startNode } from '../../helpers/node-process';

// Runs the built CLI (dist/main/cli.js, made by `bin/hotpot setup`/`bin/hotpot test`) as real processes.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'main', 'cli.js');
const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PW = 'correct horse battery';

function hotpot(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [CLI, 'wallet', ...args], {
    // A low scrypt cost through the explicit test knob keeps this suite fast; the shipped default is 2^17.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      HOTPOT_TEST_SCRYPT_N: '1024',
      ...env,
    },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run bin/hotpot setup first`);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hotpot-wallet-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/hotpot wallet', () => {
  it('create prints the phrase once on stdout (and says so on stderr); a second create refuses', () => {
    const r = hotpot(['create', '--data-dir', dir, '--words', '24'], { HOTPOT_PASSWORD: PW });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split(' ')).toHaveLength(24);
    expect(r.stderr).toMatch(/shown this once/);
    const again = hotpot(['create', '--data-dir', dir], { HOTPOT_PASSWORD: PW });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(hotpot(['create', '--data-dir', join(dir, 'x')]).code).toBe(2);
  });

  it('import from stdin, address --index N, wrong password exits non-zero and leaves the keystore as it was', () => {
    const imp = hotpot(['import', '--data-dir', dir], { HOTPOT_PASSWORD: PW }, `${ABANDON}\n`);
    expect(imp.code).toBe(0);
    const a0 = hotpot(['address', '--data-dir', dir, '--index', '0'], { HOTPOT_PASSWORD: PW });
    expect(a0).toMatchObject({ code: 0, stdout: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94\n' });
    const a1 = hotpot(['address', '--data-dir', dir, '--index', '1'], { HOTPOT_PASSWORD: PW });
    expect(a1.code).toBe(0);
    expect(a1.stdout).toMatch(/^0x[0-9a-fA-F]{40}\n$/);
    expect(a1.stdout).not.toBe(a0.stdout);
    const before = readFileSync(join(dir, 'wallet', 'keystore.json'));
    const wrong = hotpot(['address', '--data-dir', dir, '--index', '2'], {
      HOTPOT_PASSWORD: 'not the password',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wallet password is wrong (the keystore is unchanged)');
    expect(readFileSync(join(dir, 'wallet', 'keystore.json')).equals(before)).toBe(true);
  });

  it('a BIP39 passphrase from HOTPOT_BIP39_PASSPHRASE gives other addresses and is needed again', () => {
    expect(
      hotpot(
        ['import', '--data-dir', dir],
        { HOTPOT_PASSWORD: PW, HOTPOT_BIP39_PASSPHRASE: 'TREZOR' },
        ABANDON,
      ).code,
    ).toBe(0);
    const a = hotpot(['address', '--data-dir', dir], {
      HOTPOT_PASSWORD: PW,
      HOTPOT_BIP39_PASSPHRASE: 'TREZOR',
    });
    expect(a.code).toBe(0);
    expect(a.stdout).not.toContain('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
    const without = hotpot(['address', '--data-dir', dir], { HOTPOT_PASSWORD: PW });
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/passphrase/);
  });

  it('export-keystore then import-keystore into another data dir keeps the address; the official vector imports', () => {
    expect(hotpot(['import', '--data-dir', dir], { HOTPOT_PASSWORD: PW }, ABANDON).code).toBe(0);
    const out = join(dir, 'acct0.json');
    const exp = hotpot(['export-keystore', '--data-dir', dir, '--index', '0', '--out', out], {
      HOTPOT_PASSWORD: PW,
      HOTPOT_KEYSTORE_PASSWORD: 'file password',
    });
    expect(exp.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      version: 3,
      crypto: { cipher: 'aes-128-ctr', kdf: 'scrypt' },
    });
    const other = join(dir, 'other');
    const wrongFilePw = hotpot(['import-keystore', '--data-dir', other, '--file', out], {
      HOTPOT_PASSWORD: PW,
      HOTPOT_KEYSTORE_PASSWORD: 'wrong',
    });
    expect(wrongFilePw.code).toBe(1);
    expect(wrongFilePw.stderr).toMatch(/keystore file password is wrong/);
    const imp = hotpot(['import-keystore', '--data-dir', other, '--file', out], {
      HOTPOT_PASSWORD: PW,
      HOTPOT_KEYSTORE_PASSWORD: 'file password',
    });
    expect(imp).toMatchObject({ code: 0, stdout: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94\n' });

    const vec = JSON.parse(
      readFileSync(join(ROOT, 'test', 'vectors', 'wallet', 'web3-secret-storage-v3.json'), 'utf8'),
    ) as { password: string; pbkdf2: { keystore: unknown } };
    const vfile = join(dir, 'vector.json');
    writeFileSync(vfile, JSON.stringify(vec.pbkdf2.keystore));
    const v = hotpot(['import-keystore', '--data-dir', dir, '--file', vfile, '--label', 'vector'], {
      HOTPOT_PASSWORD: PW,
      HOTPOT_KEYSTORE_PASSWORD: vec.password,
    });
    expect(v).toMatchObject({ code: 0, stdout: '0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b\n' });
  });

  it('balance and send without a running node exit 3 and say so', () => {
    expect(hotpot(['import', '--data-dir', dir], { HOTPOT_PASSWORD: PW }, ABANDON).code).toBe(0);
    const api = ['--api', 'http://127.0.0.1:9'];
    const b = hotpot(['balance', '--data-dir', dir, ...api], { HOTPOT_PASSWORD: PW });
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/cannot reach the node/);
    expect(
      hotpot(
        [
          'send',
          '--data-dir',
          dir,
          ...api,
          '--to',
          '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
          '--amount',
          '5',
        ],
        { HOTPOT_PASSWORD: PW },
      ).code,
    ).toBe(3);
  });

  it('balance and send go through the node running on the data dir (real ledger)', async () => {
    expect(hotpot(['import', '--data-dir', dir], { HOTPOT_PASSWORD: PW }, ABANDON).code).toBe(0);
    const node = await startNode({ dataDir: dir, timeoutMs: 30_000 });
    try {
      const api = ['--api', node.url];
      const cookie = await signInAsOwner(node.url);
      const unsigned = await runCli(['wallet', 'balance', '--data-dir', dir, ...api], {
        env: { HOTPOT_PASSWORD: PW, HOTPOT_TEST_SCRYPT_N: '1024' },
      });
      expect(unsigned.code).toBe(2);
      expect(unsigned.stderr).toMatch(/set HOTPOT_USER and HOTPOT_USER_PASSWORD/);
      const as = { HOTPOT_USER: OWNER.username, HOTPOT_USER_PASSWORD: OWNER.password };
      const b = await runCli(['wallet', 'balance', '--data-dir', dir, ...api], {
        env: { ...as, HOTPOT_PASSWORD: PW, HOTPOT_TEST_SCRYPT_N: '1024' },
      });
      expect(b).toMatchObject({ code: 0, stdout: '0\n' });
      const bad = await runCli(
        [
          'wallet',
          'send',
          '--data-dir',
          dir,
          ...api,
          '--to',
          '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
          '--amount',
          '5',
        ],
        { env: { ...as, HOTPOT_PASSWORD: PW } },
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/EIP-55 checksum/);
      const poor = await runCli(
        [
          'wallet',
          'send',
          '--data-dir',
          dir,
          ...api,
          '--to',
          '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
          '--amount',
          '5',
        ],
        { env: { ...as, HOTPOT_PASSWORD: PW } },
      );
      expect(poor.code).toBe(1);
      expect(poor.stderr).toMatch(/not enough tokens/);
      const wrong = await runCli(
        [
          'wallet',
          'send',
          '--data-dir',
          dir,
          ...api,
          '--to',
          '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
          '--amount',
          '5',
        ],
        { env: { ...as, HOTPOT_PASSWORD: 'wrong password' } },
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('wallet password is wrong');
      // The node's wallet was locked before the send and is locked again after it.
      const st = (await (
        await fetch(new URL('/rpc/wallet.status', node.url), {
          method: 'POST',
          body: '{}',
          headers: { 'Content-Type': 'application/json', Cookie: cookie },
        })
      ).json()) as { value: { state: string } };
      expect(st.value.state).toBe('locked');
    } finally {
      await node.stop();
    }
  });

  it('a corrupt keystore gives a clear error and stays as it was', () => {
    expect(hotpot(['import', '--data-dir', dir], { HOTPOT_PASSWORD: PW }, ABANDON).code).toBe(0);
    const file = join(dir, 'wallet', 'keystore.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
    const before = readFileSync(file);
    const r = hotpot(['address', '--data-dir', dir], { HOTPOT_PASSWORD: PW });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/truncated/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
