/**
 * The sales rule: a franchise's POS sales mint tokens by its tokenomics, split between the HQ
 * royalty, the block proposer's reward and the customer. A franchise's sales are numbered 1, 2, 3…
 * by its store, and the chain records them in that one unbroken sequence, each once (pure).
 *
 * Why a sequence and not one state entry per order: the state keeps a single mark per franchise ("sales
 * 1 to n are recorded"), so a block of a thousand sales changes one entry of the state tree instead
 * of a thousand, and the state stays the size of the franchise network rather than of its sales
 * history. A batch that repeats recorded numbers is refused (`DUPLICATE_ORDER`); one that would leave
 * a hole is refused too (`SALES_GAP`), so every number below the mark was recorded exactly once.
 */
import type { ChainConfig } from '../../params';
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { credit, getSalesMark, putSalesMark } from '../access';
import type { BlockAcc } from '../apply-context';
import { fail } from '../fail';
import type { StateStore } from '../store';
import { ownedActiveFranchise } from './franchise';

/**
 * Records a batch of sales of the sender's active franchise (`CURRENCY_MISMATCH`, `DUPLICATE_ORDER`,
 * `SALES_GAP`): credits the royalty to HQ and the customer's part to the customer, adds the reward
 * and the minted total to `acc`, and moves the franchise's mark to the batch's last sale.
 */
export function recordSales(
  s: StateStore,
  sender: Address,
  p: PayloadOf<'record-sales'>,
  acc: BlockAcc,
  config: ChainConfig,
): void {
  const f = ownedActiveFranchise(s, sender, p.franchiseId);
  const t = f.tokenomics;
  const through = getSalesMark(s, f.id)?.through ?? 0;
  const last = p.firstSeq + p.sales.length - 1;
  const data = { franchiseId: f.id, recordedThrough: through, firstSeq: p.firstSeq, lastSeq: last };
  if (p.firstSeq <= through)
    fail(
      'DUPLICATE_ORDER',
      `franchise ${f.id}'s sales are recorded through number ${through}; this batch repeats ${p.firstSeq}–${Math.min(last, through)}`,
      data,
    );
  if (p.firstSeq > through + 1)
    fail(
      'SALES_GAP',
      `franchise ${f.id}'s sales are recorded through number ${through}; this batch starts at ${p.firstSeq}, leaving ${through + 1}–${p.firstSeq - 1} out`,
      data,
    );
  const royaltyBps = BigInt(t.royaltyBps);
  const rewardBps = BigInt(t.validatorRewardBps);
  // Each sale's parts are rounded down on their own; each recipient is credited their sum once.
  let royalties = 0n;
  let rewards = 0n;
  const customers = new Map<Address, bigint>();
  for (const sale of p.sales) {
    if (sale.currency !== t.currency)
      fail(
        'CURRENCY_MISMATCH',
        `sale ${sale.orderId} is in ${sale.currency}; franchise ${f.id} sells in ${t.currency}`,
      );
    const minted = sale.amountMinor * t.tokensPerMinorUnit;
    const royalty = (minted * royaltyBps) / 10_000n;
    const reward = (minted * rewardBps) / 10_000n;
    royalties += royalty;
    rewards += reward;
    if (sale.customer)
      customers.set(sale.customer, (customers.get(sale.customer) ?? 0n) + minted - royalty - reward);
  }
  credit(s, config.hqAuthority, royalties);
  let customerParts = 0n;
  for (const [customer, part] of customers) {
    credit(s, customer, part);
    customerParts += part;
  }
  acc.reward += rewards;
  acc.minted += royalties + rewards + customerParts;
  putSalesMark(s, f.id, { through: last, height: acc.height });
}
