/**
 * How sales and refunds are written to `sales.db` and read back as receipts: each one becomes its
 * terminal's next fiscal record (./fiscal-chain.ts) together with its rows, inside the caller's
 * transaction. A replay of the same content gets the first receipt back; other content under the same
 * id is a conflict, and nothing is written.
 */
import { canonicalJson } from '../common/canonical-json';
import type { RefundReceipt, SaleInput, SaleReceipt } from '../contract/sales';
import { type Db, prepared } from '../store/db';
import { SalesError } from './errors';
import { FIRST_PREV_HASH, recordHash } from './fiscal-chain';
import { rollUpRefund, rollUpSale } from './sales-rollup';

/** A sale checked and ready to store: its total, the card's salted hash and the hash of its content. */
export interface PreparedSale {
  input: Omit<SaleInput, 'loyaltyCard'>;
  totalMinor: number;
  cardHash: string | null;
  contentHash: string;
}

/** A refund checked and ready to store. */
export interface PreparedRefund {
  refundId: string;
  orderId: string;
  amountMinor: number;
  timeMs: number;
  reason: string;
  contentHash: string;
}

/** Appends a record to `terminalId`'s chain; returns its seq and hash. */
function appendRecord(
  db: Db,
  terminalId: string,
  kind: 'sale' | 'refund',
  refId: string,
  body: unknown,
): { seq: number; hash: string } {
  const head = prepared(
    db,
    'SELECT seq, hash FROM fiscal_records WHERE terminal_id = ? ORDER BY seq DESC LIMIT 1',
  ).get(terminalId) as { seq: number; hash: string } | undefined;
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? FIRST_PREV_HASH;
  const text = canonicalJson(body);
  const hash = recordHash(prev, text);
  prepared(
    db,
    'INSERT INTO fiscal_records (terminal_id, seq, kind, ref_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(terminalId, seq, kind, refId, text, prev, hash);
  return { seq, hash };
}

interface SaleRow {
  seq: number;
  order_id: string;
  terminal_id: string;
  terminal_seq: number;
  total_minor: number;
  currency: string;
  accepted_ms: number;
  content_hash: string;
  hash: string;
  refunded_minor: number;
}

function receiptOf(row: SaleRow): SaleReceipt {
  return {
    orderId: row.order_id,
    terminalId: row.terminal_id,
    totalMinor: row.total_minor,
    currency: row.currency,
    acceptedAtMs: row.accepted_ms,
    terminalSeq: row.terminal_seq,
    hash: row.hash,
  };
}

function saleRow(db: Db, orderId: string): SaleRow | undefined {
  return prepared(db, 'SELECT * FROM sales WHERE order_id = ?').get(orderId) as SaleRow | undefined;
}

/** Whether `sale` is an identical resend of a stored sale (same order id and content). */
export function isStoredReplay(db: Db, sale: PreparedSale): boolean {
  return saleRow(db, sale.input.orderId)?.content_hash === sale.contentHash;
}

/**
 * Stores `sale` as its terminal's next record, or answers the first receipt of an identical replay
 * (`ORDER_CONFLICT` when the order id was used with other content). Run inside a transaction.
 */
export function writeSale(db: Db, sale: PreparedSale, acceptedAtMs: number): SaleReceipt {
  const existing = saleRow(db, sale.input.orderId);
  if (existing) {
    if (existing.content_hash === sale.contentHash) return receiptOf(existing);
    throw new SalesError(
      'ORDER_CONFLICT',
      `order ${sale.input.orderId} was already recorded with other content; an order id names one sale`,
      { orderId: sale.input.orderId },
    );
  }
  const s = sale.input;
  const body = { kind: 'sale', ...s, totalMinor: sale.totalMinor, cardHash: sale.cardHash, acceptedAtMs };
  const rec = appendRecord(db, s.terminalId, 'sale', s.orderId, body);
  const { lastInsertRowid } = prepared(
    db,
    `INSERT INTO sales (order_id, terminal_id, terminal_seq, time_ms, currency, payment_method, total_minor,
       card_hash, content_hash, hash, accepted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.orderId,
    s.terminalId,
    rec.seq,
    s.timeMs,
    s.currency,
    s.paymentMethod,
    sale.totalMinor,
    sale.cardHash,
    sale.contentHash,
    rec.hash,
    acceptedAtMs,
  );
  const line = prepared(
    db,
    `INSERT INTO sale_lines (sale_seq, line_no, item_id, name, quantity, unit_price_minor, tax_minor, discount_minor)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  s.lines.forEach((l, i) =>
    line.run(
      lastInsertRowid,
      i + 1,
      l.itemId,
      l.name,
      l.quantity,
      l.unitPriceMinor,
      l.taxMinor,
      l.discountMinor,
    ),
  );
  rollUpSale(db, { ...s, totalMinor: sale.totalMinor, loyalty: sale.cardHash !== null });
  return {
    orderId: s.orderId,
    terminalId: s.terminalId,
    totalMinor: sale.totalMinor,
    currency: s.currency,
    acceptedAtMs,
    terminalSeq: rec.seq,
    hash: rec.hash,
  };
}

interface RefundRow {
  refund_id: string;
  amount_minor: number;
  content_hash: string;
  terminal_seq: number;
  hash: string;
  accepted_ms: number;
}

/**
 * Stores a refund of an order as the next record of the sale's terminal (`SALE_NOT_FOUND`,
 * `REFUND_EXCEEDS_SALE`, `REFUND_CONFLICT`); an identical replay answers the first receipt. Run inside a transaction.
 */
export function writeRefund(db: Db, r: PreparedRefund, acceptedAtMs: number): RefundReceipt {
  const sale = saleRow(db, r.orderId);
  if (!sale)
    throw new SalesError('SALE_NOT_FOUND', `no sale with order id ${r.orderId}`, { orderId: r.orderId });
  const receipt = (row: RefundRow): RefundReceipt => ({
    refundId: row.refund_id,
    orderId: sale.order_id,
    terminalId: sale.terminal_id,
    amountMinor: row.amount_minor,
    acceptedAtMs: row.accepted_ms,
    terminalSeq: row.terminal_seq,
    hash: row.hash,
  });
  const existing = prepared(db, 'SELECT * FROM refunds WHERE refund_id = ?').get(r.refundId) as
    (RefundRow & { sale_seq: number }) | undefined;
  if (existing) {
    if (existing.content_hash === r.contentHash) return receipt(existing);
    throw new SalesError('REFUND_CONFLICT', `refund ${r.refundId} was already recorded with other content`, {
      refundId: r.refundId,
    });
  }
  const left = sale.total_minor - sale.refunded_minor;
  if (r.amountMinor > left)
    throw new SalesError(
      'REFUND_EXCEEDS_SALE',
      `order ${r.orderId} has ${left} minor units left to refund; ${r.amountMinor} were asked`,
      { orderId: r.orderId, leftMinor: left },
    );
  const body = { kind: 'refund', ...r, contentHash: undefined, terminalId: sale.terminal_id, acceptedAtMs };
  const rec = appendRecord(db, sale.terminal_id, 'refund', r.refundId, body);
  prepared(
    db,
    `INSERT INTO refunds (refund_id, sale_seq, amount_minor, time_ms, reason, content_hash, terminal_seq, hash, accepted_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.refundId,
    sale.seq,
    r.amountMinor,
    r.timeMs,
    r.reason,
    r.contentHash,
    rec.seq,
    rec.hash,
    acceptedAtMs,
  );
  prepared(db, 'UPDATE sales SET refunded_minor = refunded_minor + ? WHERE seq = ?').run(
    r.amountMinor,
    sale.seq,
  );
  rollUpRefund(db, r);
  return receipt({
    refund_id: r.refundId,
    amount_minor: r.amountMinor,
    content_hash: r.contentHash,
    terminal_seq: rec.seq,
    hash: rec.hash,
    accepted_ms: acceptedAtMs,
  });
}
