/**
 * The wallet's part of the API contract. No secret crosses it except `wallet.revealMnemonic`, which
 * asks for the wallet password again. Amounts are decimal strings of token base units (bigint-safe).
 */
import { z } from 'zod';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';
import { PEOPLE, allow, allowWithStepUp } from './access';

const Password = z.string().min(1, 'enter the wallet password').max(1024);
/** An address as typed: 0x + 40 hex; the checksum is checked by the wallet (mixed case must be EIP-55). */
const AddressText = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x followed by 40 hex digits');
/** A token amount in base units, as a decimal string. */
export const Amount = z.string().regex(/^(0|[1-9][0-9]{0,37})$/, 'an amount is a whole number of base units');

export const WalletAccount = z.object({
  /** EIP-55 checksummed. */
  address: z.string(),
  type: z.enum(['hd', 'imported']),
  index: z.number().int().nullable(),
  label: z.string().nullable(),
  path: z.string().nullable(),
});
export type WalletAccount = z.infer<typeof WalletAccount>;

export const WalletStatus = z.object({
  state: z.enum(['none', 'locked', 'unlocked', 'damaged']),
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
  hasMnemonic: z.boolean(),
  hasPassphrase: z.boolean(),
  accounts: z.array(WalletAccount),
  autoLockMs: z.number().int(),
  autoLockAtMs: z.number().nullable(),
  kdf: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }).nullable(),
});
export type WalletStatus = z.infer<typeof WalletStatus>;

export const WalletTx = z.object({
  txHash: z.string(),
  height: z.number().int().nullable(),
  timeMs: z.number().nullable(),
  type: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  amount: Amount,
  fee: Amount,
  status: z.enum(['pending', 'confirmed', 'failed']),
  error: z.string().optional(),
});
export type WalletTx = z.infer<typeof WalletTx>;

export const SendPreview = z.object({
  previewId: z.string(),
  chainId: z.string(),
  from: z.string(),
  to: z.string(),
  amount: Amount,
  fee: Amount,
  nonce: z.number().int(),
  total: Amount,
  balance: Amount,
  expiresAtMs: z.number(),
});
export type SendPreview = z.infer<typeof SendPreview>;

/** Why the wallet locked. */
export const LockReason = z.enum(['user', 'idle', 'suspend', 'lock-screen', 'stop']);
export type LockReason = z.infer<typeof LockReason>;

export const walletMethods = {
  'wallet.status': method(z.object({}).strict(), WalletStatus, allow(PEOPLE.readers)),
  'wallet.create': method(
    z
      .object({
        words: z.union([z.literal(12), z.literal(24)]),
        password: z.string().min(8, 'use at least 8 characters').max(1024),
      })
      .strict(),
    WalletStatus,
    allow(PEOPLE.owners),
    AUDITED,
  ),
  'wallet.import': method(
    z
      .object({
        mnemonic: z.string().min(1).max(1000),
        passphrase: z.string().max(1024).optional(),
        password: z.string().min(8, 'use at least 8 characters').max(1024),
        accounts: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
    WalletStatus,
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
  'wallet.importKeystore': method(
    z
      .object({
        json: z
          .string()
          .min(2)
          .max(64 * 1024),
        filePassword: z.string().max(1024),
        password: z.string().max(1024).optional(),
        label: z.string().max(200).optional(),
      })
      .strict(),
    WalletAccount,
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
  'wallet.unlock': method(
    z.object({ password: Password, passphrase: z.string().max(1024).optional() }).strict(),
    WalletStatus,
    allow(PEOPLE.managers),
    AUDITED,
  ),
  'wallet.lock': method(z.object({}).strict(), WalletStatus, allow(PEOPLE.managers), AUDITED),
  'wallet.accounts': method(z.object({}).strict(), z.array(WalletAccount), allow(PEOPLE.readers)),
  'wallet.addAccount': method(z.object({}).strict(), WalletAccount, allow(PEOPLE.owners), AUDITED),
  'wallet.balance': method(
    z.object({ address: AddressText }).strict(),
    z.object({ address: z.string(), balance: Amount }),
    allow(PEOPLE.readers),
  ),
  'wallet.history': method(
    z
      .object({
        address: AddressText,
        limit: z.number().int().min(1).max(200).default(50),
        before: z.string().max(200).optional(),
      })
      .strict(),
    z.object({ items: z.array(WalletTx), nextCursor: z.string().nullable() }),
    allow(PEOPLE.readers),
  ),
  'wallet.historyCsv': method(
    z.object({ address: AddressText }).strict(),
    z.object({ filename: z.string(), csv: z.string() }),
    allow(PEOPLE.readers),
  ),
  /** Step 1 of a send: what the confirmation shows (amount, fee, nonce, total). */
  'wallet.previewSend': method(
    z
      .object({ from: AddressText, to: z.string().trim().max(100), amount: Amount, fee: Amount.optional() })
      .strict(),
    SendPreview,
    allow(PEOPLE.managers),
  ),
  /** Step 2: signs and submits exactly the previewed transfer. */
  'wallet.send': method(
    z.object({ previewId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
    z.object({ txHash: z.string(), preview: SendPreview }),
    allowWithStepUp(PEOPLE.managers),
    AUDITED,
  ),
  /** The backup view: the recovery phrase, after the password is entered again. */
  'wallet.revealMnemonic': method(
    z.object({ password: Password }).strict(),
    z.object({ mnemonic: z.string(), words: z.number().int() }),
    allowWithStepUp(PEOPLE.owners),
    AUDITED,
  ),
} satisfies MethodTable;

export const walletEvents = {
  'wallet.locked': z.object({ reason: LockReason }),
  'wallet.unlocked': z.object({ autoLockAtMs: z.number() }),
  'wallet.changed': z.object({ accounts: z.number().int() }),
} satisfies EventTable;

/** Who receives each of the wallet events. */
export const walletEventRights = {
  'wallet.locked': allow(PEOPLE.readers),
  'wallet.unlocked': allow(PEOPLE.readers),
  'wallet.changed': allow(PEOPLE.readers),
} satisfies EventRights<typeof walletEvents>;

type WalletEventName = keyof typeof walletEvents;

/** One wallet event as the wallet service emits it: `{ name, payload }`, for the app's event bus. */
export type WalletEvent = {
  [N in WalletEventName]: { name: N; payload: z.output<(typeof walletEvents)[N]> };
}[WalletEventName];
