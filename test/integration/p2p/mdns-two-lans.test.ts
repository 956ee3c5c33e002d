import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';
import type { PeerView } from '../../../main/p2p/types';
import { createNetns, netnsSupport, veth, type Netns } from '../../helpers/netns';
import { waitFor } from '../../unit/p2p/wait';
import { bundlePeer } from './bundle';
import { startPeer, type PeerProc } from './harness';
import type { PeerConfig } from './peer';

// A back-office PC on two LAN segments (say Ethernet and Wi-Fi): three network namespaces of one
// user namespace. `mid` has two veth links, to `left` (10.1.0.0/24) and to `right` (10.2.0.0/24), and
// its multicast route points at lo. Stock @libp2p/mdns sends through one interface only (the
// kernel's route for 224.0.0.251, here lo), so neither side would ever hear `mid` answer. With one
// responder per interface, `mid` finds and is found on both, and relays gossip between two stores
// that cannot reach each other directly. Everything stays inside the namespaces.
const support = netnsSupport();
if (!support.ok) console.warn(`p2p two-LAN test ${support.reason}`);

describe.skipIf(!support.ok)('mDNS on every interface of a multi-homed node', () => {
  let mid: Netns, left: Netns, right: Netns;
  let bundle: string;
  const dirs: string[] = [];
  let m: PeerProc, l: PeerProc, r: PeerProc;
  const cfg = (): PeerConfig => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hotpot-p2p-2lan-'));
    dirs.push(dataDir);
    return {
      chainId: 'hotpot-lan',
      dataDir,
      listen: ['/ip4/0.0.0.0/tcp/0'],
      mdns: true,
      mdnsIntervalMs: 1_000,
    };
  };
  const peersOf = (p: PeerProc): Promise<PeerView[]> => p.request<PeerView[]>('peers');

  beforeAll(async () => {
    [bundle, mid] = await Promise.all([bundlePeer(), createNetns()]);
    [left, right] = await Promise.all([createNetns(mid), createNetns(mid)]);
    veth(mid, left, 'vl', 'vl0', '10.1.0.1/24', '10.1.0.2/24');
    veth(mid, right, 'vr', 'vr0', '10.2.0.1/24', '10.2.0.2/24');
    [m, l, r] = await Promise.all([
      startPeer('mid', bundle, cfg(), (c, a) => mid.spawn(c, a)),
      startPeer('left', bundle, cfg(), (c, a) => left.spawn(c, a)),
      startPeer('right', bundle, cfg(), (c, a) => right.spawn(c, a)),
    ]);
  });

  afterAll(async () => {
    await Promise.all([left?.close(), right?.close()]);
    await mid?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers on both LAN interfaces (not lo, not just one)', () => {
    expect(mid.sh('ip route show 224.0.0.0/4')).toMatch(/dev lo/);
    expect(m.mdnsInterfaces.map((i) => i.name).sort()).toEqual(['vl', 'vr']);
    expect(l.mdnsInterfaces.map((i) => i.name)).toEqual(['vl0']);
  });

  it('the multi-homed node finds and is found on both segments', async () => {
    await waitFor(
      'mid connected to left and right',
      async () => (await peersOf(m)).filter((p) => p.connected && p.status).length === 2,
      30_000,
      250,
    );
    const views = await peersOf(m);
    expect(views.find((p) => p.id === l.peerId)?.address).toMatch(/^\/ip4\/10\.1\.0\.2\//);
    expect(views.find((p) => p.id === r.peerId)?.address).toMatch(/^\/ip4\/10\.2\.0\.2\//);
    // left and right cannot reach each other: no route between the segments
    expect((await peersOf(l)).filter((p) => p.connected).map((p) => p.id)).toEqual([m.peerId]);
  });

  it('control: a socket set up as @libp2p/mdns does it is never heard on the segments', async () => {
    const mcast = JSON.stringify(join(appRoot(), 'node_modules', 'multicast-dns', 'index.js'));
    // what @libp2p/mdns does: multicastDNS({ port: 5353, ip: '224.0.0.251' }), no interface
    const listen = (iface: string) =>
      `import m from ${mcast}; const d = m({ interface: '${iface}', bind: '0.0.0.0' }); let n = 0;` +
      `d.on('query', (q) => { if (q.questions[0]?.name === 'probe.local') n++; });` +
      `setTimeout(() => { process.stdout.write(String(n) + "\\n", () => { d.destroy(); process.exit(0); }); }, 2500);`;
    const send = (opts: string) =>
      `import m from ${mcast}; const d = m(${opts}); let k = 0;` +
      `const t = setInterval(() => { d.query({ questions: [{ name: 'probe.local', type: 'PTR' }] }); if (++k === 5) { clearInterval(t); setTimeout(() => { d.destroy(); process.exit(0); }, 100); } }, 200);`;
    const heard = async (opts: string): Promise<number> => {
      const listener = left.spawn(process.execPath, ['--input-type=module', '-e', listen('10.1.0.2')]);
      let out = '';
      let err = '';
      listener.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      listener.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      // 'close', not 'exit': under load the exit can come before the last stdout bytes are read.
      const listenerDone = new Promise((res) => listener.on('close', res));
      await new Promise((res) => setTimeout(res, 300));
      const sender = mid.spawn(process.execPath, ['--input-type=module', '-e', send(opts)]);
      await new Promise((res) => sender.on('close', res));
      await listenerDone;
      const n = Number(out.trim());
      if (out.trim() === '' || !Number.isFinite(n))
        throw new Error(`the listener printed ${JSON.stringify(out)}; stderr: ${err}`);
      return n;
    };
    expect(await heard(`{ port: 5353, ip: '224.0.0.251' }`)).toBe(0);
    expect(await heard(`{ interface: '10.1.0.1', bind: '0.0.0.0' }`)).toBe(5);
  });

  it('relays validated gossip between the segments', async () => {
    await l.request('publish', { topic: 'proposal', body: 'left-to-right' });
    await waitFor(
      'relayed',
      () => r.received.some((x) => x.body === 'left-to-right' && x.from === m.peerId),
      15_000,
    );
    expect(m.received.some((x) => x.body === 'left-to-right')).toBe(true);
  });
});
