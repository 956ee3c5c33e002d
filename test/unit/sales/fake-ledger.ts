import { createHash } from 'node:crypto';
import type { Franchise, Sale } from '../../../main/chain/tx/types';
import type { Address } from '../../../main/chain/types';
import { SalesService } from '../../../main/sales/sales-service';
import type {
  CommittedOutcome,
  RoyaltyPayment,
  SalesLedger,
  SignedSalesTx,
} from '../../../main/sales/sales-ledger';

/**
 * A chain in memory with the real chain's two rules that matter to the batcher: a nonce lands once,
 * in order, and an order already recorded is refused (`DUPLICATE_ORDER`, failing the whole batch).
 * `commit()` plays a final block of what was sent; `lose()` forgets the mempool (a restart).
 */
export class FakeSalesLedger implements SalesLedger {
  franchise: Franchise = {
    id: 'store-1',
    owner: '0x1111111111111111111111111111111111111111' as Address,
    status: 'active',
    city: 'Chengdu',
    region: 'sichuan',
    tokenomics: { currency: 'USD', tokensPerMinorUnit: 1n, royaltyBps: 500, validatorRewardBps: 100 },
  };
  nonce = 0;
  height = 0;
  mempool = new Map<string, { nonce: number; sales: Sale[] }>();
  outcomes = new Map<string, CommittedOutcome>();
  recorded = new Map<string, number>();
  /** Refuse to send (the network is down); the transaction is still persisted. */
  failSubmit = false;
  /** Throw inside `submitSales` after `persist` (a crash between keeping and sending). */
  submitted: SignedSalesTx[] = [];
  private pendingNonce = 0;

  async storeFranchise(): Promise<Franchise> {
    return this.franchise;
  }

  async submitSales(sales: Sale[], persist: (tx: SignedSalesTx) => Promise<void>): Promise<SignedSalesTx> {
    const nonce = Math.max(this.nonce, this.pendingNonce);
    const bytes = new TextEncoder().encode(
      JSON.stringify({ nonce, sales }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    const tx = { nonce, txHash: `0x${createHash('sha256').update(bytes).digest('hex')}`, bytes };
    await persist(tx);
    this.pendingNonce = nonce + 1;
    this.submitted.push(tx);
    if (this.failSubmit) throw new Error('network down');
    this.mempool.set(tx.txHash, { nonce, sales });
    return tx;
  }

  async resubmit(bytes: Uint8Array): Promise<void> {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as {
      nonce: number;
      sales: Array<Record<string, string>>;
    };
    const hash = `0x${createHash('sha256').update(bytes).digest('hex')}`;
    if (parsed.nonce < this.nonce || this.mempool.has(hash)) return;
    this.mempool.set(hash, {
      nonce: parsed.nonce,
      sales: parsed.sales.map((s) => ({ ...s, amountMinor: BigInt(s['amountMinor']!) }) as unknown as Sale),
    });
  }

  outcome(txHash: string): CommittedOutcome | null {
    return this.outcomes.get(txHash) ?? null;
  }

  committedNonce(): number {
    return this.nonce;
  }

  /** Transfers to HQ a test has made. */
  payments: RoyaltyPayment[] = [];

  paymentsToHq(): RoyaltyPayment[] {
    return this.payments;
  }

  /** A final block: every sent transaction whose nonce is next, in nonce order. */
  commit(): void {
    this.height++;
    const byNonce = [...this.mempool.entries()].sort((a, b) => a[1].nonce - b[1].nonce);
    for (const [hash, tx] of byNonce) {
      if (tx.nonce !== this.nonce) continue;
      this.mempool.delete(hash);
      this.nonce++;
      const dup = tx.sales.find((s) => this.recorded.has(`${s.terminalId}/${s.orderId}`));
      if (dup) {
        this.outcomes.set(hash, { ok: false, height: this.height, error: 'DUPLICATE_ORDER' });
        continue;
      }
      for (const s of tx.sales) this.recorded.set(`${s.terminalId}/${s.orderId}`, this.height);
      this.outcomes.set(hash, { ok: true, height: this.height, error: null });
    }
  }

  /** Another transaction of the key takes the next nonce (an audit anchor after a restart). */
  takeNonce(): void {
    this.nonce++;
    this.pendingNonce = Math.max(this.pendingNonce, this.nonce);
  }

  /** The node restarted: its mempool is empty and it counts nonces from the chain again. */
  lose(): void {
    this.mempool.clear();
    this.pendingNonce = this.nonce;
  }
}

/** A sales service for a test: in `dataDir`, on `ledger`, batching only when the test flushes, logging nothing. */
export function testSalesService(
  dataDir: string,
  ledger: SalesLedger = new FakeSalesLedger(),
  opts: { now?: () => number; writerFile?: () => string } = {},
): SalesService {
  return new SalesService(
    { dataDir, batchEveryMs: 60_000, ...(opts.writerFile ? { writerFile: opts.writerFile } : {}) },
    { ledger, log: { info() {}, warn() {}, error() {} }, now: opts.now ?? Date.now },
  );
}
