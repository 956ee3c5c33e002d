// A real headless node for the camera tests that go through its API: bin/hotpot start --headless on
// a data dir whose config lets it add the tests' loopback cameras, signed in as its owner, and a
// /ws client of it.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { signInAsOwner, startNode, type NodeProcess } from '../node-process';

/**
 * Starts a node on `dataDir` whose `video` config is `video` plus loopback among its camera
 * networks (the test cameras are on 127.0.0.1, which video.cameraNetworks leaves out by default);
 * returns it with the owner's session cookie.
 */
export async function startCameraNode(
  dataDir: string,
  video: Record<string, unknown> = {},
): Promise<{ node: NodeProcess; cookie: string }> {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ video: { ...video, cameraNetworks: ['127.0.0.0/8'] } }),
  );
  const node = await startNode({ dataDir, timeoutMs: 30_000 });
  return { node, cookie: await signInAsOwner(node.url) };
}

/** A `/ws` client of the node at `url` that keeps every message (text and binary); `watch` says which cameras it shows live. */
export async function eventsClient(url: string, cookie: string) {
  const ws = new WebSocket(new URL('/ws', url.replace(/^http/, 'ws')), { headers: { cookie } });
  const binary: Buffer[] = [];
  const text: string[] = [];
  ws.on('message', (m, isBinary) => (isBinary ? binary.push(m as Buffer) : text.push(String(m))));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const watch = (cameraIds: string[]) => ws.send(JSON.stringify({ type: 'watch', cameraIds }));
  return { ws, binary, text, watch };
}

/** Every file under `dir`, read whole (logs, databases, config): where a secret must not stand. */
export function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}
