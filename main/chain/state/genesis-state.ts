/** The state genesis writes: balances, validators, supply and the first validator sets (pure). */
import { updateTree } from '../smt';
import type { Address, Hash, ValidatorPower } from '../types';
import { credit, putSupply, putValidator } from './access';
import { checkSet } from './consensus-hooks';
import { type ValidatorRecord, encodeMeta, encodeValidatorSet } from './records';
import type { StateOverlay } from './store';

/** Writes the genesis state into an empty overlay; used by `genesis.ts`. */
export function writeGenesisState(
  s: StateOverlay,
  g: {
    balances: readonly { address: Address; amount: bigint }[];
    validators: readonly ValidatorRecord[];
    initialSet: readonly ValidatorPower[];
    genesisHash: Hash;
    genesisTimeMs: number;
  },
): Hash {
  let supply = 0n;
  for (const b of g.balances) {
    credit(s, b.address, b.amount);
    supply += b.amount;
  }
  for (const v of g.validators) {
    putValidator(s, v);
    supply += v.stake;
  }
  putSupply(s, supply);
  const set = encodeValidatorSet(checkSet(g.initialSet));
  s.set('vs:0', set);
  s.set('vs:1', set);
  const root = updateTree(s, [...s.writes]);
  s.set(
    'meta',
    encodeMeta({
      height: 0,
      lastBlockHash: g.genesisHash,
      lastTimeMs: g.genesisTimeMs,
      stateRoot: root,
      genesisHash: g.genesisHash,
    }),
  );
  return root;
}
