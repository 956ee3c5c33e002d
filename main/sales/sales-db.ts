/**
 * The schema of `sales.db`, the store's books: every sale and refund as its terminal's fiscal record
 * (a hash chain per terminal), the sales and their lines for the Sales page, and the batches that
 * carry them to the chain. Opened with `synchronous=FULL`: a sale is acknowledged once it is here.
 */
import type { Migration } from '../store/db';

export const SALES_MIGRATIONS: readonly Migration[] = [
  {
    module: 'sales',
    version: 1,
    name: 'fiscal records, sales, lines, refunds, batches',
    up: `
      CREATE TABLE sales_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
      -- Each terminal's records form a chain: hash = SHA-256(prev_hash || body), seq from 1.
      CREATE TABLE fiscal_records (
        terminal_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
        ref_id TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (terminal_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE sales_batches (
        id INTEGER PRIMARY KEY,
        nonce INTEGER NOT NULL,
        tx_hash TEXT NOT NULL UNIQUE,
        tx_bytes BLOB NOT NULL,
        sales INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('submitted', 'recorded', 'failed', 'superseded')),
        height INTEGER,
        error TEXT,
        created_ms INTEGER NOT NULL,
        done_ms INTEGER
      ) STRICT;
      CREATE INDEX sales_batches_open ON sales_batches (state) WHERE state = 'submitted';
      CREATE TABLE sales (
        seq INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE,
        terminal_id TEXT NOT NULL,
        terminal_seq INTEGER NOT NULL,
        time_ms INTEGER NOT NULL,
        currency TEXT NOT NULL,
        payment_method TEXT NOT NULL,
        total_minor INTEGER NOT NULL,
        card_hash TEXT,
        content_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        accepted_ms INTEGER NOT NULL,
        refunded_minor INTEGER NOT NULL DEFAULT 0,
        batch_id INTEGER REFERENCES sales_batches (id),
        FOREIGN KEY (terminal_id, terminal_seq) REFERENCES fiscal_records (terminal_id, seq)
      ) STRICT;
      CREATE INDEX sales_time ON sales (time_ms);
      CREATE INDEX sales_unbatched ON sales (seq) WHERE batch_id IS NULL;
      CREATE INDEX sales_batch ON sales (batch_id);
      CREATE TABLE sale_lines (
        sale_seq INTEGER NOT NULL REFERENCES sales (seq),
        line_no INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        unit_price_minor INTEGER NOT NULL,
        tax_minor INTEGER NOT NULL,
        discount_minor INTEGER NOT NULL,
        PRIMARY KEY (sale_seq, line_no)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE refunds (
        refund_id TEXT PRIMARY KEY,
        sale_seq INTEGER NOT NULL REFERENCES sales (seq),
        amount_minor INTEGER NOT NULL,
        time_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        terminal_seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        accepted_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX refunds_sale ON refunds (sale_seq);
    `,
  },
  {
    module: 'sales',
    version: 2,
    name: 'hourly rollups for the Sales page',
    // Kept in the same transaction as each sale and refund, by UTC hour (ms / 3,600,000): the page
    // re-buckets them to the viewer's day and hour without reading a year of lines.
    up: `
      CREATE TABLE sales_hour (
        hour INTEGER PRIMARY KEY,
        orders INTEGER NOT NULL DEFAULT 0,
        revenue_minor INTEGER NOT NULL DEFAULT 0,
        loyalty_orders INTEGER NOT NULL DEFAULT 0,
        refunds INTEGER NOT NULL DEFAULT 0,
        refunded_minor INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE TABLE sales_hour_item (
        hour INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        PRIMARY KEY (hour, item_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE sales_hour_payment (
        hour INTEGER NOT NULL,
        method TEXT NOT NULL,
        orders INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        PRIMARY KEY (hour, method)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    module: 'sales',
    version: 3,
    name: 'loyalty points by card hash',
    // Points are token base units (text: they may pass 2^63). A sale with a card earns its customer
    // share once its batch is final; a redemption spends them. Only the card's salted hash is kept.
    up: `
      CREATE TABLE loyalty_entries (
        id INTEGER PRIMARY KEY,
        card_hash TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem')),
        ref_id TEXT NOT NULL,
        points TEXT NOT NULL,
        content_hash TEXT,
        at_ms INTEGER NOT NULL,
        UNIQUE (kind, ref_id)
      ) STRICT;
      CREATE INDEX loyalty_card ON loyalty_entries (card_hash);
    `,
  },
  {
    module: 'sales',
    version: 4,
    name: 'daily item and payment rollups',
    // By UTC day (hour / 24): a year's top items read 365 rows an item, not 8,760; the hourly rows
    // still answer the partial days at a window's edges, so the viewer's days stay exact.
    up: `
      CREATE TABLE sales_day_item (
        day INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        PRIMARY KEY (day, item_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE sales_day_payment (
        day INTEGER NOT NULL,
        method TEXT NOT NULL,
        orders INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        PRIMARY KEY (day, method)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO sales_day_item (day, item_id, name, quantity, revenue_minor)
        SELECT hour / 24, item_id, MAX(name), SUM(quantity), SUM(revenue_minor) FROM sales_hour_item GROUP BY hour / 24, item_id;
      INSERT INTO sales_day_payment (day, method, orders, revenue_minor)
        SELECT hour / 24, method, SUM(orders), SUM(revenue_minor) FROM sales_hour_payment GROUP BY hour / 24, method;
    `,
  },
];
