import type { Handlers } from '../../contract';
import type { loyaltyMethods } from '../../contract/loyalty';
import type { royaltiesMethods } from '../../contract/royalties';
import type { SalesService } from '../../sales/sales-service';

/** What the loyalty and royalty handlers use. */
export interface LoyaltyHandlersDeps {
  sales: Pick<SalesService, 'loyaltyBalance' | 'redeem' | 'royaltyStatement'>;
}

/** Handlers of `loyalty.*` and `royalty.*`. */
export function loyaltyHandlers({
  sales,
}: LoyaltyHandlersDeps): Handlers<typeof loyaltyMethods & typeof royaltiesMethods> {
  return {
    'loyalty.balance': async ({ card }) => sales.loyaltyBalance(card),
    'loyalty.redeem': async (r) => sales.redeem(r),
    'royalty.statement': async (input) => sales.royaltyStatement(input),
  };
}
