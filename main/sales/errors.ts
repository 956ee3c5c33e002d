import { AppError } from '../common/errors';

export type SalesErrorCode =
  /** The same order id was posted before with other content (409). */
  | 'ORDER_CONFLICT'
  /** The same refund id was posted before with other content (409). */
  | 'REFUND_CONFLICT'
  | 'SALE_NOT_FOUND'
  /** A refund larger than what is left of its sale. */
  | 'REFUND_EXCEEDS_SALE'
  /** A sale in another currency than the franchise sells in. */
  | 'WRONG_CURRENCY'
  /** A sale whose lines add up to nothing, or to more than one sale may be. */
  | 'BAD_TOTAL'
  /** The store's franchise is inactive or suspended: HQ must reactivate it. */
  | 'FRANCHISE_NOT_ACTIVE'
  /** A redemption of more points than the card holds. */
  | 'INSUFFICIENT_POINTS'
  /** The same redemption id was used before with other content (409). */
  | 'REDEMPTION_CONFLICT'
  /** This node cannot take sales now (an observer, no franchise, the chain not reachable) (503). */
  | 'SALES_UNAVAILABLE';

/** Taking and recording sales: the code says what the till should do (fix, stop resending, try later). */
export class SalesError extends AppError<SalesErrorCode> {
  override readonly name = 'SalesError';
}

/** `FRANCHISE_NOT_ACTIVE`: the store's franchise is inactive or suspended, so it may not record new sales. */
export function franchiseNotActive(franchiseId: string, status: string): SalesError {
  return new SalesError(
    'FRANCHISE_NOT_ACTIVE',
    `franchise ${franchiseId} is ${status}: it may not record sales until HQ makes it active again`,
    { franchiseId, status },
  );
}
