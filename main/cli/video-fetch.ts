import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Hash } from '../chain/types';
import { getAnchor } from '../chain/state/access';
import { loadConfig } from '../config/load';
import { LedgerStore } from '../node/ledger-store';
import { LibP2pNetwork } from '../p2p/libp2p-network';
import { PublishError } from '../video/publish/errors';
import { HQ_PRIVATE_KEY_ENV, parseKey } from '../video/publish/hq-key';
import { startIpfsNode } from '../video/publish/ipfs-node';
import { fetchSegment } from '../video/publish/segment-fetch';
import { parseFlags } from './args';

/** One line of `bin/hotpot video --help`. */
export const summary =
  'video fetch CID --out FILE --data-dir D [--peer MULTIADDR]… [--sha256 HEX]: fetch a recording published to HQ, open it with HQ_PRIVATE_KEY, check its anchor';

const USAGE = `usage: ${HQ_PRIVATE_KEY_ENV}=<hex|base64> bin/hotpot video fetch CID --out FILE --data-dir D [--peer MULTIADDR]… [--sha256 HEX] [--timeout-ms MS]\n`;

/**
 * `bin/hotpot video fetch CID --out FILE --data-dir D`: HQ fetches a recording a store published
 * (the envelope's CID, from the store's index), over bitswap from the franchise's peers (`--peer`
 * and the config's static peers), on the chain of D's `ledger.db`. It opens it with HQ's private
 * key from `HOTPOT_HQ_PRIVATE_KEY` (never a flag), and writes FILE only when the plaintext's SHA-256
 * is anchored on that chain (and is `--sha256` when given). Exit 0 written, 1 not fetched, opened
 * or anchored (the typed error's code says which), 2 usage.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      peer: { type: 'string', multiple: true },
      sha256: { type: 'string' },
      'timeout-ms': { type: 'string' },
    },
    'video fetch',
    true,
  );
  const keyText = process.env[HQ_PRIVATE_KEY_ENV];
  if (positionals.length !== 1 || !values.out || !values['data-dir'] || !keyText) {
    process.stderr.write(USAGE + (keyText ? '' : `hotpot: ${HQ_PRIVATE_KEY_ENV} is not set\n`));
    return 2;
  }
  const dataDir = resolve(values['data-dir']);
  const ledgerFile = join(dataDir, 'ledger.db');
  if (!existsSync(ledgerFile)) {
    process.stderr.write(
      `hotpot: no chain at ${ledgerFile}; pass --data-dir of an HQ node that follows the chain\n`,
    );
    return 2;
  }
  const config = loadConfig({
    flags: { dataDir: [dataDir, '--data-dir'] },
    env: process.env,
    defaultDataDir: dataDir,
  });
  try {
    const hqSecretKey = parseKey(keyText, HQ_PRIVATE_KEY_ENV);
    const peers = [...(values.peer ?? []), ...config.network.staticPeers];
    const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : 120_000;
    const seg = await fetchFromPeers(positionals[0]!, {
      dataDir,
      peers,
      hqSecretKey,
      timeoutMs,
      sha256: values.sha256,
    });
    const anchor = anchoredAt(ledgerFile, seg.sha256);
    if (!anchor) {
      process.stderr.write(
        `hotpot: ${positionals[0]} opened, but SHA-256 ${seg.sha256} is not anchored on this chain; not written\n`,
      );
      return 1;
    }
    writeFileSync(resolve(values.out), seg.plaintext);
    process.stdout.write(
      `${resolve(values.out)}\n  sha256 ${seg.sha256}\n  anchored in block ${anchor.height} (franchise ${anchor.franchiseId}, camera ${anchor.cameraId}, cid ${anchor.cid})\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof PublishError)) throw err;
    process.stderr.write(`hotpot: ${err.code}: ${err.message}\n`);
    return err.code === 'BAD_KEY' ? 2 : 1;
  }
}

/** The chain's anchor of this SHA-256 in `ledgerFile` (read-only), or null. */
function anchoredAt(ledgerFile: string, sha256Hex: string): ReturnType<typeof getAnchor> {
  const store = LedgerStore.openReadOnly(ledgerFile, { cacheEntries: 16 });
  try {
    return getAnchor(store, `0x${sha256Hex}` as Hash);
  } finally {
    store.close();
  }
}

/**
 * Joins the chain of `dataDir` with a one-off peer identity (so a running HQ node of the same data
 * dir keeps its own), dials `peers`, and fetches and opens `cid` through a throwaway blockstore.
 */
async function fetchFromPeers(
  cid: string,
  o: {
    dataDir: string;
    peers: string[];
    hqSecretKey: Uint8Array;
    timeoutMs: number;
    sha256: string | undefined;
  },
): Promise<Awaited<ReturnType<typeof fetchSegment>>> {
  const store = LedgerStore.openReadOnly(join(o.dataDir, 'ledger.db'), { cacheEntries: 16 });
  const chainId = store.chainInfo().chainId;
  store.close();
  const scratch = mkdtempSync(join(tmpdir(), 'hotpot-fetch-'));
  const net = new LibP2pNetwork({
    chainId,
    dataDir: scratch,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    staticPeers: o.peers,
  });
  try {
    await net.start();
    net.setStatusProvider(() => ({ height: 0, headHash: `0x${'0'.repeat(64)}` }));
    const ipfs = await startIpfsNode(join(scratch, 'ipfs'), net.libp2p!);
    try {
      return await fetchSegment(ipfs, cid, {
        hqSecretKey: o.hqSecretKey,
        timeoutMs: o.timeoutMs,
        ...(o.sha256 ? { anchoredSha256: o.sha256 } : {}),
      });
    } finally {
      await ipfs.stop();
    }
  } finally {
    await net.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
