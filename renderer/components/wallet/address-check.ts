import { isAddress } from '../../../main/chain/keys';

/** What is wrong with an address typed into the send form, if anything. */
export type AddressProblem = 'empty' | 'shape' | 'checksum' | null;

/**
 * Checks a typed address with the chain's own EIP-55 code: 0x + 40 hex digits, and a mixed-case
 * address must carry a valid checksum (so one mistyped character is caught before sending).
 */
export function addressProblem(text: string): AddressProblem {
  const s = text.trim();
  if (s === '') return 'empty';
  if (!/^0x[0-9a-fA-F]{40}$/.test(s)) return 'shape';
  return isAddress(s) ? null : 'checksum';
}
