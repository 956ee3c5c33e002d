import Database from 'better-sqlite3';
import { join } from 'node:path';
import { decodeTx } from '../../main/chain/tx/codec';
import { verifyTerminalChain, type ChainCheck } from '../../main/sales/fiscal-chain';

/**
 * What a stopped node's data dir says about its sales: how many times each order is in an ok
 * `record-sales` transaction of ledger.db, how many such transactions failed, and each terminal's
 * hash chain in sales.db checked.
 */
export function salesOnDisk(dataDir: string): {
  recorded: Map<string, number>;
  /** Sales stored in sales.db (each acknowledged, or about to be when the answer was cut off). */
  stored: number;
  failedSalesTxs: number;
  chains: ChainCheck[];
} {
  const ledger = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  const recorded = new Map<string, number>();
  let failedSalesTxs = 0;
  try {
    for (const row of ledger.prepare("SELECT ok, tx FROM txs WHERE type = 'record-sales'").all() as Array<{
      ok: number;
      tx: Buffer;
    }>) {
      if (!row.ok) {
        failedSalesTxs++;
        continue;
      }
      const tx = decodeTx(new Uint8Array(row.tx));
      if (tx.payload.type !== 'record-sales') continue;
      for (const s of tx.payload.sales) recorded.set(s.orderId, (recorded.get(s.orderId) ?? 0) + 1);
    }
  } finally {
    ledger.close();
  }
  const sales = new Database(join(dataDir, 'sales.db'), { readonly: true });
  try {
    const terminals = (
      sales.prepare('SELECT DISTINCT terminal_id AS t FROM fiscal_records').all() as Array<{ t: string }>
    ).map((r) => r.t);
    const chains = terminals.map((t) =>
      verifyTerminalChain(
        t,
        (
          sales
            .prepare(
              'SELECT seq, body, prev_hash, hash FROM fiscal_records WHERE terminal_id = ? ORDER BY seq',
            )
            .all(t) as Array<{ seq: number; body: string; prev_hash: string; hash: string }>
        ).map((r) => ({ terminalId: t, seq: r.seq, body: r.body, prevHash: r.prev_hash, hash: r.hash })),
      ),
    );
    const stored = (sales.prepare('SELECT COUNT(*) AS n FROM sales').get() as { n: number }).n;
    return { recorded, stored, failedSalesTxs, chains };
  } finally {
    sales.close();
  }
}
