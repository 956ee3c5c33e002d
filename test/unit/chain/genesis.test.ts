import { describe, expect, it } from 'vitest';
import {
  MemoryStateStore,
  applyGenesis,
  genesisHash,
  genesisToJson,
  getAccount,
  getChainMeta,
  getSupply,
  getValidator,
  getValidatorSet,
  makeDevGenesis,
  parseGenesis,
  privateKeyToAddress,
  toChecksumAddress,
  TxBuilder,
  makeDoubleVoteEvidence,
  signVote,
  type ConsensusHooks,
} from '../../../main/chain';
import { ALICE, BOB, TestChain, VALIDATORS, key, testGenesis } from './fixture';

describe('genesis', () => {
  it('fills defaults, hashes canonically and builds the initial state', () => {
    const g = testGenesis();
    expect(g.params.jailEpochs).toBe(10);
    expect(g.params.timeouts.proposeBaseMs).toBe(1000);
    const reordered = parseGenesis({
      ...genesisToJson(g),
      validators: [...(genesisToJson(g).validators as unknown[])].reverse(),
    });
    expect(genesisHash(reordered)).toBe(genesisHash(g));
    expect(genesisHash(parseGenesis({ ...genesisToJson(g), chainId: 'other' }))).not.toBe(genesisHash(g));
    const store = new MemoryStateStore();
    const r = applyGenesis(store, g);
    store.apply(r.writes);
    expect(getChainMeta(store)).toMatchObject({
      height: 0,
      lastBlockHash: r.genesisHash,
      stateRoot: r.stateRoot,
      genesisHash: r.genesisHash,
    });
    expect(getSupply(store)).toBe(5n * 1_000_000_000n + 4n * 10_000_000n);
    expect(getValidator(store, privateKeyToAddress(VALIDATORS[2]!))).toMatchObject({
      stake: 10_000_000n,
      region: 'asia',
      reputationPpm: 500_000,
      jailedUntilEpoch: 0,
    });
    expect(getValidatorSet(store, 0)).toEqual(getValidatorSet(store, 1));
    expect(getValidatorSet(store, 0)!.map((v) => v.votingPower)).toEqual([10, 10, 10, 10]);
    expect(() => applyGenesis(store, g)).toThrow(expect.objectContaining({ code: 'BAD_GENESIS' }));
  });
  it('accepts checksummed addresses and explains every problem of a bad document', () => {
    const good = genesisToJson(testGenesis());
    const checksummed = { ...good, hqAuthority: toChecksumAddress(good.hqAuthority as string) };
    expect(parseGenesis(checksummed).hqAuthority).toBe(good.hqAuthority);
    const bad = (doc: unknown): string => {
      try {
        parseGenesis(doc);
        return 'ok';
      } catch (e) {
        expect((e as { code: string }).code).toBe('BAD_GENESIS');
        return (e as Error).message;
      }
    };
    expect(bad({ ...good, chainId: 'Bad Chain' })).toMatch(/chainId: a chain id is/);
    expect(bad({ ...good, validators: [] })).toMatch(/validators: a chain needs at least one validator/);
    expect(bad({ ...good, balances: [{ address: '0x12', amount: '1' }] })).toMatch(
      /balances\.0\.address: an address is 0x followed by 40 hex digits/,
    );
    expect(bad({ ...good, balances: [{ address: good.hqAuthority, amount: '-5' }] })).toMatch(
      /balances\.0\.amount/,
    );
    expect(bad({ ...good, hqAuthority: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' })).toMatch(
      /EIP-55 checksum/,
    );
    expect(bad({ ...good, params: { slashFractionBps: 20_000 } })).toMatch(/params\.slashFractionBps/);
    expect(bad({ ...good, params: { unknownParam: 1 } })).toMatch(/params/);
    const v = (good.validators as { address: string }[])[0]!;
    expect(bad({ ...good, validators: [v, v] })).toMatch(/twice/);
    expect(bad({ ...good, validators: [{ ...v, stake: '5' }] })).toMatch(/below minStake/);
  });
  it('a dev genesis has one validator that is also HQ and compliance, and produces blocks', () => {
    const k = key(77);
    const g = makeDevGenesis({ privateKey: k, genesisTimeMs: 1_000 });
    const a = privateKeyToAddress(k);
    expect(g).toMatchObject({
      chainId: 'hotpot-dev',
      hqAuthority: a,
      complianceAuthority: a,
      validators: [{ address: a, region: 'dev' }],
    });
    const store = new MemoryStateStore();
    store.apply(applyGenesis(store, g).writes);
    expect(getAccount(store, a).balance).toBe(1_000_000_000_000n);
    expect(getValidatorSet(store, 0)).toEqual([{ address: a, votingPower: 10 }]);
  });
});

describe('epochs and consensus hooks', () => {
  it('the set chosen at the end of epoch e is stored for e + 2 by the injected selection; jailed validators drop out by default', () => {
    const calls: number[] = [];
    const hooks: Partial<ConsensusHooks> = {
      selectValidators: (candidates, epoch) => {
        calls.push(epoch);
        return candidates.map((c) => ({ address: c.address, votingPower: c.region === 'asia' ? 3 : 1 }));
      },
      reputation: (current, event) => current + (event === 'proposed' ? 10 : 0),
    };
    const c = new TestChain(testGenesis(), { hooks });
    for (let i = 0; i < 4; i++) c.step([]);
    expect(calls.length).toBeGreaterThan(0); // the proposer's build and every apply ask once per epoch end
    expect(new Set(calls)).toEqual(new Set([2]));
    expect(getValidatorSet(c.store, 2)!.find((v) => v.votingPower === 3)?.address).toBe(
      privateKeyToAddress(VALIDATORS[2]!),
    );
    expect(getValidator(c.store, privateKeyToAddress(VALIDATORS[1]!))!.reputationPpm).toBe(500_010);
    // Default rule: stake ≥ minStake and not jailed.
    const d = new TestChain();
    d.step([
      new TxBuilder({ chainId: 'hotpot-test', privateKey: ALICE, fee: 1000n }).stake(0, {
        amount: 5_000_000n,
        region: 'us',
      }),
    ]);
    d.step([
      new TxBuilder({ chainId: 'hotpot-test', privateKey: BOB, fee: 1000n }).stake(0, {
        amount: 10n,
        region: 'us',
      }),
    ]);
    const v3 = VALIDATORS[3]!;
    const ev = makeDoubleVoteEvidence(
      signVote('hotpot-test', { type: 'precommit', height: 1, round: 0, blockHash: null }, v3),
      signVote(
        'hotpot-test',
        { type: 'precommit', height: 1, round: 0, blockHash: `0x${'ab'.repeat(32)}` },
        v3,
      ),
    );
    d.step([], [ev]);
    d.step([]);
    const set = getValidatorSet(d.store, 2)!.map((v) => v.address);
    expect(set).toContain(privateKeyToAddress(ALICE));
    expect(set).not.toContain(privateKeyToAddress(BOB));
    expect(set).not.toContain(privateKeyToAddress(v3));
    expect(set).toHaveLength(4);
  });
});
