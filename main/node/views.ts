/** Turns chain values into the contract's view shapes (`main/contract/chain.ts`). */
import { toChecksumAddress } from '../chain/keys';
import type { Tx } from '../chain/tx/types';
import type { AccountView, TxView } from '../contract/chain';
import type { StoredTx } from './ledger-store';

/** The receiver, amount and one-line summary of a transaction. */
export function describeTx(tx: Tx): { to: string | null; amount: string | null; summary: string } {
  const p = tx.payload;
  switch (p.type) {
    case 'transfer':
      return {
        to: toChecksumAddress(p.to),
        amount: p.amount.toString(),
        summary: `transfer ${p.amount} to ${toChecksumAddress(p.to)}`,
      };
    case 'stake':
      return { to: null, amount: p.amount.toString(), summary: `stake ${p.amount} (region ${p.region})` };
    case 'unstake':
      return { to: null, amount: p.amount.toString(), summary: `unstake ${p.amount}` };
    case 'franchise-register':
    case 'franchise-update':
      return {
        to: toChecksumAddress(p.franchise.owner),
        amount: null,
        summary: `franchise ${p.franchise.id} ${p.type === 'franchise-register' ? 'registered' : 'updated'} (${p.franchise.status}, ${p.franchise.city})`,
      };
    case 'record-sales': {
      const total = p.sales.reduce((s, x) => s + x.amountMinor, 0n);
      const cur = p.sales[0]?.currency ?? '';
      return {
        to: null,
        amount: null,
        summary: `${p.sales.length} sale${p.sales.length === 1 ? '' : 's'} of ${p.franchiseId}, ${total} minor units ${cur}`,
      };
    }
    case 'anchor-media':
      return {
        to: null,
        amount: null,
        summary: `${p.segments.length} recording segment${p.segments.length === 1 ? '' : 's'} of camera ${p.cameraId} anchored`,
      };
    case 'kyc-attest':
      return { to: toChecksumAddress(p.subject), amount: null, summary: `KYC level ${p.level} ${p.status}` };
    case 'evidence':
      return {
        to: toChecksumAddress(p.evidence.a.validator),
        amount: null,
        summary: `double-vote evidence at height ${p.evidence.a.height}`,
      };
    case 'proposal-evidence':
      return {
        to: toChecksumAddress(p.evidence.a.proposer),
        amount: null,
        summary: `double-proposal evidence at height ${p.evidence.a.height} round ${p.evidence.a.round}`,
      };
    case 'anchor-audit':
      return { to: null, amount: null, summary: `audit log of ${p.franchiseId} anchored at entry ${p.seq}` };
    case 'peer-register':
      return {
        to: null,
        amount: null,
        summary: `peer ${p.peerId} ${p.active ? 'registered' : 'retired'}`,
      };
  }
}

/** A committed transaction as the UI sees it. */
export function committedTxView(tx: Tx, s: StoredTx, timeMs: number | null): TxView {
  return {
    hash: s.hash,
    type: tx.payload.type,
    sender: toChecksumAddress(tx.sender),
    nonce: tx.nonce,
    fee: tx.fee.toString(),
    ...describeTx(tx),
    // A back-filled transaction was never applied here: its outcome is not known on this node.
    status: !s.receiptKnown ? 'unknown' : s.ok ? 'ok' : 'failed',
    error: s.errorCode ? { code: s.errorCode, message: s.errorMessage ?? '' } : null,
    height: s.height,
    index: s.index,
    timeMs,
    minted: s.minted.toString(),
  };
}

/** A pending (mempool) transaction as the UI sees it. */
export function pendingTxView(tx: Tx, hash: string): TxView {
  return {
    hash,
    type: tx.payload.type,
    sender: toChecksumAddress(tx.sender),
    nonce: tx.nonce,
    fee: tx.fee.toString(),
    ...describeTx(tx),
    status: 'pending',
    error: null,
    height: null,
    index: null,
    timeMs: null,
    minted: '0',
  };
}

export type { AccountView };
