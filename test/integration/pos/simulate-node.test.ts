// `bin/hotpot pos simulate` against a real headless node (dev chain): a key made by `pos key` in the
// stopped node's data dir, a short rush from three tills, every sale and refund acknowledged, listed
// by the node, on the chain exactly once, and every till's hash chain verifying.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '../../../main/cli/pos-stats';
import { type NodeProcess, runCli, startNode } from '../../helpers/node-process';
import { salesOnDisk } from '../../helpers/sales-books';
import { tempDir } from '../../helpers/tmp';

interface Listed {
  orderId: string;
  terminalId: string;
  refundedMinor: number;
  chain: { state: string };
}

async function listAll(url: string, key: string): Promise<Listed[]> {
  const items: Listed[] = [];
  for (let before: number | null | undefined; before !== null;) {
    const r = await fetch(new URL(`/api/v1/sales?limit=500${before ? `&before=${before}` : ''}`, url), {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(r.status).toBe(200);
    const page = (await r.json()) as { items: Listed[]; nextBefore: number | null };
    items.push(...page.items);
    before = page.nextBefore;
  }
  return items;
}

describe('bin/hotpot pos simulate against a real node', () => {
  const dir = tempDir('hotpot-pos-sim-');
  const dataDir = join(dir.path, 'data');
  let node: NodeProcess;
  let key = '';

  beforeAll(async () => {
    const made = await runCli(['pos', 'key', '--data-dir', dataDir, '--name', 'till 1']);
    expect(made.code, made.stderr).toBe(0);
    key = made.stdout.trim();
    expect(key).toMatch(/^hps_/);
    expect(made.stderr).toMatch(/scope pos:write/);
    const audit = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(audit.code, audit.stderr).toBe(0); // the key's audit entry chains like any other
    node = await startNode({ dataDir, env: { HOTPOT_SALES_BATCH_EVERY_MS: '300' } });
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('every sale and refund is acknowledged, listed, on chain exactly once, and each till’s chain verifies', async () => {
    const r = await runCli(
      [
        'pos',
        'simulate',
        '--api',
        node.url,
        '--terminals',
        '3',
        '--rate',
        '60',
        '--duration',
        '4s',
        '--batch',
        '5',
        '--seed',
        '5', // refunds at every local hour (till-orders.test.ts checks it)
        '--json',
      ],
      { env: { HOTPOT_API_KEY: key }, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as SimulationSummary;
    expect(s.sales).toMatchObject({ generated: 240, accepted: 240, rejected: 0, unsent: 0 });
    expect(s.refunds.accepted).toBe(s.refunds.queued);
    expect(s.refunds.queued).toBeGreaterThan(0);
    expect(s.requests.total).toBeLessThan(240); // batched
    const listed = await listAll(node.url, key);
    expect(listed).toHaveLength(240);
    expect(new Set(listed.map((l) => l.terminalId))).toEqual(new Set(['till-1', 'till-2', 'till-3']));
    expect(listed.filter((l) => l.refundedMinor > 0)).toHaveLength(s.refunds.accepted);
    const deadline = Date.now() + 30_000;
    while ((await listAll(node.url, key)).some((l) => l.chain.state !== 'recorded')) {
      if (Date.now() > deadline) throw new Error('sales did not all reach the chain within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await node.stop();
    const disk = salesOnDisk(dataDir);
    expect(disk.recorded.size).toBe(240);
    expect([...disk.recorded.values()].every((n) => n === 1)).toBe(true);
    for (const chain of disk.chains) expect(chain.ok, JSON.stringify(chain)).toBe(true);
  });
});
