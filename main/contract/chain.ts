/**
 * The ledger's part of the API contract: head, blocks, transactions, accounts and validators, and the
 * `chain.block` event (a new head). Amounts are decimal strings of token base units (bigint-safe);
 * addresses are shown EIP-55 checksummed; hashes are lowercase 0x hex.
 */
import { z } from 'zod';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';
import { PEOPLE, allow } from './access';

const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a hash is 0x followed by 64 hex digits');
const AddressText = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x followed by 40 hex digits');
const AmountText = z.string().regex(/^(0|[1-9][0-9]*)$/);

export const ChainHead = z.object({
  chainId: z.string(),
  genesisHash: z.string(),
  height: z.number().int().min(0),
  /** null at height 0 (only genesis). */
  hash: z.string().nullable(),
  timeMs: z.number().nullable(),
  stateRoot: z.string(),
  syncing: z.boolean(),
  /** This node's validator address (checksummed), or null for an observer. */
  validator: z.string().nullable(),
  /** Where consensus is now. */
  round: z.number().int().min(0),
  mempoolTxs: z.number().int().min(0),
});
export type ChainHead = z.infer<typeof ChainHead>;

export const BlockSummary = z.object({
  height: z.number().int().min(1),
  hash: z.string(),
  timeMs: z.number(),
  proposer: z.string(),
  txCount: z.number().int().min(0),
  stateRoot: z.string(),
});
export type BlockSummary = z.infer<typeof BlockSummary>;

export const TxView = z.object({
  hash: z.string(),
  type: z.string(),
  sender: z.string(),
  nonce: z.number().int(),
  fee: AmountText,
  /** Receiver (transfer), subject (KYC) or owner (franchise), when the type has one. */
  to: z.string().nullable(),
  /** Tokens moved (transfer, stake, unstake), else null. */
  amount: AmountText.nullable(),
  /** One line for people: "3 sales, 42.00 USD", "franchise moscow-1 registered", … */
  summary: z.string(),
  /**
   * `unknown`: committed, but this node joined from a state snapshot and back-filled the block without
   * applying it, so whether the transaction succeeded is not known here.
   */
  status: z.enum(['pending', 'ok', 'failed', 'unknown']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  height: z.number().int().nullable(),
  index: z.number().int().nullable(),
  timeMs: z.number().nullable(),
  /** Tokens minted by this transaction (sales). */
  minted: AmountText,
});
export type TxView = z.infer<typeof TxView>;

export const BlockDetail = BlockSummary.extend({
  round: z.number().int(),
  previousHash: z.string(),
  txRoot: z.string(),
  validatorSetHash: z.string(),
  /** Validators whose precommits for the previous block this block carries. */
  lastCommitSigners: z.array(z.string()),
  /** Validators whose precommits finalized this block. */
  commitSigners: z.array(z.string()),
  evidence: z.array(
    z.object({ validator: z.string(), height: z.number().int(), round: z.number().int(), type: z.string() }),
  ),
  txs: z.array(TxView),
});
export type BlockDetail = z.infer<typeof BlockDetail>;

export const AccountView = z.object({
  address: z.string(),
  balance: AmountText,
  nonce: z.number().int(),
  /** Next nonce counting pending transactions. */
  pendingNonce: z.number().int(),
  stake: AmountText,
  /** Unstaked tokens still slashable, returning to the balance when their unbonding period ends. */
  unbonding: AmountText,
  isValidatorCandidate: z.boolean(),
  kyc: z.object({ level: z.number().int(), status: z.string(), expiresAtMs: z.number() }).nullable(),
  txs: z.array(TxView),
  /** Pass as `before` for older transactions; null at the end. */
  nextCursor: z.string().nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

export const ValidatorView = z.object({
  address: z.string(),
  stake: AmountText,
  /** Unstaked tokens still slashable (see `AccountView.unbonding`). */
  unbonding: AmountText,
  reputationPpm: z.number().int(),
  region: z.string(),
  /** Selection score now (0.4 × reputation + 0.3 × stake share + 0.3 × geographic diversity), ppm. */
  scorePpm: z.number().int(),
  /** Voting power in the set deciding the next block (0 when not in it). */
  votingPower: z.number().int(),
  active: z.boolean(),
  jailed: z.boolean(),
  jailedUntilEpoch: z.number().int(),
});
export type ValidatorView = z.infer<typeof ValidatorView>;

export const chainMethods = {
  'chain.head': method(z.object({}).strict(), ChainHead, allow(PEOPLE.readers, ['read'])),
  'chain.blocks': method(
    z
      .object({
        limit: z.number().int().min(1).max(100).default(20),
        before: z.number().int().min(1).optional(),
      })
      .strict(),
    z.object({ items: z.array(BlockSummary), nextBefore: z.number().int().nullable() }),
    allow(PEOPLE.readers, ['read']),
  ),
  'chain.block': method(
    z.union(
      [
        z.object({ height: z.number().int().min(1, 'a block height is a whole number ≥ 1') }).strict(),
        z.object({ hash: Hash }).strict(),
      ],
      {
        error:
          'a block is named by its height (a whole number ≥ 1) or its hash (0x followed by 64 hex digits)',
      },
    ),
    BlockDetail,
    allow(PEOPLE.readers, ['read']),
  ),
  'chain.tx': method(z.object({ hash: Hash }).strict(), TxView, allow(PEOPLE.readers, ['read'])),
  'chain.account': method(
    z
      .object({
        address: AddressText,
        limit: z.number({ error: 'limit is a whole number from 1 to 200' }).int().min(1).max(200).default(25),
        before: z
          .string()
          .regex(/^\d{1,15}:\d{1,9}$/, 'before is the nextCursor of a previous page ("height:index")')
          .optional(),
      })
      .strict(),
    AccountView,
    allow(PEOPLE.readers, ['read']),
  ),
  'chain.validators': method(z.object({}).strict(), z.array(ValidatorView), allow(PEOPLE.readers, ['read'])),
  /** Submits an encoded, signed transaction (0x hex) to the mempool and the network. Refusals are typed (the chain's codes). */
  'chain.submitTx': method(
    z
      .object({
        tx: z.string().regex(/^0x([0-9a-fA-F]{2}){1,65536}$/, 'tx is the encoded transaction as 0x hex'),
      })
      .strict(),
    z.object({ txHash: z.string() }),
    allow(PEOPLE.managers),
    AUDITED,
  ),
} satisfies MethodTable;

export const chainEvents = {
  /** A block was committed (the new head). */
  'chain.block': BlockSummary,
} satisfies EventTable;

/** Who receives each of the chain events. */
export const chainEventRights = {
  'chain.block': allow(PEOPLE.readers, ['read']),
} satisfies EventRights<typeof chainEvents>;
