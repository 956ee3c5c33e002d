/** The transfer rule: the amount moves from the sender to the recipient (pure). */
import type { PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { credit, debit } from '../access';
import type { StateStore } from '../store';

/** Moves `p.amount` from `sender` to `p.to` (`INSUFFICIENT_FUNDS` if the sender is short after the fee). */
export function applyTransfer(s: StateStore, sender: Address, p: PayloadOf<'transfer'>): void {
  debit(s, sender, p.amount);
  credit(s, p.to, p.amount);
}
