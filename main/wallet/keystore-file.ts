import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { WalletError } from './errors';
import { MAX_KEYSTORE_BYTES, type KeystoreFile, parseKeystoreText, serializeKeystore } from './keystore';

/** Where the wallet keystore lives inside a data dir. */
export function keystorePath(dataDir: string): string {
  return join(dataDir, 'wallet', 'keystore.json');
}

/** Does a keystore file exist (of any content)? */
export function keystoreExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads and parses the keystore (format, version and checksum; no password needed).
 * Throws `NO_WALLET` when the file is missing, and the parse errors of {@link parseKeystoreText}.
 */
export function readKeystoreFile(file: string): KeystoreFile {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new WalletError(
      'NO_WALLET',
      `there is no wallet in this data dir yet (${file} does not exist); create or import one`,
      { file },
    );
  }
  if (size > MAX_KEYSTORE_BYTES) {
    throw new WalletError(
      'KEYSTORE_FOREIGN',
      `${file} is ${size} bytes, far larger than a wallet keystore; it is some other file`,
      { file, bytes: size },
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WalletError(
      'KEYSTORE_IO',
      `could not read ${file}: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  return parseKeystoreText(text, `the wallet keystore ${file}`);
}

/**
 * Writes the keystore atomically: a temporary file in the same folder, fsync, rename over the old
 * file, fsync the folder. A crash at any point leaves either the old or the new file, never a mix.
 * The folder is 0700 and the file 0600.
 */
export function writeKeystoreFile(file: string, ks: KeystoreFile): void {
  const dir = dirname(file);
  const tmp = join(dir, `.keystore.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      const data = Buffer.from(serializeKeystore(ks), 'utf8');
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    fsyncDir(dir);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof WalletError) throw err;
    throw new WalletError(
      'KEYSTORE_IO',
      `could not write the wallet keystore ${file}: ${(err as Error).message} (the previous keystore, if any, is unchanged)`,
      { file },
      { cause: err },
    );
  }
}

function fsyncDir(dir: string): void {
  // Makes the rename durable. Some platforms (Windows) cannot open a folder; the rename is still atomic there.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
