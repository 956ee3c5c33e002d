/**
 * `SalesIntake`: where a till's sales come in. It checks each sale against the store's franchise
 * (active, its currency, a total above zero), keeps only a salted hash of a loyalty card, and answers
 * only once the sale is durable in `sales.db` (group commit: one fsync for every sale of the same
 * moment). A batch is stored all or none. Refunds go the same way.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';
import { MAX_MINOR, type RefundReceipt, type SaleInput, type SaleReceipt } from '../contract/sales';
import type { Franchise } from '../chain/tx/types';
import { SalesError, franchiseNotActive } from './errors';
import type { PreparedRefund, PreparedSale } from './sales-book';
import { saleTotalMinor } from './sale-totals';
import type { SalesLedger } from './sales-ledger';
import type { SalesWriter } from './sales-writer';

/** What the intake uses. */
export interface SalesIntakeDeps {
  writer: () => SalesWriter;
  ledger: Pick<SalesLedger, 'storeFranchise'>;
  now: () => number;
  /** Told after each accepted post (the Sales page's live updates). */
  onAccepted?: (count: number, lastTimeMs: number) => void;
}

/** How long the franchise read from the chain is trusted before it is read again, ms. */
const FRANCHISE_TTL_MS = 1000;

/**
 * @example
 * const intake = new SalesIntake({ writer: () => salesWriter, ledger: node, now: Date.now });
 * const [receipt] = await intake.record([sale]); // durable now
 */
export class SalesIntake {
  private franchise: { value: Franchise; atMs: number } | null = null;
  private salt: Uint8Array | null = null;

  constructor(private readonly deps: SalesIntakeDeps) {}

  /**
   * Stores `sales` all or none; resolves with one receipt each once they are durable. A store whose
   * franchise is not active records nothing new (`FRANCHISE_NOT_ACTIVE`), but still answers a resend
   * of sales it acknowledged before with their first receipts: they are kept and go to the chain.
   */
  async record(sales: readonly SaleInput[]): Promise<SaleReceipt[]> {
    const f = await this.storeFranchise();
    const active = f.status === 'active';
    const salt = sales.some((s) => s.loyaltyCard !== undefined) ? await this.cardSalt() : null;
    const ready = sales.map((s, i) => {
      try {
        return this.prepareSale(s, f, salt, sales.length > 1 ? `sales[${i}]` : 'sale');
      } catch (err) {
        throw active ? err : franchiseNotActive(f.id, f.status);
      }
    });
    const receipts = await this.deps.writer().write('sales', {
      sales: ready,
      acceptedAtMs: this.deps.now(),
      ...(active ? {} : { onlyReplays: { franchiseId: f.id, status: f.status } }),
    });
    const last = Math.max(...sales.map((s) => s.timeMs));
    this.deps.onAccepted?.(receipts.length, last);
    return receipts;
  }

  /** Stores a refund of a stored sale; resolves with its receipt once durable. */
  async refund(r: Omit<PreparedRefund, 'contentHash'>): Promise<RefundReceipt> {
    const ready: PreparedRefund = { ...r, contentHash: sha256(canonicalJson(r)) };
    return this.deps.writer().write('refund', { refund: ready, acceptedAtMs: this.deps.now() });
  }

  /** The store's franchise, as the chain had it at most `FRANCHISE_TTL_MS` ago. */
  private async storeFranchise(): Promise<Franchise> {
    const now = this.deps.now();
    if (!this.franchise || now - this.franchise.atMs > FRANCHISE_TTL_MS)
      this.franchise = { value: await this.deps.ledger.storeFranchise(), atMs: now };
    return this.franchise.value;
  }

  private prepareSale(s: SaleInput, f: Franchise, salt: Uint8Array | null, where: string): PreparedSale {
    if (s.currency !== f.tokenomics.currency)
      throw new SalesError(
        'WRONG_CURRENCY',
        `${where} is in ${s.currency}; this store sells in ${f.tokenomics.currency}`,
        { orderId: s.orderId, currency: f.tokenomics.currency },
      );
    const totalMinor = saleTotalMinor(s.lines);
    if (!(totalMinor > 0) || totalMinor > MAX_MINOR)
      throw new SalesError(
        'BAD_TOTAL',
        `${where} (order ${s.orderId}) comes to ${totalMinor} minor units; a sale must come to more than 0 and at most ${MAX_MINOR}`,
        { orderId: s.orderId, totalMinor },
      );
    const { loyaltyCard, ...input } = s;
    const cardHash = loyaltyCard === undefined || !salt ? null : cardHashOf(salt, loyaltyCard);
    return { input, totalMinor, cardHash, contentHash: saleContentHash(input, cardHash) };
  }

  /** A loyalty card's salted hash, as the books keep it (the card number itself is never kept). */
  async cardHash(card: string): Promise<string> {
    return cardHashOf(await this.cardSalt(), card);
  }

  private async cardSalt(): Promise<Uint8Array> {
    return (this.salt ??= await this.deps.writer().write('cardSalt', undefined));
  }
}

/**
 * What the books compare an order id's replays by: SHA-256 of the sale without its card, with the
 * card's salted hash (an import's preview uses it to tell a replay from a conflict).
 */
export function saleContentHash(input: Omit<SaleInput, 'loyaltyCard'>, cardHash: string | null): string {
  return sha256(canonicalJson({ ...input, cardHash }));
}

/** HMAC-SHA256 of the card number (spaces and dashes dropped) under the store's secret salt. */
export function cardHashOf(salt: Uint8Array, card: string): string {
  return createHmac('sha256', salt).update(card.replace(/[\s-]/g, '')).digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
