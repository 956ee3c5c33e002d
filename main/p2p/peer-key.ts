import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { P2pError } from './errors';
import type { P2pLog } from './types';

/**
 * Loads the node's libp2p identity key from `path` (a protobuf-encoded private key, as libp2p
 * writes it), or creates an Ed25519 key there on first start. The file is written with mode 0600
 * through a temp file and a rename, so a crash never leaves half a key. A key file that others can
 * read is tightened to 0600 (and logged): the peer id is public, but the key lets anyone impersonate
 * this store on the network.
 *
 * @example const key = await loadOrCreatePeerKey(join(dataDir, 'p2p', 'peer-key'), log)
 */
export async function loadOrCreatePeerKey(path: string, log: P2pLog): Promise<PrivateKey> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new P2pError(
        'PEER_KEY',
        `cannot read the peer key at ${path}: ${(err as Error).message} (check the data dir's permissions)`,
        { path },
        { cause: err },
      );
    }
  }
  if (bytes !== undefined) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await chmod(path, 0o600);
      log.warn(
        { path, mode: mode.toString(8) },
        'peer key file was readable by others; its mode is now 0600',
      );
    }
    try {
      return privateKeyFromProtobuf(bytes);
    } catch (err) {
      throw new P2pError(
        'PEER_KEY',
        `the peer key at ${path} is not a protobuf-encoded private key (${(err as Error).message}); move it away to let the node make a new identity`,
        { path },
        { cause: err },
      );
    }
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(privateKeyToProtobuf(key));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  log.info({ path }, 'created a new peer key');
  return key;
}
