import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock } from '../../../main/chain/block';
import { toHex } from '../../../main/chain/bytes';
import { privateKeyToAddress } from '../../../main/chain/keys';
import {
  type DoubleProposalEvidence,
  checkDoubleProposalEvidence,
  makeDoubleProposalEvidence,
  proposalEvidenceId,
} from '../../../main/chain/proposal-evidence';
import { getSupply, getValidator } from '../../../main/chain/state/access';
import { applyBlock, buildBlock } from '../../../main/chain/state/apply-block';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { decodeTx, encodeTx } from '../../../main/chain/tx/codec';
import type { Proposal } from '../../../main/chain/types';
import { evidenceId, signProposal } from '../../../main/chain/vote';
import { ALICE, TestChain, VALIDATORS } from './fixture';

const CHAIN = 'hotpot-test';
const V = VALIDATORS[0] as Uint8Array;
const hash = (n: number) => toHex(new Uint8Array(32).fill(n));
const proposal = (blockHash: `0x${string}`, over: Partial<Omit<Proposal, 'signature'>> = {}, key = V) =>
  signProposal(CHAIN, { height: 1, round: 0, blockHash, polRound: -1, ...over }, key);
const pair = (): DoubleProposalEvidence => makeDoubleProposalEvidence(proposal(hash(2)), proposal(hash(1)));

describe('double-proposal evidence', () => {
  it('is two validly signed proposals of one proposer for one height and round, in block-hash order', () => {
    const e = pair();
    expect(e.a.blockHash).toBe(hash(1));
    expect(checkDoubleProposalEvidence(CHAIN, e)).toBe(proposalEvidenceId(e.a));
    // Its id never equals the double-vote id of the same validator, height and round.
    expect(proposalEvidenceId(e.a)).not.toBe(
      evidenceId({ validator: e.a.proposer, height: 1, round: 0, type: 'prevote' }),
    );
  });

  it('is refused with BAD_EVIDENCE when it proves nothing', () => {
    const a = proposal(hash(1));
    const cases: [string, DoubleProposalEvidence][] = [
      ['same block', { a, b: proposal(hash(1)) }],
      ['different rounds', { a, b: proposal(hash(2), { round: 1 }) }],
      ['different heights', { a, b: proposal(hash(2), { height: 2 }) }],
      ['different proposers', { a, b: proposal(hash(2), {}, VALIDATORS[1]) }],
      ['not canonical order', { a: proposal(hash(2)), b: a }],
      ['forged signature', { a, b: { ...proposal(hash(2)), signature: proposal(hash(3)).signature } }],
      ['another chain', { a, b: signProposal('other-chain', { ...a, blockHash: hash(2) }, V) }],
    ];
    for (const [why, e] of cases)
      expect(() => checkDoubleProposalEvidence(CHAIN, e), why).toThrow(
        expect.objectContaining({ code: 'BAD_EVIDENCE' }),
      );
  });

  it('in a block: slashes, jails and cuts reputation once; blocks without it keep their old bytes', () => {
    const c = new TestChain();
    c.step([]);
    c.step([]);
    const e = pair();
    const who = privateKeyToAddress(V);
    const before = getValidator(c.store, who)!;
    const supply = getSupply(c.store);
    // A block without double proposals encodes exactly as before they existed.
    const plain = c.make([]).block;
    expect(encodeBlock({ ...plain, proposalEvidence: [] })).toEqual(encodeBlock(plain));
    const { block } = buildBlock(c.store, { ...plain, header: plain.header, proposalEvidence: [e] }, c.ctx);
    const bytes = encodeBlock(block);
    expect(decodeBlock(bytes).block.proposalEvidence).toEqual([e]);
    const r = c.commit(decodeBlock(bytes).block);
    const after = getValidator(c.store, who)!;
    expect(after.stake).toBe(before.stake - before.stake / 10n);
    expect(after.jailedUntilEpoch).toBeGreaterThan(0);
    expect(after.reputationPpm).toBeLessThan(before.reputationPpm);
    expect(r.burned).toBe(before.stake / 10n);
    expect(getSupply(c.store)).toBe(supply - before.stake / 10n);
    // The same offence again, in a block or a transaction, is refused.
    expect(() => buildBlock(c.store, { ...c.make([]).block, proposalEvidence: [e] }, c.ctx)).toThrow(
      expect.objectContaining({ code: 'BAD_BLOCK' }),
    );
    const tx = new TxBuilder({ chainId: CHAIN, privateKey: ALICE, fee: 1000n }).submitProposalEvidence(0, e);
    const receipt = c.step([tx]).receipts[0]!;
    expect(receipt.ok).toBe(false);
    expect(receipt.error?.code).toBe('DUPLICATE_EVIDENCE');
  });

  it('as a transaction: round-trips and punishes; a block whose list is written empty is refused', () => {
    const c = new TestChain();
    c.step([]);
    c.step([]);
    const e = pair();
    const tx = new TxBuilder({ chainId: CHAIN, privateKey: ALICE, fee: 1000n }).submitProposalEvidence(0, e);
    expect(decodeTx(encodeTx(tx))).toEqual(tx);
    const r = c.step([tx]);
    expect(r.receipts[0]!.ok).toBe(true);
    expect(getValidator(c.store, privateKeyToAddress(V))!.jailedUntilEpoch).toBeGreaterThan(0);
    const bytes = encodeBlock(c.make([]).block);
    const withEmptyList = new Uint8Array([...bytes, 0]);
    expect(() => decodeBlock(withEmptyList)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    expect(() => applyBlock(c.store, c.make([]).block, c.ctx)).not.toThrow();
  });
});
