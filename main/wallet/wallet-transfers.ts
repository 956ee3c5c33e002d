/**
 * How do tokens move? Balances, history and the two-step send (preview, then sign and submit), all
 * through the ledger; the keys come from the unlocked session.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Hex } from '../chain/types';
import { parseAddress, toChecksumAddress } from './address';
import { historyToCsv } from './csv';
import { WalletError } from './errors';
import type { LedgerHistoryPage, TransferParams, TransferTxCodec, WalletLedger } from './ledger';
import type { WalletSession } from './wallet-session';

/**
 * A transfer ready to confirm: what the confirmation dialog shows. Amounts are bigints here; the
 * API handler turns them into the contract's decimal strings (`SendPreview` in main/contract/wallet.ts).
 */
export interface SendPreview extends TransferParams {
  previewId: string;
  total: bigint;
  balance: bigint;
  expiresAtMs: number;
}

/** Options of {@link WalletTransfers}. */
export interface WalletTransfersOptions {
  /** How long a send preview stays valid. Default 2 minutes. */
  previewTtlMs?: number;
}

/** What the transfers use. */
export interface WalletTransfersDeps {
  random: (bytes: number) => Uint8Array;
  now: () => number;
  /** The keys of the unlocked wallet; a send counts as activity. */
  session: Pick<WalletSession, 'requireUnlocked' | 'touch'>;
  /** The ledger (balances, nonces, history, submit); absent until the node driver is composed. */
  ledger?: WalletLedger | undefined;
  /** The chain's transfer codec (`chainTransferCodec`, `main/wallet/signer.ts`); without it, sending is refused. */
  tx?: TransferTxCodec | undefined;
}

/** Balance, history and sends of the wallet's accounts. Previews live until used, expired or the wallet locks. */
export class WalletTransfers {
  private readonly previewTtlMs: number;
  private readonly previews = new Map<string, SendPreview>();

  constructor(
    options: WalletTransfersOptions,
    private readonly deps: WalletTransfersDeps,
  ) {
    this.previewTtlMs = options.previewTtlMs ?? 120_000;
  }

  /** Forgets every preview (the wallet locked). */
  clearPreviews(): void {
    this.previews.clear();
  }

  /** Balance of an account of this wallet, in base units. */
  async balance(address: string): Promise<bigint> {
    return this.requireLedger().balance(parseAddress(address));
  }

  /** A page of history, newest first. */
  async history(address: string, opts: { limit: number; before?: string }): Promise<LedgerHistoryPage> {
    return this.requireLedger().history(parseAddress(address), opts);
  }

  /** Up to `maxRows` history rows of `address` as CSV (RFC 4180). */
  async historyCsv(address: string, maxRows = 10_000): Promise<string> {
    const addr = parseAddress(address);
    const ledger = this.requireLedger();
    const items: LedgerHistoryPage['items'] = [];
    let before: string | undefined;
    while (items.length < maxRows) {
      const page = await ledger.history(addr, {
        limit: Math.min(500, maxRows - items.length),
        ...(before ? { before } : {}),
      });
      items.push(...page.items);
      if (!page.nextCursor || page.items.length === 0) break;
      before = page.nextCursor;
    }
    return historyToCsv(addr, items);
  }

  /**
   * Step 1 of a send: checks the recipient (EIP-55), the amount and the balance, and fixes the fee and
   * nonce. Returns what the confirmation shows; `send({ previewId })` signs exactly that.
   */
  async previewSend(input: { from: string; to: string; amount: bigint; fee?: bigint }): Promise<SendPreview> {
    this.deps.session.touch();
    const u = this.deps.session.requireUnlocked();
    const from = parseAddress(input.from);
    const to = parseAddress(input.to);
    if (!u.keys.has(from))
      throw new WalletError('UNKNOWN_ACCOUNT', `account ${toChecksumAddress(from)} is not in this wallet`);
    if (input.amount <= 0n)
      throw new WalletError('BAD_AMOUNT', `the amount must be more than 0, got ${input.amount}`);
    if (to === from)
      throw new WalletError(
        'BAD_AMOUNT',
        'the recipient is the sending account itself; choose another address',
      );
    const ledger = this.requireLedger();
    this.requireTx();
    const [params, balance, nonce] = await Promise.all([
      ledger.params(),
      ledger.balance(from),
      ledger.nonce(from),
    ]);
    const fee = input.fee ?? params.minTxFee;
    if (fee < params.minTxFee)
      throw new WalletError('BAD_AMOUNT', `the fee must be at least ${params.minTxFee}, got ${fee}`);
    const total = input.amount + fee;
    if (total > balance) {
      throw new WalletError(
        'BAD_AMOUNT',
        `not enough tokens: sending ${input.amount} plus fee ${fee} needs ${total}, the balance is ${balance}`,
        { balance: balance.toString(), total: total.toString() },
      );
    }
    this.dropExpiredPreviews();
    const preview: SendPreview = {
      previewId: bytesToHex(this.deps.random(16)),
      chainId: params.chainId,
      from,
      to,
      amount: input.amount,
      fee,
      nonce,
      total,
      balance,
      expiresAtMs: this.deps.now() + this.previewTtlMs,
    };
    this.previews.set(preview.previewId, preview);
    return preview;
  }

  /** Step 2 of a send: signs the previewed transfer and submits it. The preview is used once. */
  async send(input: { previewId: string }): Promise<{ txHash: Hex; preview: SendPreview }> {
    this.deps.session.touch();
    const u = this.deps.session.requireUnlocked();
    this.dropExpiredPreviews();
    const p = this.previews.get(input.previewId);
    if (!p)
      throw new WalletError(
        'PREVIEW_EXPIRED',
        'this transfer preview is unknown or expired (previews last 2 minutes and are cleared on lock); review the transfer again',
      );
    this.previews.delete(input.previewId);
    const key = u.keys.get(p.from);
    if (!key)
      throw new WalletError('UNKNOWN_ACCOUNT', `account ${toChecksumAddress(p.from)} is not in this wallet`);
    const signed = this.requireTx().signTransfer(
      { chainId: p.chainId, from: p.from, to: p.to, amount: p.amount, fee: p.fee, nonce: p.nonce },
      key,
    );
    try {
      const { txHash } = await this.requireLedger().submit(signed.bytes);
      return { txHash, preview: p };
    } catch (err) {
      if (err instanceof WalletError) throw err;
      const e = err as { code?: string; message?: string };
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        `the ledger did not accept the transfer: ${e.message ?? String(err)}`,
        { ledgerCode: e.code ?? null },
      );
    }
  }

  private requireLedger(): WalletLedger {
    if (!this.deps.ledger)
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        'the ledger is not available in this process yet (the node is not running or not synced); try again once it is',
      );
    return this.deps.ledger;
  }

  private requireTx(): TransferTxCodec {
    if (!this.deps.tx)
      throw new WalletError(
        'LEDGER_UNAVAILABLE',
        'transfers cannot be signed yet: the chain transaction builder is not wired into this node',
      );
    return this.deps.tx;
  }

  private dropExpiredPreviews(): void {
    const now = this.deps.now();
    for (const [id, p] of this.previews) if (p.expiresAtMs <= now) this.previews.delete(id);
  }
}
