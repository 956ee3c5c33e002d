/**
 * `openLedger`: the chain a data dir holds, opened. Makes a development chain in an empty data dir
 * when asked, reads genesis.json, opens `ledger.db` and writes genesis into it on first start, or
 * refuses a store that belongs to another genesis.
 */
import { join } from 'node:path';
import { type Genesis, applyGenesis, genesisConfig, genesisHash } from '../chain/genesis';
import type { ChainConfig } from '../chain/params';
import type { P2pLog } from '../p2p/types';
import { NodeError } from './errors';
import { ensureInitialized, readGenesis } from './init';
import { LedgerStore } from './ledger-store';

/** A data dir's chain: its genesis, the chain configuration from it, and the open store. */
export interface OpenedLedger {
  genesis: Genesis;
  config: ChainConfig;
  store: LedgerStore;
}

/** Options of `openLedger`. */
export interface OpenLedgerOptions {
  dataDir: string;
  /** Make a single-validator development chain when the data dir has no genesis.json. */
  autoInitDevChain?: boolean;
}

/**
 * Opens the data dir's ledger (the caller closes `store`); on a refusal nothing stays open.
 *
 * @example
 * const { genesis, config, store } = await openLedger({ dataDir, autoInitDevChain: true }, log);
 */
export async function openLedger(opts: OpenLedgerOptions, log: P2pLog): Promise<OpenedLedger> {
  const { dataDir } = opts;
  if (opts.autoInitDevChain) {
    const r = await ensureInitialized(dataDir);
    if (r.created)
      log.info(
        { dataDir, chainId: r.chainId, validator: r.validator },
        'made a single-validator development chain (the data dir was empty)',
      );
  }
  const genesis = readGenesis(dataDir);
  const gHash = genesisHash(genesis);
  const config = genesisConfig(genesis);
  const store = LedgerStore.open(join(dataDir, 'ledger.db'));
  try {
    if (!store.initialized()) {
      const g = applyGenesis(store, genesis);
      store.initGenesis(genesis, g.genesisHash, g.writes);
      log.info(
        { chainId: genesis.chainId, genesisHash: g.genesisHash },
        'ledger initialized from genesis.json',
      );
    } else if (store.chainInfo().genesisHash !== gHash) {
      throw new NodeError(
        'BAD_DATA_DIR',
        `ledger.db in ${dataDir} holds chain ${store.chainInfo().chainId} with genesis ${store.chainInfo().genesisHash}, but genesis.json has ${gHash}: use another data dir or restore the matching genesis.json`,
        { dataDir },
      );
    }
    // A ledger written before the franchise index existed: build it once from the stored transactions.
    const applied = store.franchises.catchUp(store.chainMeta().height, config.params);
    if (applied > 0) log.info({ txs: applied }, 'franchise index caught up with the stored chain');
  } catch (err) {
    store.close();
    throw err;
  }
  return { genesis, config, store };
}
