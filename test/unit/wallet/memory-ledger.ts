import { ChainError } from '../../../main/chain/errors';
import { decodeTx, txHashOfBytes } from '../../../main/chain/tx/codec';
import { verifyTxSignature } from '../../../main/chain/tx/signing';
import type { Address, Hex } from '../../../main/chain/types';
import type { LedgerHistoryPage, LedgerParams, LedgerTx, WalletLedger } from '../../../main/wallet/ledger';

/**
 * An in-memory ledger for wallet tests: it decodes submitted bytes with the chain's decoder, verifies
 * the signature with the chain's verifier, checks chain id, nonce, fee and balance, and applies
 * transfers. (The node driver's real implementation sits over the chain state and mempool.)
 */
export class MemoryWalletLedger implements WalletLedger {
  readonly balances = new Map<Address, bigint>();
  readonly nonces = new Map<Address, number>();
  readonly txs: LedgerTx[] = [];
  private height = 0;

  constructor(
    private readonly p: LedgerParams = { chainId: 'hotpot-test', minTxFee: 1000n },
    private readonly now: () => number = () => 1_700_000_000_000,
  ) {}

  async params(): Promise<LedgerParams> {
    return this.p;
  }
  async balance(a: Address): Promise<bigint> {
    return this.balances.get(a) ?? 0n;
  }
  async nonce(a: Address): Promise<number> {
    return this.nonces.get(a) ?? 0;
  }
  async history(a: Address, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage> {
    const mine = this.txs.filter((t) => t.from === a || t.to === a).reverse();
    const start = opts.before ? Number(opts.before) : 0;
    const items = mine.slice(start, start + opts.limit);
    return { items, nextCursor: start + opts.limit < mine.length ? String(start + opts.limit) : null };
  }
  async submit(bytes: Uint8Array): Promise<{ txHash: Hex }> {
    const tx = decodeTx(bytes);
    verifyTxSignature(tx, {}, bytes);
    if (tx.chainId !== this.p.chainId) throw new ChainError('WRONG_CHAIN', 'wrong chain');
    if (tx.nonce !== (this.nonces.get(tx.sender) ?? 0))
      throw new ChainError('BAD_NONCE', `expected nonce ${this.nonces.get(tx.sender) ?? 0}, got ${tx.nonce}`);
    if (tx.payload.type !== 'transfer') throw new ChainError('MALFORMED', 'only transfers here');
    const bal = this.balances.get(tx.sender) ?? 0n;
    if (bal < tx.payload.amount + tx.fee) throw new ChainError('INSUFFICIENT_FUNDS', 'insufficient funds');
    this.balances.set(tx.sender, bal - tx.payload.amount - tx.fee);
    this.balances.set(tx.payload.to, (this.balances.get(tx.payload.to) ?? 0n) + tx.payload.amount);
    this.nonces.set(tx.sender, tx.nonce + 1);
    const txHash = txHashOfBytes(bytes);
    this.txs.push({
      txHash,
      height: ++this.height,
      timeMs: this.now(),
      type: 'transfer',
      from: tx.sender,
      to: tx.payload.to,
      amount: tx.payload.amount,
      fee: tx.fee,
      status: 'confirmed',
    });
    return { txHash };
  }
}
