/**
 * The validator's signing key: separate from the wallet, in its own encrypted file
 * `<dataDir>/validator/key.json`. It reuses the wallet keystore format and functions
 * (`main/wallet/keystore.ts`: scrypt N=2^17 + AES-256-GCM with a fresh nonce, password check,
 * checksum; written atomically with mode 0600), holding one imported key labelled "validator".
 * scrypt runs in libuv's thread pool (`node:crypto.scrypt`), off the main event loop.
 *
 * The password comes from, in order: `<dataDir>/dev-password` (development chains only: a generated
 * password, mode 0600, marked as such inside), `HOTPOT_PASSWORD`, or a prompt when stdin is a TTY.
 */
import { randomBytes, scrypt as scryptCb } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { privateKeyToAddress } from '../chain/keys';
import type { Address } from '../chain/types';
import { DEFAULT_SCRYPT, passwordBytes, type ScryptParams } from '../wallet/kdf';
import {
  KEYSTORE_DK_BYTES,
  type KeystoreFile,
  keystoreKdfRequest,
  openKeystore,
  parseKeystoreText,
  sealKeystore,
} from '../wallet/keystore';
import { writeKeystoreFile } from '../wallet/keystore-file';
import { AppError } from '../common/errors';
import { NodeError } from './errors';

/** Where the validator key lives in a data dir. */
export function validatorKeyPath(dataDir: string): string {
  return join(dataDir, 'validator', 'key.json');
}

/** Where a development chain keeps its generated password. */
export function devPasswordPath(dataDir: string): string {
  return join(dataDir, 'dev-password');
}

const DEV_PASSWORD_HEADER = [
  '# DEVELOPMENT ONLY. This generated password unlocks validator/key.json of a development or test',
  '# chain so it can start without a prompt. Never use it for a real store: for real keys delete this',
  '# file and set HOTPOT_PASSWORD (or type the password when asked).',
].join('\n');

function derive(password: string, salt: Uint8Array, kdf: ScryptParams): Promise<Uint8Array> {
  const req = keystoreKdfRequest(kdf, salt, passwordBytes(password));
  if (req.alg !== 'scrypt') throw new NodeError('VALIDATOR_KEY', 'the validator key uses scrypt');
  return new Promise((resolve, reject) =>
    scryptCb(
      req.password,
      req.salt,
      KEYSTORE_DK_BYTES,
      { N: req.N, r: req.r, p: req.p, maxmem: 128 * req.N * req.r * 2 + 2 ** 20 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    ),
  );
}

/** Encrypts `privateKey` with `password` into `<dataDir>/validator/key.json` (mode 0600, atomic). */
export async function writeValidatorKey(
  dataDir: string,
  privateKey: Uint8Array,
  password: string,
  kdf: ScryptParams = DEFAULT_SCRYPT,
): Promise<Address> {
  const address = privateKeyToAddress(privateKey);
  const salt = randomBytes(32);
  const derivedKey = await derive(password, salt, kdf);
  const ks = sealKeystore({
    id: randomBytes(16),
    salt,
    kdf,
    derivedKey,
    nonce: randomBytes(12),
    secrets: { entropy: null, imported: [{ address, privateKey }] },
    hasPassphrase: false,
    accounts: [{ type: 'imported', address, label: 'validator' }],
  });
  derivedKey.fill(0);
  writeKeystoreFile(validatorKeyPath(dataDir), ks);
  return address;
}

/** Does the data dir hold a validator key (else the node runs as an observer)? */
export function hasValidatorKey(dataDir: string): boolean {
  return existsSync(validatorKeyPath(dataDir));
}

/** Reads and decrypts the validator key. Throws `VALIDATOR_KEY` saying what is wrong. */
export async function readValidatorKey(
  dataDir: string,
  password: string,
): Promise<{ address: Address; privateKey: Uint8Array }> {
  const file = validatorKeyPath(dataDir);
  let ks: KeystoreFile;
  try {
    ks = parseKeystoreText(readFileSync(file, 'utf8'), `the validator key ${file}`);
  } catch (err) {
    throw new NodeError(
      'VALIDATOR_KEY',
      err instanceof AppError
        ? err.message
        : `cannot read the validator key ${file}: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  const derivedKey = await derive(password, Buffer.from(ks.kdf.salt, 'hex'), ks.kdf);
  try {
    const secrets = openKeystore(ks, derivedKey);
    const k = secrets.imported[0];
    if (!k) throw new NodeError('VALIDATOR_KEY', `the validator key ${file} holds no key`, { file });
    return { address: k.address, privateKey: k.privateKey };
  } catch (err) {
    if (err instanceof AppError && err.code === 'WRONG_PASSWORD') {
      throw new NodeError(
        'VALIDATOR_KEY',
        `the password does not unlock the validator key ${file} (check HOTPOT_PASSWORD or ${devPasswordPath(dataDir)}); the file is unchanged`,
        { file },
        { cause: err },
      );
    }
    if (err instanceof NodeError) throw err;
    throw new NodeError(
      'VALIDATOR_KEY',
      err instanceof AppError ? err.message : String(err),
      { file },
      { cause: err },
    );
  } finally {
    derivedKey.fill(0);
  }
}

/** Writes a development password file (mode 0600) and returns the password. */
export function writeDevPassword(dataDir: string): string {
  const password = randomBytes(24).toString('base64url');
  const file = devPasswordPath(dataDir);
  writeFileSync(file, `${DEV_PASSWORD_HEADER}\n${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return password;
}

function readDevPassword(dataDir: string): string | null {
  const file = devPasswordPath(dataDir);
  if (!existsSync(file)) return null;
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .pop();
  return line ?? null;
}

/** Where the password for the validator key comes from. */
export interface PasswordSources {
  env: NodeJS.ProcessEnv;
  /** Asks on the terminal; only used when stdin is a TTY. */
  prompt?: (question: string) => Promise<string>;
  isTty: boolean;
}

/**
 * The validator key's password: the data dir's development password, else `HOTPOT_PASSWORD`, else a
 * prompt on a TTY. Throws `NO_PASSWORD` with what to do when none is available.
 */
export async function validatorPassword(dataDir: string, src: PasswordSources): Promise<string> {
  const dev = readDevPassword(dataDir);
  if (dev) return dev;
  const env = src.env['HOTPOT_PASSWORD'];
  if (env) return env;
  if (src.isTty && src.prompt)
    return src.prompt(`Password for the validator key ${validatorKeyPath(dataDir)}: `);
  throw new NodeError(
    'NO_PASSWORD',
    `the validator key ${validatorKeyPath(dataDir)} is encrypted and no password is available: set HOTPOT_PASSWORD, or start the node on a terminal to type it`,
    { dataDir },
  );
}

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    out._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
