import { describe, expect, it } from 'vitest';
import { type BlockHeader, type Commit, blockHash, makeCommit } from '../../../main/chain/block';
import { genesisHash } from '../../../main/chain/genesis';
import { type HeaderItem, HeaderChainVerifier, type TrustRoot } from '../../../main/chain/light-client';
import { privateKeyToAddress } from '../../../main/chain/keys';
import { epochOf } from '../../../main/chain/params';
import { proveKey } from '../../../main/chain/smt-proof';
import { getValidatorSet } from '../../../main/chain/state/access';
import type { ValidatorPower } from '../../../main/chain/types';
import { signVote } from '../../../main/chain/vote';
import { TestChain, VALIDATORS, key } from './fixture';

const CHAIN = 'hotpot-test';

/** A commit for `header` by the members of `set` among `keys`. */
function commitFor(header: BlockHeader, set: ValidatorPower[], keys = VALIDATORS): Commit {
  const members = new Set(set.map((v) => v.address));
  const hash = blockHash(header);
  return makeCommit(
    keys
      .filter((k) => members.has(privateKeyToAddress(k)))
      .map((k) =>
        signVote(CHAIN, { type: 'precommit', height: header.height, round: 0, blockHash: hash }, k),
      ),
  );
}

/**
 * A chain of 14 blocks (epochs of 4: the sets of epochs 2 and 3 are chosen along the way) and the
 * items a serving node would send: each header, its commit, and at the end of each epoch the proof of
 * the set two epochs on.
 */
function chainItems(): { c: TestChain; items: HeaderItem[]; trust: TrustRoot } {
  const c = new TestChain();
  const sets0: [ValidatorPower[], ValidatorPower[]] = [
    getValidatorSet(c.store, 0)!,
    getValidatorSet(c.store, 1)!,
  ];
  const items: HeaderItem[] = [];
  const params = c.config.params;
  for (let h = 1; h <= 14; h++) {
    const { block } = c.make([]);
    c.commit(block);
    const set = getValidatorSet(c.store, epochOf(h, params))!;
    const item: HeaderItem = { header: block.header, commit: commitFor(block.header, set) };
    if (h % params.epochLengthBlocks === 0) {
      const e = epochOf(h, params) + 2;
      item.sets = [
        { epoch: e, validators: getValidatorSet(c.store, e)!, proof: proveKey(c.store, `vs:${e}`) },
      ];
    }
    items.push(item);
  }
  return { c, items, trust: { kind: 'genesis', genesisHash: genesisHash(c.genesis), sets: sets0 } };
}

describe('the light client', () => {
  it('verifies 14 headers from the genesis across epoch boundaries, learning each set from a proof', () => {
    const { c, items, trust } = chainItems();
    const v = new HeaderChainVerifier(c.config, trust);
    for (const item of items) v.add(item);
    expect(v.head?.header.height).toBe(14);
    expect(v.head?.header.stateRoot).toBe(items[13]!.header.stateRoot);
    expect(v.setOf(3)).toEqual(getValidatorSet(c.store, 3));
  });

  it('starts from a trusted height and hash, proving that epoch’s sets from its state', () => {
    const c = new TestChain();
    const params = c.config.params;
    const items: HeaderItem[] = [];
    for (let h = 1; h <= 10; h++) {
      const { block } = c.make([]);
      c.commit(block);
      const header = block.header;
      const e = epochOf(h, params);
      const item: HeaderItem = { header, commit: commitFor(header, getValidatorSet(c.store, e)!) };
      if (h === 6)
        item.sets = [e, e + 1].map((n) => ({
          epoch: n,
          validators: getValidatorSet(c.store, n)!,
          proof: proveKey(c.store, `vs:${n}`),
        }));
      if (h > 6 && h % params.epochLengthBlocks === 0)
        item.sets = [
          {
            epoch: e + 2,
            validators: getValidatorSet(c.store, e + 2)!,
            proof: proveKey(c.store, `vs:${e + 2}`),
          },
        ];
      items.push(item);
    }
    const v = new HeaderChainVerifier(c.config, {
      kind: 'trusted',
      height: 6,
      blockHash: blockHash(items[5]!.header),
    });
    expect(() => v.add(items[4]!)).toThrow(expect.objectContaining({ code: 'LIGHT_BAD_LINK' }));
    for (const item of items.slice(5)) v.add(item);
    expect(v.head?.header.height).toBe(10);
  });

  it('refuses a forged header, a commit by another set, a wrong proof, and a gap, each with its code', () => {
    const { c, items, trust } = chainItems();
    const fresh = () => new HeaderChainVerifier(c.config, trust);
    // A header whose state root was changed: its hash changes, so the commit is not for it.
    const forged = { ...items[0]!, header: { ...items[0]!.header, stateRoot: items[1]!.header.stateRoot } };
    expect(() => fresh().add(forged)).toThrow(expect.objectContaining({ code: 'LIGHT_BAD_COMMIT' }));
    // The same header, committed by keys outside the set (a forger's own chain).
    const outsiders = [key(90), key(91), key(92), key(93)];
    const foreignSet = outsiders.map((k) => ({ address: privateKeyToAddress(k), votingPower: 1 }));
    const foreign = { ...items[0]!, commit: commitFor(items[0]!.header, foreignSet, outsiders) };
    expect(() => fresh().add(foreign)).toThrow(expect.objectContaining({ code: 'LIGHT_BAD_COMMIT' }));
    // A proof of the wrong set at an epoch's end.
    const v = fresh();
    for (const item of items.slice(0, 3)) v.add(item);
    const end = items[3]!;
    const wrong = { ...end, sets: [{ ...end.sets![0]!, validators: foreignSet }] };
    expect(() => v.add(wrong)).toThrow(expect.objectContaining({ code: 'LIGHT_BAD_PROOF' }));
    // Without that proof, epoch 2 cannot be checked.
    v.add({ ...end, sets: [] });
    for (const item of items.slice(4, 8)) v.add(item);
    expect(() => v.add(items[8]!)).toThrow(expect.objectContaining({ code: 'LIGHT_UNKNOWN_SET' }));
    // A gap in the heights.
    const w = fresh();
    w.add(items[0]!);
    expect(() => w.add(items[2]!)).toThrow(expect.objectContaining({ code: 'LIGHT_BAD_LINK' }));
  });
});
