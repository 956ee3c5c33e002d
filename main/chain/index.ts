/**
 * The ledger (pure: no I/O, clocks or randomness; everything that varies is an argument).
 *
 * - `keys.ts`: secp256k1 keys, Ethereum addresses with EIP-55, recoverable and compact signatures over
 *   domain-separated keccak signing hashes (ECDSA-SHA256), the injectable `SignatureVerifier`.
 * - `encoding.ts`: the canonical binary encoding and its limits; `errors.ts`: `ChainError` codes.
 * - `tx/`: transaction types (`types.ts`), payload and transaction encoding (`payload-codec.ts`,
 *   `codec.ts`), signing and signature checks with an optional `VerifiedCache` (`signing.ts`,
 *   `cache.ts`), stateless checks (`stateless-checks.ts`) and the `TxBuilder` (`builder.ts`).
 * - `vote.ts`: votes, proposals, sign bytes, double-vote evidence; `block.ts`: headers, blocks,
 *   commits, Merkle tx root, commit verification, validator-set hash.
 * - `state/` + `smt.ts`: the key/value state (`store.ts`), its records (`records.ts`) and typed
 *   reads/writes (`access.ts`), its sparse-Merkle state root, `applyBlock` and `buildBlock`
 *   (`apply-block.ts`), `checkTx` (mempool admission, `apply-tx.ts`), the consensus hooks
 *   (`consensus-hooks.ts`) and one payload rule per tx family behind one dispatcher (`rules/`);
 *   `genesis.ts`: the genesis document, its hash, the initial state and the dev genesis;
 *   `params.ts`: chain parameters.
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
export * from './tx/types';
export { readFranchise, writeFranchise } from './tx/payload-codec';
export * from './tx/codec';
export * from './tx/signing';
export * from './tx/stateless-checks';
export * from './tx/builder';
export * from './block';
export * from './smt';
export * from './state/store';
export {
  type Account,
  type AnchorRecord,
  type AuditAnchorRecord,
  type ChainMeta,
  type KycRecord,
  type ValidatorRecord,
  decodeAccount,
  decodeValidator,
  decodeValidatorSet,
  encodeAccount,
  encodeValidator,
  encodeValidatorSet,
} from './state/records';
export {
  getAccount,
  getAnchor,
  getAuditAnchor,
  getChainMeta,
  getFranchise,
  getKyc,
  getSupply,
  getValidator,
  getValidatorSet,
  getSalesMark,
  listValidators,
} from './state/access';
export { type ConsensusHooks, DEFAULT_HOOKS, type ReputationEvent, checkSet } from './state/consensus-hooks';
export type { ApplyContext } from './state/apply-context';
export { type TxReceipt, checkTx } from './state/apply-tx';
export { type ApplyResult, type DecodedTxs, applyBlock, buildBlock } from './state/apply-block';
export { writeGenesisState } from './state/genesis-state';
export * from './genesis';
