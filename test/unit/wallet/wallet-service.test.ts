import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalJson } from '../../../main/common/canonical-json';
import { computeKdf } from '../../../main/wallet/kdf';
import { parseWeb3Keystore, web3Decrypt, web3KdfRequest } from '../../../main/wallet/web3-keystore';
import { makeWallet, tempDataDir } from './helpers';

const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PW = 'correct horse battery';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDataDir()));
afterEach(() => cleanup());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('WalletService: create, lock, unlock', () => {
  it('creates a 12-word wallet, locks, refuses a wrong password without touching the file, unlocks', async () => {
    const { wallet, events } = await makeWallet(dir);
    expect(wallet.status().state).toBe('none');
    const { mnemonic, status } = await wallet.create({ words: 12, password: PW });
    expect(mnemonic.split(' ')).toHaveLength(12);
    expect(status.state).toBe('unlocked');
    expect(status.accounts).toHaveLength(1);
    expect(status.accounts[0]!.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(statSync(wallet.keystoreFile).mode & 0o777).toBe(0o600);
    wallet.lock('user');
    expect(wallet.status().state).toBe('locked');
    expect(events.map((e) => e.name)).toEqual(['wallet.unlocked', 'wallet.locked']);

    const before = readFileSync(wallet.keystoreFile);
    const err = await wallet.unlock({ password: 'not the password' }).catch((e: Error) => e);
    expect(err).toMatchObject({
      code: 'WRONG_PASSWORD',
      message: 'wallet password is wrong (the keystore is unchanged)',
    });
    expect(readFileSync(wallet.keystoreFile).equals(before)).toBe(true);
    expect(wallet.status().state).toBe('locked');

    await wallet.unlock({ password: PW });
    expect(wallet.status().state).toBe('unlocked');
    expect(await wallet.revealMnemonic({ password: PW })).toBe(mnemonic);
    expect(await codeOf(wallet.revealMnemonic({ password: 'wrong password' }))).toBe('WRONG_PASSWORD');
  });

  it('creates 24 words, refuses to overwrite an existing wallet', async () => {
    const { wallet } = await makeWallet(dir);
    const { mnemonic } = await wallet.create({ words: 24, password: PW });
    expect(mnemonic.split(' ')).toHaveLength(24);
    const before = readFileSync(wallet.keystoreFile);
    expect(await codeOf(wallet.create({ words: 12, password: PW }))).toBe('WALLET_EXISTS');
    expect(await codeOf(wallet.importMnemonic({ mnemonic: ABANDON, password: PW }))).toBe('WALLET_EXISTS');
    expect(readFileSync(wallet.keystoreFile).equals(before)).toBe(true);
  });

  it('imports "abandon … about" and shows the address common wallets show; derives more accounts', async () => {
    const { wallet } = await makeWallet(dir);
    await wallet.importMnemonic({ mnemonic: `  ${ABANDON.toUpperCase()}\n`, password: PW });
    expect(wallet.accounts()[0]!.address).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
    const second = await wallet.addAccount();
    expect(second).toMatchObject({ type: 'hd', index: 1, path: "m/44'/60'/0'/0/1" });
    wallet.lock('user');
    // A stored index is read without the password; a new one needs the wallet unlocked.
    expect(await wallet.addressAt(1)).toBe(second.address);
    expect(await codeOf(wallet.addressAt(5))).toBe('LOCKED');
    await wallet.unlock({ password: PW });
    expect(await wallet.addressAt(5)).toMatch(/^0x/);
    expect(wallet.accounts().map((a) => a.index)).toEqual([0, 1, 5]);
  });

  it('rejects bad mnemonics with a message that names the problem but not the words', async () => {
    const { wallet } = await makeWallet(dir);
    const e1 = await wallet
      .importMnemonic({ mnemonic: ABANDON.replace('about', 'abandon'), password: PW })
      .catch((e: Error) => e);
    expect(e1).toMatchObject({ code: 'BAD_MNEMONIC', message: expect.stringMatching(/checksum/) });
    const e2 = await wallet
      .importMnemonic({ mnemonic: ABANDON.replace('about', 'abuot'), password: PW })
      .catch((e: Error) => e);
    expect(e2).toMatchObject({ code: 'BAD_MNEMONIC', message: expect.stringMatching(/word 12 /) });
    expect((e2 as Error).message).not.toContain('abuot');
    expect(await codeOf(wallet.importMnemonic({ mnemonic: 'abandon abandon', password: PW }))).toBe(
      'BAD_MNEMONIC',
    );
    expect(wallet.status().state).toBe('none');
  });

  it('a BIP39 passphrase is required at unlock, never stored, and a wrong one is caught', async () => {
    const { wallet } = await makeWallet(dir);
    await wallet.importMnemonic({ mnemonic: ABANDON, passphrase: 'TREZOR', password: PW });
    const withPass = wallet.accounts()[0]!.address;
    expect(withPass).not.toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
    expect(readFileSync(wallet.keystoreFile, 'utf8')).not.toContain('TREZOR');
    wallet.lock('user');
    expect(await codeOf(wallet.unlock({ password: PW }))).toBe('PASSPHRASE_REQUIRED');
    expect(await codeOf(wallet.unlock({ password: PW, passphrase: 'trezor' }))).toBe('WRONG_PASSPHRASE');
    expect(wallet.status().state).toBe('locked');
    await wallet.unlock({ password: PW, passphrase: 'TREZOR' });
    expect(wallet.status().state).toBe('unlocked');
  });
});

describe('WalletService: auto-lock and lock requests', () => {
  it('locks after 10 idle minutes by default; activity pushes it back; suspend locks at once', async () => {
    const { wallet, timers, events } = await makeWallet(dir);
    await wallet.create({ words: 12, password: PW });
    expect(wallet.status().autoLockMs).toBe(600_000);
    timers.advance(9 * 60_000);
    wallet.touch();
    timers.advance(9 * 60_000);
    expect(wallet.isUnlocked()).toBe(true);
    timers.advance(60_001);
    expect(wallet.isUnlocked()).toBe(false);
    expect(events.at(-1)).toEqual({ name: 'wallet.locked', payload: { reason: 'idle' } });
    expect(timers.count).toBe(0);
    expect(() => wallet.privateKeyUse(wallet.accounts()[0]!.address, () => 1)).toThrow(
      expect.objectContaining({ code: 'LOCKED' }),
    );

    await wallet.unlock({ password: PW });
    wallet.onLockRequest('suspend');
    expect(events.at(-1)).toEqual({ name: 'wallet.locked', payload: { reason: 'suspend' } });
    await wallet.unlock({ password: PW });
    wallet.onLockRequest('lock-screen');
    expect(events.at(-1)).toEqual({ name: 'wallet.locked', payload: { reason: 'lock-screen' } });
  });

  it('honours a configured auto-lock time, and stop() locks', async () => {
    const { wallet, timers } = await makeWallet(dir, { autoLockMs: 30_000 });
    await wallet.create({ words: 12, password: PW });
    expect(wallet.status().autoLockAtMs).toBe(timers.nowMs + 30_000);
    timers.advance(29_999);
    expect(wallet.isUnlocked()).toBe(true);
    await wallet.stop();
    expect(wallet.isUnlocked()).toBe(false);
    expect(timers.count).toBe(0);
  });

  it('refuses a weak KDF unless a test asks for it', async () => {
    await expect(makeWallet(dir, { allowWeakKdf: false })).rejects.toMatchObject({ code: 'KDF_PARAMS' });
  });
});

/** Re-signs a keystore's clear fields after an edit, as an attacker who knows the format would. */
function rechecksum(obj: Record<string, unknown>): string {
  const { checksum: _c, ...body } = obj;
  return (
    JSON.stringify(
      { ...body, checksum: bytesToHex(sha256(new TextEncoder().encode(canonicalJson(body)))) },
      null,
      2,
    ) + '\n'
  );
}

describe('WalletService: damaged keystores give clear errors and stay unchanged', () => {
  const cases: Array<[string, (text: string) => string, string]> = [
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), 'KEYSTORE_TRUNCATED'],
    ['emptied', () => '', 'KEYSTORE_TRUNCATED'],
    ['not JSON', () => 'hello, I am not a keystore\n', 'KEYSTORE_CORRUPT'],
    [
      'a flipped ciphertext digit',
      (t) =>
        t.replace(
          /("ciphertext": "[0-9a-f]{10})([0-9a-f])/,
          (_m, a: string, c: string) => a + (c === '0' ? '1' : '0'),
        ),
      'KEYSTORE_CORRUPT',
    ],
    [
      'a Web3 keystore in its place',
      () => JSON.stringify({ version: 3, id: 'x', crypto: { cipher: 'aes-128-ctr' } }),
      'KEYSTORE_FOREIGN',
    ],
    ['some other JSON', () => '{"hello":"world"}', 'KEYSTORE_FOREIGN'],
    ['a newer version', (t) => t.replace('"version": 1', '"version": 2'), 'KEYSTORE_VERSION'],
    ['a field out of range', (t) => t.replace(/"salt": "[0-9a-f]+"/, '"salt": "zz"'), 'KEYSTORE_CORRUPT'],
  ];
  for (const [what, mutate, code] of cases) {
    it(`${what} → ${code}`, async () => {
      const { wallet } = await makeWallet(dir);
      await wallet.create({ words: 12, password: PW });
      wallet.lock('user');
      writeFileSync(wallet.keystoreFile, mutate(readFileSync(wallet.keystoreFile, 'utf8')));
      const before = readFileSync(wallet.keystoreFile);
      const status = wallet.status();
      expect(status.state).toBe('damaged');
      expect(status.problem?.code).toBe(code);
      const err = await wallet.unlock({ password: PW }).catch((e: Error) => e);
      expect(err).toMatchObject({ code });
      expect((err as Error).message.length).toBeGreaterThan(30);
      expect(await codeOf(wallet.create({ words: 12, password: PW }))).toBe('WALLET_EXISTS');
      expect(readFileSync(wallet.keystoreFile).equals(before)).toBe(true);
    });
  }

  it('a re-checksummed edit of the ciphertext or of a clear address → KEYSTORE_TAMPERED (password is right)', async () => {
    const { wallet } = await makeWallet(dir);
    await wallet.create({ words: 12, password: PW });
    wallet.lock('user');
    const original = readFileSync(wallet.keystoreFile, 'utf8');
    const obj = JSON.parse(original) as Record<string, unknown> & {
      ciphertext: string;
      accounts: Array<{ address: string }>;
    };
    const edits = [
      { ...obj, ciphertext: (obj.ciphertext[0] === 'a' ? 'b' : 'a') + obj.ciphertext.slice(1) },
      { ...obj, accounts: [{ ...obj.accounts[0]!, address: '0x' + '11'.repeat(20) }] },
    ];
    for (const edit of edits) {
      writeFileSync(wallet.keystoreFile, rechecksum(edit));
      const before = readFileSync(wallet.keystoreFile);
      expect(wallet.status().state).toBe('locked');
      expect(await codeOf(wallet.unlock({ password: PW }))).toBe('KEYSTORE_TAMPERED');
      expect(await codeOf(wallet.unlock({ password: 'wrong password' }))).toBe('WRONG_PASSWORD');
      expect(readFileSync(wallet.keystoreFile).equals(before)).toBe(true);
    }
    writeFileSync(wallet.keystoreFile, original);
    await wallet.unlock({ password: PW });
  });

  it('no wallet → NO_WALLET', async () => {
    const { wallet } = await makeWallet(dir);
    expect(await codeOf(wallet.unlock({ password: PW }))).toBe('NO_WALLET');
  });
});

describe('WalletService: Web3 keystore interop', () => {
  const vectors = JSON.parse(
    readFileSync(new URL('../../vectors/wallet/web3-secret-storage-v3.json', import.meta.url), 'utf8'),
  ) as {
    password: string;
    privateKey: string;
    address: string;
    pbkdf2: { keystore: unknown };
  };

  it('imports the official PBKDF2 vector as a separate account, exports it again, and the export decrypts to the same key', async () => {
    const { wallet } = await makeWallet(dir);
    await wallet.create({ words: 12, password: PW });
    const json = JSON.stringify(vectors.pbkdf2.keystore);
    expect(await codeOf(wallet.importWeb3Keystore({ json, filePassword: 'wrong' }))).toBe(
      'WEB3_WRONG_PASSWORD',
    );
    const acct = await wallet.importWeb3Keystore({
      json,
      filePassword: vectors.password,
      label: 'old MetaMask',
    });
    expect(acct).toMatchObject({ type: 'imported', label: 'old MetaMask' });
    expect(acct.address.toLowerCase()).toBe(vectors.address);
    expect(await codeOf(wallet.importWeb3Keystore({ json, filePassword: vectors.password }))).toBe(
      'BAD_ARGUMENT',
    );

    wallet.lock('user');
    await wallet.unlock({ password: PW });
    expect(wallet.accounts().map((a) => a.type)).toEqual(['hd', 'imported']);
    expect(
      await codeOf(
        wallet.exportWeb3Keystore({
          address: acct.address,
          password: 'wrong password',
          exportPassword: 'export pw 1',
        }),
      ),
    ).toBe('WRONG_PASSWORD');
    const exported = await wallet.exportWeb3Keystore({
      address: acct.address,
      password: PW,
      exportPassword: 'export pw 1',
    });
    const ks = parseWeb3Keystore(exported);
    expect(ks.crypto.kdf).toMatchObject({ alg: 'scrypt' });
    const { privateKey, address } = web3Decrypt(ks, computeKdf(web3KdfRequest(ks, 'export pw 1')));
    expect(bytesToHex(privateKey)).toBe(vectors.privateKey);
    expect(address).toBe(vectors.address);
  });

  it('an HD account exports to Web3 and imports into another wallet with the same address', async () => {
    const a = await makeWallet(dir);
    await a.wallet.importMnemonic({ mnemonic: ABANDON, password: PW });
    const exported = await a.wallet.exportWeb3Keystore({
      address: '0x9858EfFD232B4033E47d90003D41EC34EcaEda94',
      password: PW,
      exportPassword: 'export pw 2',
    });
    const other = tempDataDir();
    try {
      const b = await makeWallet(other.dir);
      const acct = await b.wallet.importWeb3Keystore({
        json: exported,
        filePassword: 'export pw 2',
        password: PW,
      });
      expect(acct.address).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
      expect(b.wallet.status()).toMatchObject({ state: 'unlocked', hasMnemonic: false });
      expect(await codeOf(b.wallet.revealMnemonic({ password: PW }))).toBe('BAD_ARGUMENT');
    } finally {
      other.cleanup();
    }
  });
});
