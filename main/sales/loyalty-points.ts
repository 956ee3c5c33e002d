/**
 * Loyalty points: what a guest's card earns and holds. A sale with a card earns the customer share
 * the franchise's tokenomics mints for it, computed as the chain's sales rule does; the store's own
 * address receives those tokens on chain and keeps each card's points here, by the card's salted hash.
 */
import { createHash } from 'node:crypto';
import type { Tokenomics } from '../chain/tx/types';
import { canonicalJson } from '../common/canonical-json';
import { type Db, prepared } from '../store/db';
import { SalesError } from './errors';

/** The parts of a franchise's tokenomics the points need (amounts as decimal text, to cross threads). */
export interface PointsTokenomics {
  tokensPerMinorUnit: string;
  royaltyBps: number;
  validatorRewardBps: number;
}

/** A franchise's tokenomics as the points need them. */
export function pointsTokenomics(t: Tokenomics): PointsTokenomics {
  return {
    tokensPerMinorUnit: t.tokensPerMinorUnit.toString(),
    royaltyBps: t.royaltyBps,
    validatorRewardBps: t.validatorRewardBps,
  };
}

/** The customer share of a sale of `amountMinor`: minted − royalty − validators' reward (as `rules/sales.ts`). */
export function customerShare(amountMinor: number, t: PointsTokenomics): bigint {
  const minted = BigInt(amountMinor) * BigInt(t.tokensPerMinorUnit);
  const royalty = (minted * BigInt(t.royaltyBps)) / 10_000n;
  const reward = (minted * BigInt(t.validatorRewardBps)) / 10_000n;
  return minted - royalty - reward;
}

/** A card's points: earned minus redeemed. */
export function pointsOf(db: Db, cardHash: string): { balance: bigint; earnedOrders: number } {
  let balance = 0n;
  let earnedOrders = 0;
  for (const e of prepared(db, 'SELECT kind, points FROM loyalty_entries WHERE card_hash = ?').all(
    cardHash,
  ) as Array<{
    kind: 'earn' | 'redeem';
    points: string;
  }>) {
    if (e.kind === 'earn') {
      balance += BigInt(e.points);
      earnedOrders++;
    } else balance -= BigInt(e.points);
  }
  return { balance, earnedOrders };
}

/** The points a card's sales not yet final will earn. */
export function pendingPoints(db: Db, cardHash: string, t: PointsTokenomics): bigint {
  const waiting = prepared(
    db,
    `SELECT s.total_minor FROM sales s LEFT JOIN sales_batches b ON b.id = s.batch_id
     WHERE s.card_hash = ? AND (s.batch_id IS NULL OR b.state = 'submitted')`,
  ).all(cardHash) as Array<{ total_minor: number }>;
  return waiting.reduce((n, w) => n + customerShare(w.total_minor, t), 0n);
}

/** Credits the card sales of a batch now final with their customer share (once per order). */
export function earnPoints(db: Db, batchId: number, t: PointsTokenomics, atMs: number): void {
  const rows = prepared(
    db,
    'SELECT order_id, total_minor, card_hash FROM sales WHERE batch_id = ? AND card_hash IS NOT NULL',
  ).all(batchId) as Array<{ order_id: string; total_minor: number; card_hash: string }>;
  const earn = prepared(
    db,
    "INSERT OR IGNORE INTO loyalty_entries (card_hash, kind, ref_id, points, at_ms) VALUES (?, 'earn', ?, ?, ?)",
  );
  for (const r of rows) earn.run(r.card_hash, r.order_id, customerShare(r.total_minor, t).toString(), atMs);
}

/** A redemption at the till, checked and ready to store. */
export interface Redemption {
  cardHash: string;
  redemptionId: string;
  points: string;
  contentHash: string;
  atMs: number;
}

/** A redemption to store: what makes a replay the same one is the card and the points. */
export function redemptionOf(
  cardHash: string,
  redemptionId: string,
  points: string,
  atMs: number,
): Redemption {
  const contentHash = createHash('sha256').update(canonicalJson({ cardHash, points })).digest('hex');
  return { cardHash, redemptionId, points, contentHash, atMs };
}

/**
 * Spends a card's points (`INSUFFICIENT_POINTS`, `REDEMPTION_CONFLICT`); an identical replay answers
 * the first result. Run inside a transaction. Returns the points spent and the balance after.
 */
export function redeemPoints(
  db: Db,
  r: Redemption,
): { redemptionId: string; points: string; balance: string } {
  const existing = prepared(
    db,
    "SELECT points, content_hash FROM loyalty_entries WHERE kind = 'redeem' AND ref_id = ?",
  ).get(r.redemptionId) as { points: string; content_hash: string } | undefined;
  if (existing) {
    if (existing.content_hash !== r.contentHash)
      throw new SalesError(
        'REDEMPTION_CONFLICT',
        `redemption ${r.redemptionId} was already made with other content`,
        {
          redemptionId: r.redemptionId,
        },
      );
    return {
      redemptionId: r.redemptionId,
      points: existing.points,
      balance: pointsOf(db, r.cardHash).balance.toString(),
    };
  }
  const { balance } = pointsOf(db, r.cardHash);
  if (balance < BigInt(r.points))
    throw new SalesError('INSUFFICIENT_POINTS', `the card has ${balance} points; ${r.points} were asked`, {
      balance: balance.toString(),
    });
  prepared(
    db,
    "INSERT INTO loyalty_entries (card_hash, kind, ref_id, points, content_hash, at_ms) VALUES (?, 'redeem', ?, ?, ?, ?)",
  ).run(r.cardHash, r.redemptionId, r.points, r.contentHash, r.atMs);
  return { redemptionId: r.redemptionId, points: r.points, balance: (balance - BigInt(r.points)).toString() };
}
