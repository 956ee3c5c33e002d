import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeBlock,
  decodeProposal,
  decodeTx,
  decodeVote,
  fromHex,
  keccak256,
  parseAddress,
  privateKeyToAddress,
  recoverAddress,
  toChecksumAddress,
  verifyTxSignature,
  type Hex,
} from '../../../main/chain';
import { makeChainVectors, toJson } from '../../../scripts/vectors/chain-vectors';

const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8')) as Record<string, unknown>;
const golden = read('./golden.json') as {
  keys: { privateKey: Hex; publicKey: Hex; address: Hex; checksumAddress: string }[];
  txs: { name: string; tx: unknown; encoding: Hex; txHash: Hex }[];
  vote: { vote: { signature: Hex; validator: Hex }; signingHash: Hex; encoding: Hex };
  proposal: { encoding: Hex };
  blocks: { encoding: Hex; hash: Hex }[];
};
const official = read('./eip55.json') as {
  checksummed: string[];
  secp256k1: { privateKey: Hex; address: string }[];
};

describe('chain vectors', () => {
  it('the current code reproduces golden.json exactly (encodings, hashes, signatures, roots)', () => {
    expect(toJson(makeChainVectors())).toEqual(golden);
  });
  it('golden encodings decode to their objects, and their signatures verify', () => {
    expect(golden.txs.map((t) => t.name)).toEqual([
      'transfer',
      'stake',
      'unstake',
      'franchise-register',
      'franchise-update',
      'record-sales',
      'anchor-media',
      'kyc-attest',
      'evidence',
      'anchor-audit',
    ]);
    for (const t of golden.txs) {
      const tx = decodeTx(fromHex(t.encoding));
      expect(toJson(tx)).toEqual(t.tx);
      verifyTxSignature(tx);
    }
    const vote = decodeVote(fromHex(golden.vote.encoding));
    expect(recoverAddress(fromHex(golden.vote.signingHash), fromHex(vote.signature))).toBe(vote.validator);
    expect(decodeProposal(fromHex(golden.proposal.encoding)).polRound).toBe(1);
    for (const b of golden.blocks) expect(decodeBlock(fromHex(b.encoding)).hash).toBe(b.hash);
    expect(keccak256(fromHex(golden.txs[0]!.encoding))).toEqual(fromHex(golden.txs[0]!.txHash));
  });
  it('official vectors: EIP-55 examples and the address of secp256k1 key 1', () => {
    for (const a of official.checksummed) expect(toChecksumAddress(parseAddress(a))).toBe(a);
    for (const k of official.secp256k1)
      expect(toChecksumAddress(privateKeyToAddress(fromHex(k.privateKey)))).toBe(k.address);
    expect(golden.keys[0]!.checksumAddress).toBe(official.secp256k1[0]!.address);
  });
});
