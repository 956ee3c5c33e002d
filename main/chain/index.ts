/**
 * The ledger (pure: no I/O, clocks or randomness; everything that varies is an argument).
 *
 * - `keys.ts`: secp256k1 keys, Ethereum addresses with EIP-55, recoverable and compact signatures over
 *   domain-separated keccak signing hashes (ECDSA-SHA256), the injectable `SignatureVerifier`.
 * - `encoding.ts`: the canonical binary encoding and its limits; `errors.ts`: `ChainError` codes.
 * - `tx.ts`: transaction types, encoding, signing (`TxBuilder`), stateless checks, signature checks
 *   with an optional `VerifiedCache` (`cache.ts`).
 * - `vote.ts`: votes, proposals, sign bytes, double-vote evidence; `block.ts`: headers, blocks,
 *   commits, Merkle tx root, commit verification, validator-set hash.
 * - `state.ts` + `smt.ts`: the key/value state, its sparse-Merkle state root, `applyBlock`,
 *   `buildBlock`, `checkTx` (mempool admission) and the consensus hooks; `genesis.ts`: the genesis
 *   document, its hash, the initial state and the dev genesis; `params.ts`: chain parameters.
 *
 * @example
 * const g = makeDevGenesis({ privateKey, genesisTimeMs });
 * const store = new MemoryStateStore();            // the node driver backs StateStore with SQLite
 * store.apply(applyGenesis(store, g).writes);
 * const ctx = { config: genesisConfig(g), verify: { verifier, cache } };
 * checkTx(store, tx, ctx);                          // mempool admission: throws a typed ChainError
 * const { block, result } = buildBlock(store, { header: { height: 1, round: 0, timeMs, proposer }, txs: [tx], lastCommit: null, evidence: [] }, ctx);
 * store.apply(applyBlock(store, block, ctx).writes); // every other node; persist the writes in one transaction
 */
export * from './types';
export * from './errors';
export * from './bytes';
export * from './keys';
export * from './encoding';
export * from './cache';
export * from './params';
export * from './vote';
export * from './tx';
export * from './block';
export * from './smt';
export * from './state';
export * from './genesis';
