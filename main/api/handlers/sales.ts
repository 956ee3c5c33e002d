import type { Handlers } from '../../contract';
import type { salesMethods } from '../../contract/sales';
import type { SalesService } from '../../sales/sales-service';

/** What the sales handlers use. */
export interface SalesHandlersDeps {
  sales: Pick<SalesService, 'record' | 'refund' | 'list' | 'summary'>;
}

/** Handlers of `sales.*`. */
export function salesHandlers({ sales }: SalesHandlersDeps): Handlers<typeof salesMethods> {
  return {
    'sales.record': async (input) => ({
      sales: await sales.record('sales' in input ? input.sales : [input]),
    }),
    'sales.list': async (filter) => sales.list(filter),
    'sales.refund': async (r) => sales.refund(r),
    'sales.summary': async (w) => sales.summary(w),
  };
}
