/** What the store's books answer: the sales list with its filters, newest first (read-only SQL). */
import type { SaleChainState, SaleView } from '../contract/sales';
import { type Db, prepared } from '../store/db';

/** Filters of `list` (the contract's `ListSalesInput`, parsed). */
export interface SalesFilter {
  from?: number;
  to?: number;
  terminalId?: string;
  paymentMethod?: string;
  state?: SaleChainState;
  limit: number;
  before?: number;
}

interface ListedRow {
  seq: number;
  order_id: string;
  terminal_id: string;
  terminal_seq: number;
  time_ms: number;
  currency: string;
  payment_method: SaleView['paymentMethod'];
  total_minor: number;
  card_hash: string | null;
  hash: string;
  accepted_ms: number;
  refunded_minor: number;
  batch_state: string | null;
  tx_hash: string | null;
  height: number | null;
}

const STATE_SQL: Record<SaleChainState, string> = {
  pending: 's.batch_id IS NULL',
  submitted: "b.state = 'submitted'",
  recorded: "b.state = 'recorded'",
};

/** One page of sales matching `f`, newest first, with `nextBefore` to page back (null at the end). */
export function listSales(db: Db, f: SalesFilter): { items: SaleView[]; nextBefore: number | null } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    args.push(value);
  };
  if (f.from !== undefined) add('s.time_ms >= ?', f.from);
  if (f.to !== undefined) add('s.time_ms < ?', f.to);
  if (f.terminalId !== undefined) add('s.terminal_id = ?', f.terminalId);
  if (f.paymentMethod !== undefined) add('s.payment_method = ?', f.paymentMethod);
  if (f.before !== undefined) add('s.seq < ?', f.before);
  if (f.state) where.push(STATE_SQL[f.state]);
  const rows = db
    .prepare(
      `SELECT s.*, b.state AS batch_state, b.tx_hash, b.height FROM sales s
       LEFT JOIN sales_batches b ON b.id = s.batch_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.seq DESC LIMIT ?`,
    )
    .all(...args, f.limit + 1) as ListedRow[];
  const page = rows.slice(0, f.limit);
  const lines = prepared(
    db,
    `SELECT item_id AS itemId, name, quantity, unit_price_minor AS unitPriceMinor, tax_minor AS taxMinor,
       discount_minor AS discountMinor FROM sale_lines WHERE sale_seq = ? ORDER BY line_no`,
  );
  return {
    items: page.map((r) => ({
      orderId: r.order_id,
      terminalId: r.terminal_id,
      terminalSeq: r.terminal_seq,
      hash: r.hash,
      totalMinor: r.total_minor,
      currency: r.currency,
      acceptedAtMs: r.accepted_ms,
      timeMs: r.time_ms,
      paymentMethod: r.payment_method,
      lines: lines.all(r.seq) as SaleView['lines'],
      loyalty: r.card_hash !== null,
      refundedMinor: r.refunded_minor,
      chain: {
        state:
          r.batch_state === 'recorded' ? 'recorded' : r.batch_state === 'submitted' ? 'submitted' : 'pending',
        txHash: r.tx_hash,
        height: r.height,
      },
    })),
    nextBefore: rows.length > f.limit ? page[page.length - 1]!.seq : null,
  };
}
