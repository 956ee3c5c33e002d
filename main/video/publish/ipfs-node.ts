/**
 * The node's IPFS side: Helia on the node's own libp2p (the one main/p2p builds), with its blocks and
 * pins on disk under the data dir, bitswap as the only way blocks travel, and no router at all: no
 * public bootstrap, no DHT, no delegated routing over HTTP. Blocks are asked of, and given to, the
 * peers the node is connected to, which are the franchise's nodes (a peer of another chain or not a
 * Hot Pot node is hung up on by the status exchange).
 */
import { join } from 'node:path';
import type { Libp2p } from '@libp2p/interface';
import type { CID } from 'multiformats/cid';
import { PublishError } from './errors';

/** Helia with a libp2p, as bitswap takes it (the type lives in @helia/libp2p, which we do not load). */
type HeliaWithLibp2p = Parameters<typeof import('@helia/bitswap').withBitswap>[0];

/** What the publisher and the fetcher use of Helia. */
export interface IpfsNode {
  /** Adds a stream of bytes as a UnixFS file, pins it, and gives its CID. */
  addAndPin(bytes: AsyncIterable<Uint8Array>): Promise<string>;
  /** Unpins a CID and removes every block no other pin holds (garbage collection). */
  unpinAndCollect(cid: string): Promise<void>;
  /** The bytes of a UnixFS file, from the blockstore or, over bitswap, from connected peers; at most `maxBytes`. */
  cat(cid: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>;
  /** Is every block of this CID's file in the local blockstore? (no network) */
  hasLocally(cid: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Starts Helia on `libp2p` with `<dir>/blocks` (blockstore-fs) and `<dir>/datastore` (datastore-fs:
 * pins and Helia's own records). Helia is imported here, at start, so a node that publishes nothing
 * never loads it.
 *
 * @example const ipfs = await startIpfsNode(join(dataDir, 'ipfs'), libp2p); const cid = await ipfs.addAndPin(stream);
 */
export async function startIpfsNode(dir: string, libp2p: Libp2p): Promise<IpfsNode> {
  const [{ createHeliaLight }, { withBitswap }, { unixfs }, { FsBlockstore }, { FsDatastore }, { CID }] =
    await Promise.all([
      import('helia'),
      import('@helia/bitswap'),
      import('@helia/unixfs'),
      import('blockstore-fs'),
      import('datastore-fs'),
      import('multiformats/cid'),
    ]);
  const base = createHeliaLight({
    blockstore: new FsBlockstore(join(dir, 'blocks')),
    datastore: new FsDatastore(join(dir, 'datastore')),
    routers: [],
  });
  // createHelia({ libp2p }) takes libp2p *options* and builds its own node with public defaults
  // (bootstrap, DHT, delegated HTTP routing); the light node plus our libp2p is what we want.
  Object.defineProperty(base, 'libp2p', { value: libp2p, enumerable: true });
  const helia = withBitswap(base as unknown as HeliaWithLibp2p);
  await helia.start();
  const fs = unixfs(helia);
  const parse = (cid: string): CID => {
    try {
      return CID.parse(cid);
    } catch (err) {
      throw new PublishError('FETCH_FAILED', `${JSON.stringify(cid)} is not a CID`, { cid }, { cause: err });
    }
  };
  return {
    async addAndPin(bytes) {
      const cid = await fs.addByteStream(bytes, { cidVersion: 1, rawLeaves: true });
      for await (const _ of helia.pins.add(cid)) {
        // each pinned block
      }
      return cid.toString();
    },
    async unpinAndCollect(cid) {
      const c = parse(cid);
      if (await helia.pins.isPinned(c)) {
        for await (const _ of helia.pins.rm(c)) {
          // each unpinned block
        }
      }
      await helia.gc();
    },
    async cat(cid, opts) {
      const parts: Uint8Array[] = [];
      let total = 0;
      for await (const part of fs.cat(parse(cid), { signal: opts.signal })) {
        total += part.length;
        if (total > opts.maxBytes)
          throw new PublishError(
            'FETCH_FAILED',
            `${cid} is larger than ${opts.maxBytes} bytes; not fetched`,
            { cid },
          );
        parts.push(part);
      }
      return Buffer.concat(parts);
    },
    async hasLocally(cid) {
      try {
        for await (const _ of fs.cat(parse(cid), { offline: true })) {
          // read through
        }
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      await helia.stop();
    },
  };
}
