/**
 * A candidate block of the height being decided, and whether it applies to the committed state: the
 * driver keeps the result of applying it so the commit does not apply it twice.
 */
import type { Block, DecodedBlock } from '../chain/block';
import type { ApplyContext } from '../chain/state/apply-context';
import { type ApplyResult, applyBlock } from '../chain/state/apply-block';
import type { Hash } from '../chain/types';
import type { P2pLog } from '../p2p/types';
import type { LedgerStore } from './ledger-store';

/** A block the driver holds for the height being decided (built, proposed to it, synced or restored). */
export interface BlockEntry {
  block: Block;
  bytes: Uint8Array;
  hash: Hash;
  txBytes: Uint8Array[];
  txHashes: Hash[];
  valid: boolean;
  /** The result of applying it to the state of `height - 1` (kept for the commit). */
  result: ApplyResult | null;
}

/** What `validateBlock` uses. */
export interface BlockCheckDeps {
  store: LedgerStore;
  ctx: ApplyContext;
  log: P2pLog;
}

/**
 * Validates a received block by applying it to the committed state; an invalid one is logged and
 * returned with `valid: false` (the machine prevotes nil on it).
 */
export function validateBlock(d: DecodedBlock, bytes: Uint8Array, deps: BlockCheckDeps): BlockEntry {
  const entry: BlockEntry = {
    block: d.block,
    bytes,
    hash: d.hash,
    txBytes: d.txBytes,
    txHashes: d.txHashes,
    valid: false,
    result: null,
  };
  try {
    entry.result = applyBlock(deps.store, d.block, deps.ctx, d);
    entry.valid = true;
  } catch (err) {
    deps.log.warn(
      { height: d.block.header.height, hash: d.hash, err: (err as Error).message },
      'proposed block is invalid',
    );
  }
  return entry;
}
