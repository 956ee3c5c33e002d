/**
 * The sales rule: a franchise's POS sales mint tokens by its tokenomics, split between the HQ
 * royalty, the block proposer's reward and the customer; each order is recorded once (pure).
 */
import { KIND } from '../../encoding';
import type { ChainConfig } from '../../params';
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { credit, orderKey } from '../access';
import type { BlockAcc } from '../apply-context';
import { fail } from '../fail';
import { encodeHeight } from '../records';
import type { StateStore } from '../store';
import { ownedActiveFranchise } from './franchise';

/**
 * Records a batch of sales of the sender's active franchise (`CURRENCY_MISMATCH`, `DUPLICATE_ORDER`):
 * credits the royalty to HQ and the customer's part to the customer, and adds the reward and the
 * minted total to `acc`.
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
  for (const sale of p.sales) {
    if (sale.currency !== t.currency)
      fail(
        'CURRENCY_MISMATCH',
        `sale ${sale.orderId} is in ${sale.currency}; franchise ${f.id} sells in ${t.currency}`,
      );
    const key = `ord:${orderKey(f.id, sale.terminalId, sale.orderId)}` as const;
    if (s.get(key))
      fail('DUPLICATE_ORDER', `order ${sale.orderId} of terminal ${sale.terminalId} was already recorded`, {
        orderId: sale.orderId,
      });
    s.set(key, encodeHeight(KIND.order, acc.height));
    const minted = sale.amountMinor * t.tokensPerMinorUnit;
    const royalty = (minted * BigInt(t.royaltyBps)) / 10_000n;
    const reward = (minted * BigInt(t.validatorRewardBps)) / 10_000n;
    const customerPart = sale.customer ? minted - royalty - reward : 0n;
    credit(s, config.hqAuthority, royalty);
    if (sale.customer) credit(s, sale.customer, customerPart);
    acc.reward += reward;
    acc.minted += royalty + reward + customerPart;
  }
}
