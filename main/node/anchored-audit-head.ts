/**
 * Which audit-log head did this data dir's store last anchor on its chain? Read from `ledger.db`
 * opened read-only, for `bin/hotpot audit verify` (whether or not the node is running).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditAnchor } from '../access/audit-anchoring';
import { getAuditAnchor } from '../chain/state/access';
import { DEV_CHAIN_ID, DEV_FRANCHISE_ID } from './chain-anchoring';
import { LedgerStore } from './ledger-store';

/** What the chain says of a store's audit anchors: the franchise looked up, and its latest anchor. */
export type AnchoredAuditHead =
  | { franchiseId: string; chainId: string; anchor: AuditAnchor | null }
  /** No anchor can be looked up, and why (no chain in the data dir, no franchise known). */
  | { franchiseId: null; reason: string };

/**
 * The latest audit head anchored for `franchiseId` (else the dev store on the development chain) on
 * the chain in `dataDir`'s `ledger.db`. Throws the store's typed error when the file cannot be read.
 *
 * @example
 * const r = readAnchoredAuditHead('/var/lib/hotpot', config.franchiseId);
 * if (r.franchiseId && r.anchor) verifyAuditLog(log, r.anchor);
 */
export function readAnchoredAuditHead(dataDir: string, franchiseId: string | undefined): AnchoredAuditHead {
  const file = join(dataDir, 'ledger.db');
  if (!existsSync(file))
    return { franchiseId: null, reason: `there is no chain in ${dataDir} (no ledger.db)` };
  const store = LedgerStore.openReadOnly(file, { cacheEntries: 16 });
  try {
    const { chainId } = store.chainInfo();
    const id = franchiseId ?? (chainId === DEV_CHAIN_ID ? DEV_FRANCHISE_ID : undefined);
    if (!id)
      return {
        franchiseId: null,
        reason: 'no franchise id is configured (franchiseId in config.json or HOTPOT_FRANCHISE_ID)',
      };
    const a = getAuditAnchor(store, id);
    return { franchiseId: id, chainId, anchor: a ? { ...a, hash: a.hash.slice(2) } : null };
  } finally {
    store.close();
  }
}
