/**
 * The franchise rules: HQ registers and updates franchise records (its authority is checked before
 * execution), and the check that a sender owns an active franchise, which sales, media and audit
 * anchors need (pure).
 */
import type { Franchise, PayloadOf } from '../../tx/types';
import type { Address } from '../../types';
import { getFranchise, putFranchise } from '../access';
import { fail } from '../fail';
import type { StateStore } from '../store';

/** Registers a new franchise (`FRANCHISE_EXISTS` if its id is taken). */
export function registerFranchise(s: StateStore, p: PayloadOf<'franchise-register'>): void {
  if (getFranchise(s, p.franchise.id))
    fail('FRANCHISE_EXISTS', `franchise ${p.franchise.id} is already registered; use franchise-update`);
  putFranchise(s, p.franchise);
}

/** Replaces a registered franchise's record (`UNKNOWN_FRANCHISE` if there is none). */
export function updateFranchise(s: StateStore, p: PayloadOf<'franchise-update'>): void {
  if (!getFranchise(s, p.franchise.id))
    fail(
      'UNKNOWN_FRANCHISE',
      `no franchise ${JSON.stringify(p.franchise.id)} is registered; register it first`,
    );
  putFranchise(s, p.franchise);
}

/**
 * The franchise `id` if `sender` owns it and it is active; else `UNKNOWN_FRANCHISE`, `UNAUTHORIZED`
 * or `FRANCHISE_INACTIVE`.
 */
export function ownedActiveFranchise(s: StateStore, sender: Address, id: string): Franchise {
  const f =
    getFranchise(s, id) ?? fail('UNKNOWN_FRANCHISE', `no franchise ${JSON.stringify(id)} is registered`);
  if (f.owner !== sender) fail('UNAUTHORIZED', `${sender} is not the owner of franchise ${id} (${f.owner})`);
  if (f.status !== 'active')
    fail('FRANCHISE_INACTIVE', `franchise ${id} is ${f.status}; only an active franchise may do this`);
  return f;
}
