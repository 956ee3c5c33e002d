// `bin/hotpot bench pos-kill`: is every sale the node acknowledged on the chain exactly once after it
// is SIGKILLed again and again mid-rush, and does every till's hash chain still verify? Starts a real
// node (dev chain, loopback), has tills post while it is killed `--kills` times at random moments and
// started again, waits for the queue to drain, stops it and reads its ledger.db and sales.db.
// Prints one JSON object; progress goes to stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drained, rushWithKills } from '../helpers/pos-rush';
import { type NodeProcess, runCli, startNode } from '../helpers/node-process';
import { salesOnDisk } from '../helpers/sales-books';

const say = (msg: string) => process.stderr.write(`bench pos-kill: ${msg}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      kills: { type: 'string', default: '20' },
      tills: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: bin/hotpot bench pos-kill [--kills N (default 20)] [--tills N (default 8)] [--seed S]\n',
    );
    return;
  }
  const kills = Number(values.kills);
  let seed = Number(values.seed);
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-bench-pos-kill-'));
  const dataDir = join(dir, 'data');
  const env = { HOTPOT_SALES_BATCH_EVERY_MS: '500', HOTPOT_USER_PASSWORD: 'bench-owner-password' };
  let node: NodeProcess | undefined;
  try {
    node = await startNode({ dataDir, env, timeoutMs: 60_000 });
    const made = await runCli(['pos', 'key', '--data-dir', dataDir, '--name', 'bench pos-kill'], { env });
    const key = made.stdout.trim();
    if (made.code !== 0 || !key)
      throw new Error(`pos key failed (${made.code}): ${made.stdout}${made.stderr}`);
    const t0 = Date.now();
    const rush = await rushWithKills({
      node: node,
      dataDir,
      env,
      key,
      tills: Number(values.tills),
      kills,
      gapMs: () => 500 + Math.floor(rnd() * 2500),
      onKill: (k, acked) => say(`kill ${k}/${kills}: ${acked} sales acknowledged so far`),
    });
    node = rush.node;
    const drainMs = await drained(node.url, key, 600_000);
    await node.stop();
    const disk = salesOnDisk(dataDir);
    const missing = [...rush.acknowledged].filter((id) => disk.recorded.get(id) !== 1);
    const counts = [...disk.recorded.values()];
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'pos-kill',
          kills,
          rush_s: Math.round((Date.now() - t0) / 1000),
          sales_acknowledged_201: rush.acknowledged.size,
          sales_stored: disk.stored,
          orders_recorded: counts.length,
          acknowledged_not_recorded_once: missing.length,
          recorded_more_than_once: counts.filter((c) => c > 1).length,
          stored_not_recorded: disk.stored - counts.length,
          failed_record_sales_txs: disk.failedSalesTxs,
          terminal_chains_verified: disk.chains.filter((c) => c.ok).length,
          terminal_chains_broken: disk.chains.filter((c) => !c.ok).length,
          drain_ms_after_last_restart: drainMs,
          every_acknowledged_sale_on_chain_once:
            missing.length === 0 && counts.every((c) => c === 1) && disk.stored === counts.length,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await node?.stop(); // a failed run leaves no node behind
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench pos-kill: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
