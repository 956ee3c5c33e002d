/**
 * The franchise registry (ARCHITECTURE §9): the stores HQ registered on the chain, each with its owner
 * key, status, place and tokenomics, and the sales the chain recorded for it. HQ's admin registers and
 * updates stores (chain transactions signed by the node's key, which must be the HQ authority); the
 * store's and HQ's readers list them. Token amounts and rates that may exceed 2^53 are decimal strings;
 * sale amounts are minor units (cents, kopecks) of the store's currency, also as decimal strings.
 */
import { z } from 'zod';
import { PEER_ID_RE } from '../common/peer-id';
import { PEOPLE, allow, allowWithStepUp } from './access';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';

/** A store's status: only an active one may record sales or anchor media and its audit log. */
export const FRANCHISE_STATUSES = ['active', 'inactive', 'suspended'] as const;
export const FranchiseStatus = z.enum(FRANCHISE_STATUSES);
export type FranchiseStatus = z.infer<typeof FranchiseStatus>;

/** The largest `tokensPerMinorUnit` the chain accepts (2^64 − 1). */
export const MAX_TOKENS_PER_MINOR_UNIT = (1n << 64n) - 1n;

/** A franchise id as the chain takes it: 1–64 of `[A-Za-z0-9._-]`. */
export const FranchiseId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a franchise id is 1 to 64 letters, digits, dots, dashes or underscores');

/** A city or region name: 1–64 bytes of UTF-8 (the chain's limit), trimmed. */
const PlaceName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((s) => new TextEncoder().encode(s).length <= 64, 'at most 64 bytes of UTF-8');

const AddressText = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x followed by 40 hex digits');

/** Basis points of the minted tokens: a whole number 0–10000 (10000 is 100%). */
const Bps = z
  .number()
  .int('use whole basis points (100 = 1%)')
  .min(0, 'must not be negative')
  .max(10_000, 'at most 10000 (100%)');

/** Token base units minted per minor currency unit, as a decimal string (0 to 2^64 − 1). */
const TokensPerMinorUnit = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,19})$/, 'a whole number of token base units as a decimal string, like "1"')
  .refine((s) => BigInt(s) <= MAX_TOKENS_PER_MINOR_UNIT, 'at most 18446744073709551615 (2^64 − 1)');

/** ISO 4217 code of the store's currency; its sales in any other are refused by the chain. */
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, such as USD or RUB');

const TokenomicsFields = z
  .object({
    currency: Currency,
    tokensPerMinorUnit: TokensPerMinorUnit,
    /** HQ's share of what a sale mints. */
    royaltyBps: Bps,
    /** The block proposer's share of what a sale mints. */
    validatorRewardBps: Bps,
  })
  .strict();

const sharesFit = (t: { royaltyBps: number; validatorRewardBps: number }) =>
  t.royaltyBps + t.validatorRewardBps <= 10_000;
const SHARES_TOO_BIG = {
  message: 'royaltyBps + validatorRewardBps must be at most 10000 (100%)',
  path: ['royaltyBps'],
};

/** How a store's sales mint tokens. */
export const TokenomicsInput = TokenomicsFields.refine(sharesFit, SHARES_TOO_BIG);
export type TokenomicsInput = z.output<typeof TokenomicsInput>;

/** `POST /api/v1/franchises`: a new store. */
export const RegisterFranchiseInput = z
  .object({
    id: FranchiseId,
    /** The store's key: the only sender of its sales and anchors. */
    owner: AddressText,
    status: FranchiseStatus.default('active'),
    city: PlaceName,
    region: PlaceName,
    tokenomics: TokenomicsInput,
  })
  .strict();
export type RegisterFranchiseInput = z.output<typeof RegisterFranchiseInput>;

/** `PATCH /api/v1/franchises/{id}`: the fields to change (at least one); tokenomics fields merge into the current ones. */
export const UpdateFranchiseInput = z
  .object({
    id: FranchiseId,
    status: FranchiseStatus.optional(),
    city: PlaceName.optional(),
    region: PlaceName.optional(),
    /** A new owner key (HQ moves a store to a new key, e.g. after the old one was lost). */
    owner: AddressText.optional(),
    tokenomics: TokenomicsFields.partial()
      .strict()
      .refine((t) => Object.keys(t).length > 0, 'name at least one tokenomics field')
      .optional(),
  })
  .strict()
  .refine((u) => Object.keys(u).some((k) => k !== 'id'), {
    message: 'name at least one field to change: status, city, region, owner or tokenomics',
  });
export type UpdateFranchiseInput = z.output<typeof UpdateFranchiseInput>;

/** What the chain recorded of a store's sales (ok `record-sales` transactions, all time). */
export const FranchiseSales = z.object({
  orders: z.number().int().min(0),
  /** Sum of the sales' amounts, minor units of the store's currency (decimal string). */
  amountMinor: z.string(),
  /** Tokens minted to HQ as royalty on them, base units (decimal string). */
  royaltyMinted: z.string(),
  /** Height of the block with the latest of them, or null before the first. */
  lastSaleHeight: z.number().int().nullable(),
});
export type FranchiseSales = z.infer<typeof FranchiseSales>;

/** A registered store as the registry shows it. */
export const FranchiseView = z.object({
  id: z.string(),
  /** EIP-55 checksummed. */
  owner: z.string(),
  status: FranchiseStatus,
  city: z.string(),
  region: z.string(),
  tokenomics: z.object({
    currency: z.string(),
    tokensPerMinorUnit: z.string(),
    royaltyBps: z.number().int(),
    validatorRewardBps: z.number().int(),
  }),
  registeredHeight: z.number().int(),
  updatedHeight: z.number().int(),
  sales: FranchiseSales,
});
export type FranchiseView = z.infer<typeof FranchiseView>;

/** `GET /api/v1/franchises`: stores by id, optionally of one status, a page at a time. */
export const ListFranchisesInput = z
  .object({
    status: FranchiseStatus.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    /** Page on: the `nextAfter` of the previous page. */
    after: FranchiseId.optional(),
  })
  .strict();

export const FranchisePage = z.object({ items: z.array(FranchiseView), nextAfter: z.string().nullable() });
export type FranchisePage = z.infer<typeof FranchisePage>;

/** A register or update, committed: the store as it now is, and the transaction that did it. */
export const FranchiseChange = z.object({
  franchise: FranchiseView,
  tx: z.object({ hash: z.string(), height: z.number().int() }),
});
export type FranchiseChange = z.infer<typeof FranchiseChange>;

/** A franchise node's libp2p peer id to let connect (`active`, the default) or to retire. */
export const RegisterPeerInput = z
  .object({
    peerId: z.string().regex(PEER_ID_RE, 'a libp2p peer id in base58btc, like "12D3KooW…"'),
    active: z.boolean().default(true),
  })
  .strict();
export type RegisterPeerInput = z.input<typeof RegisterPeerInput>;

/** A peer registration, committed: the peer id, whether it may connect, and the transaction. */
export const PeerRegistration = z.object({
  peerId: z.string(),
  active: z.boolean(),
  tx: z.object({ hash: z.string(), height: z.number().int() }),
});
export type PeerRegistration = z.infer<typeof PeerRegistration>;

/** HQ's admin changes the registry: it decides who may mint and at what royalty, so the password is asked again. */
const HQ_WRITES = allowWithStepUp(['hq-admin']);

export const franchiseMethods = {
  'franchise.list': method(ListFranchisesInput, FranchisePage, allow(PEOPLE.readers, ['read'])),
  'franchise.get': method(
    z.object({ id: FranchiseId }).strict(),
    FranchiseView,
    allow(PEOPLE.readers, ['read']),
  ),
  'franchise.register': method(RegisterFranchiseInput, FranchiseChange, HQ_WRITES, AUDITED),
  'franchise.update': method(UpdateFranchiseInput, FranchiseChange, HQ_WRITES, AUDITED),
  'franchise.registerPeer': method(RegisterPeerInput, PeerRegistration, HQ_WRITES, AUDITED),
} satisfies MethodTable;

export const franchiseEvents = {} satisfies EventTable;

/** Who receives each of the franchise events. */
export const franchiseEventRights = {} satisfies EventRights<typeof franchiseEvents>;
