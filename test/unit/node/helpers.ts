import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Genesis, genesisToJson, parseGenesis } from '../../../main/chain/genesis';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { type ChainParams, DEFAULT_PARAMS } from '../../../main/chain/params';
import type { Address } from '../../../main/chain/types';
import { writeGenesis } from '../../../main/node/init';
import type { MemoryHub } from '../../../main/p2p/memory-network';
import { SILENT_LOG } from '../../../main/p2p/types';
import { composeLedgerNode } from '../../../main/app/compose-ledger';
import type { NodeService } from '../../../main/node/node-service';
import { waitFor } from '../p2p/wait';

export { SILENT_LOG };

/** Deterministic test keys 1…n (never use such keys outside tests). */
export function testKeys(n: number, offset = 1): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const k = new Uint8Array(32);
    const v = i + offset;
    k[31] = v & 0xff;
    k[30] = (v >> 8) & 0xff;
    k[0] = 0x11;
    return k;
  });
}

/** Fast consensus timeouts for in-process tests. */
export const FAST_TIMEOUTS: ChainParams['timeouts'] = {
  proposeBaseMs: 400,
  proposeDeltaMs: 200,
  prevoteBaseMs: 200,
  prevoteDeltaMs: 100,
  precommitBaseMs: 200,
  precommitDeltaMs: 100,
  commitMs: 0,
};

/** A genesis with `validators` (equal stake, regions rotating) and balances for `funded` too. */
export function testGenesis(
  validators: Uint8Array[],
  opts: { funded?: Address[]; params?: Partial<ChainParams>; chainId?: string } = {},
): Genesis {
  const addrs = validators.map((k) => privateKeyToAddress(k));
  const params = { ...DEFAULT_PARAMS, timeouts: FAST_TIMEOUTS, ...opts.params };
  return parseGenesis(
    genesisToJson({
      chainId: opts.chainId ?? 'hotpot-test',
      genesisTimeMs: 1_700_000_000_000,
      hqAuthority: addrs[0] as Address,
      complianceAuthority: addrs[0] as Address,
      validators: addrs.map((address, i) => ({
        address,
        stake: params.minStake * 10n,
        region: ['north', 'south', 'east', 'west'][i % 4] as string,
      })),
      balances: [...new Set([...addrs, ...(opts.funded ?? [])])].map((address) => ({
        address,
        amount: 10n ** 15n,
      })),
      params,
    }),
  );
}

/** Writes genesis.json into `root/name` and returns the dir. */
export function nodeDir(root: string, name: string, g: Genesis): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeGenesis(dir, g);
  return dir;
}

export { waitFor };

/**
 * Ledger nodes of `g`, one per key, over `hub` (each `v<i>` with its own SQLite store under `root`),
 * started and past height 2; each one's stop is pushed to `cleanups`.
 */
export async function startMemoryValidators(
  keys: readonly Uint8Array[],
  g: Genesis,
  root: string,
  hub: MemoryHub,
  cleanups: Array<() => unknown>,
): Promise<NodeService[]> {
  const nodes = keys.map((key, i) => {
    const n = composeLedgerNode(
      { dataDir: nodeDir(root, `v${i}`, g), sync: { checkIntervalMs: 200 } },
      { log: SILENT_LOG, network: hub.node(`v${i}`, g.chainId), privateKey: key },
    );
    cleanups.push(() => n.stop());
    return n;
  });
  await Promise.all(nodes.map((n) => n.start()));
  await waitFor('height 2', () => nodes.every((n) => n.store.chainMeta().height >= 2), 20_000);
  return nodes;
}
