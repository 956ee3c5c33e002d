import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibP2pNetwork } from '../../../main/p2p/libp2p-network';
import { openDatabase, type Db } from '../../../main/store/db';
import { hashFile } from '../../../main/video/record/hash';
import { VIDEO_MIGRATIONS, VideoDb } from '../../../main/video/record/video-db';
import { startIpfsNode, type IpfsNode } from '../../../main/video/publish/ipfs-node';
import { fetchSegment } from '../../../main/video/publish/segment-fetch';
import { SegmentPublisher } from '../../../main/video/publish/segment-publisher';
import { PublishError } from '../../../main/video/publish/errors';
import { waitFor } from '../../unit/p2p/wait';

// Three franchise nodes on one chain over real libp2p on 127.0.0.1 (TCP + Noise + Yamux, the
// status exchange), each with real Helia on that libp2p and a blockstore on disk: the store
// publishes a real MP4 sealed to HQ's key; HQ fetches it by CID over bitswap, opens it and holds it
// to the anchored SHA-256; a third node gets the same bytes and cannot open them.
const CHAIN = 'hotpot-publish-test';
const root = mkdtempSync(join(tmpdir(), 'hotpot-publish-'));
const hq = x25519.keygen();
const nets: LibP2pNetwork[] = [];
const ipfsNodes: IpfsNode[] = [];
const log = { info: (): void => {}, warn: (): void => {} };
let store: LibP2pNetwork, hqNet: LibP2pNetwork, third: LibP2pNetwork;
let db: Db;
let publisher: SegmentPublisher;
let segment: string;

async function network(name: string): Promise<LibP2pNetwork> {
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const net = new LibP2pNetwork({
    chainId: CHAIN,
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    statusIntervalMs: 500,
    handshakeTimeoutMs: 3_000,
  });
  await net.start();
  net.setStatusProvider(() => ({ height: 0, headHash: `0x${'0'.repeat(64)}` }));
  nets.push(net);
  return net;
}

beforeAll(async () => {
  segment = join(root, 'segment.mp4');
  execFileSync('ffmpeg', [
    ...[
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x480:rate=25:duration=6',
    ],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-b:v', '4M', '-movflags', '+faststart', segment],
  ]);
  [store, hqNet, third] = [await network('store'), await network('hq'), await network('third')];
  db = openDatabase(join(root, 'store', 'node.db'), {
    synchronous: 'NORMAL',
    migrations: [...VIDEO_MIGRATIONS],
  });
}, 60_000);

afterAll(async () => {
  await publisher?.stop();
  for (const n of ipfsNodes) await n.stop();
  for (const n of nets) await n.stop();
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('recordings to HQ over IPFS (three nodes, loopback libp2p)', () => {
  it('the store publishes, HQ fetches, opens and verifies, a third node gets bytes it cannot open', async () => {
    const h = await hashFile(segment);
    const vdb = new VideoDb(db);
    const id = vdb.addRecording({
      cameraId: 'door',
      path: segment,
      startMs: 1,
      endMs: 3001,
      bytes: h.bytes,
      frames: 30,
      sha256: h.sha256Hex,
      cid: h.cid,
    });
    publisher = new SegmentPublisher(
      { hqPublicKey: hq.publicKey, dir: join(root, 'store', 'ipfs'), everyMs: 60_000, chunkBytes: 64 * 1024 },
      { db: () => db, libp2p: () => store.libp2p, startIpfs: startIpfsNode, nowMs: Date.now, log },
    );
    await publisher.start();
    await publisher.runOnce();
    const published = vdb.published(id);
    // ~3 MB: a UnixFS file of several blocks (dag-pb root), the way a 60 s segment is stored
    expect(published?.cid).toMatch(/^bafy/);
    const cid = published!.cid;
    expect(cid).not.toBe(h.cid); // the envelope's CID, not the plaintext's anchored one
    // the recordings list (video.recordings) tells HQ where the sealed copy is
    expect(vdb.recording(id)?.publishedCid).toBe(cid);

    const hqIpfs = await startIpfsNode(join(root, 'hq', 'ipfs'), hqNet.libp2p!);
    const thirdIpfs = await startIpfsNode(join(root, 'third', 'ipfs'), third.libp2p!);
    ipfsNodes.push(hqIpfs, thirdIpfs);
    await hqNet.addPeer(store.listenAddresses()[0]!);
    await third.addPeer(store.listenAddresses()[0]!);
    await waitFor(
      'both peers connected to the store',
      () => store.peers().filter((p) => p.connected).length === 2,
    );

    const seg = await fetchSegment(hqIpfs, cid, {
      hqSecretKey: hq.secretKey,
      anchoredSha256: `0x${h.sha256Hex}`,
      timeoutMs: 30_000,
    });
    expect(seg.sha256).toBe(h.sha256Hex);
    expect(Buffer.from(seg.plaintext).equals(readFileSync(segment))).toBe(true);

    // HQ's copy held to another anchor: typed mismatch
    await expect(
      fetchSegment(hqIpfs, cid, { hqSecretKey: hq.secretKey, anchoredSha256: '00'.repeat(32) }),
    ).rejects.toMatchObject({ name: 'PublishError', code: 'HASH_MISMATCH' });

    // the third node gets the bytes (from the store over bitswap) but not the recording
    const copy = await thirdIpfs.cat(cid, { maxBytes: 1 << 30, signal: AbortSignal.timeout(30_000) });
    expect(copy.length).toBe(seg.envelopeBytes);
    const someoneElse = x25519.keygen();
    const err = await fetchSegment(thirdIpfs, cid, {
      hqSecretKey: someoneElse.secretKey,
      anchoredSha256: h.sha256Hex,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).code).toBe('CANNOT_DECRYPT');
    expect(Buffer.from(copy).includes(readFileSync(segment).subarray(0, 4096))).toBe(false);

    // retention deletes the segment: its copy is unpinned and collected from the store's blockstore
    expect(await publisher.ipfs.hasLocally(cid)).toBe(true);
    vdb.markDeleted(id, Date.now());
    await publisher.runOnce();
    expect(vdb.published(id)?.unpinnedAtMs).not.toBeNull();
    expect(await publisher.ipfs.hasLocally(cid)).toBe(false);
  }, 120_000);
});
