/**
 * `FranchiseIndex`: the franchise registry's read model in `ledger.db`. One row per registered store
 * with its current record (as the chain's state holds it) and what the chain recorded of its sales:
 * orders, the sum of their amounts and the royalty they minted to HQ. It is kept as finalized blocks
 * are stored: `LedgerStore.commitBlock` applies each block's ok `franchise-register`,
 * `franchise-update` and `record-sales` transactions in the same SQLite transaction as the block, so
 * the index is never ahead of or behind the disk, and a list costs one indexed query, never a scan of
 * the chain. A ledger written before the index existed (or while it was behind) is caught up once from
 * the stored transactions (`catchUp`).
 *
 * Royalty is worked out as the chain mints it (`main/chain/state/rules/sales.ts`): per sale,
 * `amount × tokensPerMinorUnit × royaltyBps / 10000`, rounded down, with the tokenomics in force
 * at that transaction (the index applies transactions in chain order, so its row holds them).
 */
import { decodeTx } from '../chain/tx/codec';
import type { EncodingLimits } from '../chain/encoding';
import type { Franchise, FranchiseStatus, Tx } from '../chain/tx/types';
import type { Address } from '../chain/types';
import { type Db, type Migration, prepared } from '../store/db';

/** The index's schema steps (in `ledger.db`, beside the `ledger` module's tables). */
export const FRANCHISE_INDEX_MIGRATIONS: readonly Migration[] = [
  {
    module: 'franchise-index',
    version: 1,
    name: 'franchises with their chain-recorded sales totals, and the height they reflect',
    up: `
      CREATE TABLE franchise_index (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL, city TEXT NOT NULL, region TEXT NOT NULL,
        currency TEXT NOT NULL, tokens_per_minor_unit TEXT NOT NULL, royalty_bps INTEGER NOT NULL,
        validator_reward_bps INTEGER NOT NULL, registered_height INTEGER NOT NULL, updated_height INTEGER NOT NULL,
        orders INTEGER NOT NULL DEFAULT 0, amount_minor TEXT NOT NULL DEFAULT '0',
        royalty_minted TEXT NOT NULL DEFAULT '0', last_sale_height INTEGER) STRICT, WITHOUT ROWID;
      CREATE INDEX franchise_index_status ON franchise_index (status, id);
      CREATE TABLE franchise_index_head (id INTEGER PRIMARY KEY CHECK (id = 1), height INTEGER NOT NULL) STRICT;
    `,
  },
];

/** What the chain recorded of one store's sales. */
export interface IndexedSales {
  orders: number;
  /** Sum of the sales' amounts, minor units of the store's currency. */
  amountMinor: bigint;
  /** Tokens minted to HQ as royalty on them, base units. */
  royaltyMinted: bigint;
  /** Height of the block with the latest of them, or null. */
  lastSaleHeight: number | null;
}

/** One store as the index holds it. */
export interface IndexedFranchise {
  franchise: Franchise;
  registeredHeight: number;
  updatedHeight: number;
  sales: IndexedSales;
}

/** The transaction types the index follows. */
const FOLLOWED = ['franchise-register', 'franchise-update', 'record-sales'] as const;

/**
 * @example
 * const index = new FranchiseIndex(store.db);
 * index.catchUp(store.chainMeta().height, config.params); // once, after opening an older ledger
 * index.list({ limit: 100 }); index.get('moscow-1')?.sales.royaltyMinted;
 */
export class FranchiseIndex {
  constructor(private readonly db: Db) {}

  /** The height the index reflects; null when it was never built (a ledger from before it existed). */
  height(): number | null {
    const h = prepared(this.db, 'SELECT height FROM franchise_index_head WHERE id = 1').pluck().get() as
      number | undefined;
    return h ?? null;
  }

  /** Marks an empty index as current at genesis (no franchise exists before block 1). */
  startAtGenesis(): void {
    this.setHeight(0);
  }

  /**
   * Starts the index at `height` from the franchises a restored state snapshot holds (call inside the
   * restore's transaction). Their sales before `height` are not known here: the totals count from it,
   * and `registeredHeight`/`updatedHeight` are 0 ("before the snapshot") until a later update.
   */
  startFromSnapshot(height: number, franchises: readonly Franchise[]): void {
    prepared(this.db, 'DELETE FROM franchise_index').run();
    for (const f of franchises)
      prepared(
        this.db,
        `INSERT INTO franchise_index (id, owner, status, city, region, currency, tokens_per_minor_unit, royalty_bps,
           validator_reward_bps, registered_height, updated_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
      ).run(...recordValues(f));
    this.setHeight(height);
  }

  /**
   * Applies the ok transactions of the block at `height` (call inside the block's SQLite transaction).
   * An index that is not at `height − 1` is left as it is (it is behind and `catchUp` brings it on);
   * returns whether the block was applied.
   */
  applyBlock(height: number, txs: readonly Tx[], ok: (index: number) => boolean): boolean {
    if (this.height() !== height - 1) return false;
    txs.forEach((tx, i) => {
      if (ok(i)) this.applyTx(height, tx);
    });
    this.setHeight(height);
    return true;
  }

  /**
   * Brings the index up to `chainHeight` from the stored transactions (`ledger.db`'s `txs`), in one
   * SQLite transaction; returns how many transactions it applied. Cheap when already current.
   */
  catchUp(chainHeight: number, limits: EncodingLimits): number {
    const from = this.height();
    if (from !== null && from >= chainHeight) return 0;
    let applied = 0;
    const page = this.db.prepare(
      `SELECT height, idx, tx FROM txs WHERE (height > @h OR (height = @h AND idx > @i)) AND height <= @top
         AND ok = 1 AND type IN (${FOLLOWED.map((t) => `'${t}'`).join(', ')}) ORDER BY height, idx LIMIT 1000`,
    );
    this.db.transaction(() => {
      // A page at a time: the rows are read before they are applied (one statement may not read while another writes).
      let cursor = { h: from ?? 0, i: Number.MAX_SAFE_INTEGER };
      for (;;) {
        const rows = page.all({ ...cursor, top: chainHeight }) as Array<{
          height: number;
          idx: number;
          tx: Buffer;
        }>;
        for (const r of rows) this.applyTx(r.height, decodeTx(bytesOf(r.tx), limits));
        applied += rows.length;
        const last = rows[rows.length - 1];
        if (!last || rows.length < 1000) break;
        cursor = { h: last.height, i: last.idx };
      }
      this.setHeight(chainHeight);
    })();
    return applied;
  }

  /** Stores by id after `after`, optionally only those with `status`. */
  list(opts: { status?: FranchiseStatus; limit: number; after?: string }): IndexedFranchise[] {
    const rows = prepared(
      this.db,
      'SELECT * FROM franchise_index WHERE (@status IS NULL OR status = @status) AND id > @after ORDER BY id LIMIT @limit',
    ).all({ status: opts.status ?? null, after: opts.after ?? '', limit: opts.limit }) as Row[];
    return rows.map(fromRow);
  }

  /** The store `id`, or null. */
  get(id: string): IndexedFranchise | null {
    const row = prepared(this.db, 'SELECT * FROM franchise_index WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  private setHeight(height: number): void {
    prepared(
      this.db,
      'INSERT INTO franchise_index_head (id, height) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET height = excluded.height',
    ).run(height);
  }

  private applyTx(height: number, tx: Tx): void {
    const p = tx.payload;
    if (p.type === 'franchise-register') {
      prepared(
        this.db,
        `INSERT INTO franchise_index (id, owner, status, city, region, currency, tokens_per_minor_unit, royalty_bps,
           validator_reward_bps, registered_height, updated_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...recordValues(p.franchise), height, height);
    } else if (p.type === 'franchise-update') {
      prepared(
        this.db,
        `UPDATE franchise_index SET owner = ?, status = ?, city = ?, region = ?, currency = ?,
           tokens_per_minor_unit = ?, royalty_bps = ?, validator_reward_bps = ?, updated_height = ? WHERE id = ?`,
      ).run(...recordValues(p.franchise).slice(1), height, p.franchise.id);
    } else if (p.type === 'record-sales') {
      this.addSales(height, p.franchiseId, p.sales);
    }
  }

  private addSales(height: number, franchiseId: string, sales: readonly { amountMinor: bigint }[]): void {
    const current = this.get(franchiseId);
    // The chain refuses sales of an unknown franchise, so an ok record-sales always finds its row.
    if (!current) return;
    const t = current.franchise.tokenomics;
    let amount = current.sales.amountMinor;
    let royalty = current.sales.royaltyMinted;
    for (const sale of sales) {
      amount += sale.amountMinor;
      royalty += (sale.amountMinor * t.tokensPerMinorUnit * BigInt(t.royaltyBps)) / 10_000n;
    }
    prepared(
      this.db,
      'UPDATE franchise_index SET orders = orders + ?, amount_minor = ?, royalty_minted = ?, last_sale_height = ? WHERE id = ?',
    ).run(sales.length, amount.toString(), royalty.toString(), height, franchiseId);
  }
}

interface Row {
  id: string;
  owner: string;
  status: string;
  city: string;
  region: string;
  currency: string;
  tokens_per_minor_unit: string;
  royalty_bps: number;
  validator_reward_bps: number;
  registered_height: number;
  updated_height: number;
  orders: number;
  amount_minor: string;
  royalty_minted: string;
  last_sale_height: number | null;
}

/** A franchise record's columns in table order: id, owner, status, city, region, then its tokenomics. */
function recordValues(
  f: Franchise,
): [string, string, string, string, string, string, string, number, number] {
  const t = f.tokenomics;
  return [
    f.id,
    f.owner,
    f.status,
    f.city,
    f.region,
    t.currency,
    t.tokensPerMinorUnit.toString(),
    t.royaltyBps,
    t.validatorRewardBps,
  ];
}

function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function fromRow(r: Row): IndexedFranchise {
  return {
    franchise: {
      id: r.id,
      owner: r.owner as Address,
      status: r.status as FranchiseStatus,
      city: r.city,
      region: r.region,
      tokenomics: {
        currency: r.currency,
        tokensPerMinorUnit: BigInt(r.tokens_per_minor_unit),
        royaltyBps: r.royalty_bps,
        validatorRewardBps: r.validator_reward_bps,
      },
    },
    registeredHeight: r.registered_height,
    updatedHeight: r.updated_height,
    sales: {
      orders: r.orders,
      amountMinor: BigInt(r.amount_minor),
      royaltyMinted: BigInt(r.royalty_minted),
      lastSaleHeight: r.last_sale_height,
    },
  };
}
