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
 * A chain in memory with the real chain's rules that matter to the batcher: a nonce lands once, in
 * order, and a franchise's sales are recorded in one unbroken sequence (a batch that repeats recorded
 * numbers fails with `DUPLICATE_ORDER`, one that leaves a hole with `SALES_GAP`, each failing whole).
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
  mempool = new Map<string, { nonce: number; firstSeq: number; sales: Sale[] }>();
  outcomes = new Map<string, CommittedOutcome>();
  recorded = new Map<string, number>();
  /** The number of the last recorded sale (the chain's sales mark). */
  through = 0;
  /** Refuse to send (the network is down); the transaction is still persisted. */
  failSubmit = false;
  /** Throw inside `submitSales` after `persist` (a crash between keeping and sending). */
  submitted: SignedSalesTx[] = [];
  private pendingNonce = 0;

  async storeFranchise(): Promise<Franchise> {
    return this.franchise;
  }

  async submitSales(
    { firstSeq, sales }: { firstSeq: number; sales: Sale[] },
    persist: (tx: SignedSalesTx) => Promise<void>,
  ): Promise<SignedSalesTx> {
    const nonce = Math.max(this.nonce, this.pendingNonce);
    const bytes = new TextEncoder().encode(
      JSON.stringify({ nonce, firstSeq, sales }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    const tx = { nonce, txHash: `0x${createHash('sha256').update(bytes).digest('hex')}`, bytes };
    await persist(tx);
    this.pendingNonce = nonce + 1;
    this.submitted.push(tx);
    if (this.failSubmit) throw new Error('network down');
    this.mempool.set(tx.txHash, { nonce, firstSeq, sales });
    return tx;
  }

  recordedThrough(): number {
    return this.through;
  }

  async resubmit(bytes: Uint8Array): Promise<void> {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as {
      nonce: number;
      firstSeq: number;
      sales: Array<Record<string, string>>;
    };
    const hash = `0x${createHash('sha256').update(bytes).digest('hex')}`;
    if (parsed.nonce < this.nonce || this.mempool.has(hash)) return;
    this.mempool.set(hash, {
      nonce: parsed.nonce,
      firstSeq: parsed.firstSeq,
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
      const error =
        tx.firstSeq <= this.through ? 'DUPLICATE_ORDER' : tx.firstSeq > this.through + 1 ? 'SALES_GAP' : null;
      if (error) {
        this.outcomes.set(hash, { ok: false, height: this.height, error });
        continue;
      }
      for (const s of tx.sales) {
        const key = `${s.terminalId}/${s.orderId}`;
        // The sequence rule alone must keep every order once: a second recording is the test's to find.
        this.recorded.set(key, this.recorded.has(key) ? -1 : this.height);
      }
      this.through = tx.firstSeq + tx.sales.length - 1;
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
