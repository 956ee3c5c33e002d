import { describe, expect, it } from 'vitest';
import { MemoryHub } from '../../../main/p2p/memory-network';
import { SnapshotServing } from '../../../main/p2p/snapshot-protocol';
import { DEFAULT_SNAPSHOT_LIMITS } from '../../../main/p2p/snapshot-protocol';
import { encodeJson } from '../../../main/p2p/wire';

const CHAIN = 'hotpot-test';

async function pair(hubOpts: ConstructorParameters<typeof MemoryHub>[0] = {}) {
  const hub = new MemoryHub(hubOpts);
  const a = hub.node('a', CHAIN);
  const b = hub.node('b', CHAIN);
  await Promise.all([a.start(), b.start()]);
  return { hub, a, b };
}

describe('the snapshot protocol', () => {
  it('answers manifests, chunks and headers from the provider, NOT_FOUND when it has none', async () => {
    const { a, b } = await pair();
    b.setSnapshotProvider(async (q) => {
      if (q.op === 'manifests') return [new Uint8Array([1]), new Uint8Array([2])];
      if (q.op === 'chunk') return q.index === 0 ? [new Uint8Array([9, 9])] : null;
      return Array.from({ length: q.count + 5 }, (_, i) => new Uint8Array([q.fromHeight + i]));
    });
    expect(await a.fetchSnapshot('b', { op: 'manifests' })).toEqual([
      new Uint8Array([1]),
      new Uint8Array([2]),
    ]);
    expect(await a.fetchSnapshot('b', { op: 'chunk', height: 5, index: 0 })).toEqual([
      new Uint8Array([9, 9]),
    ]);
    await expect(a.fetchSnapshot('b', { op: 'chunk', height: 5, index: 1 })).rejects.toMatchObject({
      code: 'SNAPSHOT_REFUSED',
      data: { code: 'NOT_FOUND' },
    });
    // Never more headers than asked, even if the provider gives more.
    expect(await a.fetchSnapshot('b', { op: 'headers', fromHeight: 3, count: 4 })).toHaveLength(4);
  });

  it('refuses without a provider, and malformed queries before they leave', async () => {
    const { a } = await pair();
    await expect(a.fetchSnapshot('b', { op: 'manifests' })).rejects.toMatchObject({
      data: { code: 'NO_PROVIDER' },
    });
    await expect(a.fetchSnapshot('b', { op: 'headers', fromHeight: 0, count: 1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('caps an answer in bytes and headers per query', async () => {
    const { a, b } = await pair({ snapshot: { maxResponseBytes: 10, maxHeadersPerRequest: 3 } });
    b.setSnapshotProvider(async () => Array.from({ length: 8 }, () => new Uint8Array(4)));
    // 3 headers asked at most; 4 + 4 bytes fit under 10, the third would not.
    expect(await a.fetchSnapshot('b', { op: 'headers', fromHeight: 1, count: 100 })).toHaveLength(2);
  });

  it('limits each peer to its byte budget and to two queries at once', async () => {
    let now = 0;
    const serving = new SnapshotServing({
      limits: { ...DEFAULT_SNAPSHOT_LIMITS, bytesPerSecondPerPeer: 100_000, maxResponseBytes: 100_000 },
      now: () => now,
      penalize: () => {},
    });
    serving.setProvider(async () => [new Uint8Array(90_000)]);
    const ask = () => serving.answer('p', encodeJson({ v: 1, op: 'chunk', height: 1, index: 0 }));
    expect((await ask()).header.ok).toBe(true); // 90 KB + the query's cost: the budget is spent
    const limited = (await ask()).header;
    expect(limited).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    // Another peer has its own budget; this one is served again once it refilled.
    expect((await serving.answer('q', encodeJson({ v: 1, op: 'manifests' }))).header.ok).toBe(true);
    now += (limited as { retryAfterMs: number }).retryAfterMs;
    expect((await ask()).header.ok).toBe(true);

    // Concurrency: the third query while two are being delivered is refused BUSY.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const slow = (peer: string) =>
      serving.answer(peer, encodeJson({ v: 1, op: 'manifests' }), async () => held);
    now += 10_000;
    const one = slow('r');
    const two = slow('r');
    const three = await serving.answer('r', encodeJson({ v: 1, op: 'manifests' }));
    expect(three.header).toMatchObject({ ok: false, code: 'BUSY' });
    release();
    await Promise.all([one, two]);
  });

  it('penalizes a malformed request and refuses it BAD_REQUEST', async () => {
    const penalties: string[] = [];
    const serving = new SnapshotServing({
      limits: DEFAULT_SNAPSHOT_LIMITS,
      now: () => 0,
      penalize: (id, offence) => penalties.push(`${id}:${offence}`),
    });
    serving.setProvider(async () => []);
    const a = await serving.answer(
      'x',
      new TextEncoder().encode('{"v":1,"op":"chunk","height":-1,"index":0}'),
    );
    expect(a.header).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(penalties).toEqual(['x:sync-protocol']);
  });
});
