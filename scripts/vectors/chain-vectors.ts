// Builds the chain's golden vectors from deterministic keys. Shared by the generator
// (make-chain-vectors.ts, which writes test/vectors/chain/golden.json) and the vector test, which
// checks that the current code still produces exactly the committed file.
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Block,
  type Tx,
  TxBuilder,
  MemoryStateStore,
  applyGenesis,
  blockHash,
  buildBlock,
  encodeBlock,
  encodeCommit,
  encodeHeader,
  encodeProposal,
  encodeTx,
  encodeVote,
  genesisConfig,
  genesisHash,
  genesisToJson,
  getPublicKey,
  keccak256,
  makeCommit,
  makeDoubleVoteEvidence,
  merkleRoot,
  parseGenesis,
  privateKeyToAddress,
  proposalSignBytes,
  signProposal,
  signVote,
  toChecksumAddress,
  toHex,
  txHashOfBytes,
  txSigningHash,
  utf8ToBytes,
  voteSignBytes,
} from '../../main/chain';

/** Private key whose last two bytes are `n` (big-endian) and all others zero. */
export function vectorKey(n: number): Uint8Array {
  const k = new Uint8Array(32);
  k[31] = n & 0xff;
  k[30] = (n >> 8) & 0xff;
  return k;
}

/** JSON with bigints as decimal strings. */
export function toJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));
}

const CHAIN = 'hotpot-vectors';

/** Every golden vector, as the JSON object written to test/vectors/chain/golden.json. */
export function makeChainVectors(): Record<string, unknown> {
  const keys = [1, 2, 3, 0x100, 0xfffe].map((n) => {
    const k = vectorKey(n);
    const address = privateKeyToAddress(k);
    return {
      privateKey: toHex(k),
      publicKey: toHex(getPublicKey(k)),
      address,
      checksumAddress: toChecksumAddress(address),
    };
  });
  const [hq, compliance, store, alice, validator] = [1, 2, 3, 0x100, 0xfffe].map(vectorKey) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const b = (k: Uint8Array): TxBuilder => new TxBuilder({ chainId: CHAIN, privateKey: k, fee: 1000n });
  const seg = sha256(utf8ToBytes('segment-0'));
  const cid = CID.createV1(0x55, createDigest(0x12, seg)).toString();
  const franchise = {
    id: 'HP-0001',
    owner: privateKeyToAddress(store),
    status: 'active' as const,
    city: 'Chengdu',
    region: 'asia',
    tokenomics: { currency: 'CNY', tokensPerMinorUnit: 10n, royaltyBps: 500, validatorRewardBps: 200 },
  };
  const v1 = signVote(
    CHAIN,
    { type: 'prevote', height: 1, round: 0, blockHash: toHex(keccak256(utf8ToBytes('a'))) },
    validator,
  );
  const v2 = signVote(CHAIN, { type: 'prevote', height: 1, round: 0, blockHash: null }, validator);
  const txs: [string, Tx][] = [
    ['transfer', b(alice).transfer(0, { to: privateKeyToAddress(hq), amount: 12345n })],
    ['stake', b(alice).stake(1, { amount: 2_000_000n, region: 'eu' })],
    ['unstake', b(alice).unstake(2, { amount: 1n })],
    ['franchise-register', b(hq).registerFranchise(0, franchise)],
    ['franchise-update', b(hq).updateFranchise(1, { ...franchise, status: 'suspended' })],
    [
      'record-sales',
      b(store).recordSales(0, {
        franchiseId: 'HP-0001',
        firstSeq: 1,
        sales: [
          {
            terminalId: 'pos-1',
            orderId: 'A-1',
            amountMinor: 1999n,
            currency: 'CNY',
            timeMs: 1_700_000_000_123,
            customer: privateKeyToAddress(alice),
          },
        ],
      }),
    ],
    [
      'anchor-media',
      b(store).anchorMedia(1, {
        franchiseId: 'HP-0001',
        cameraId: 'cam-1',
        segments: [{ sha256: toHex(seg), cid }],
      }),
    ],
    [
      'kyc-attest',
      b(compliance).attestKyc(0, {
        subject: privateKeyToAddress(alice),
        level: 2,
        status: 'verified',
        documentHash: toHex(keccak256(utf8ToBytes('doc'))),
        expiresAtMs: 0,
      }),
    ],
    ['evidence', b(alice).submitEvidence(3, makeDoubleVoteEvidence(v1, v2))],
    // Appended after the vectors the blocks below are made of, so those stay byte-identical.
    [
      'anchor-audit',
      b(store).anchorAudit(2, {
        franchiseId: 'HP-0001',
        seq: 42,
        hash: toHex(sha256(utf8ToBytes('audit entry 42'))),
      }),
    ],
  ];
  const txVectors = txs.map(([name, tx]) => {
    const bytes = encodeTx(tx);
    return {
      name,
      tx: toJson(tx),
      encoding: toHex(bytes),
      signingHash: toHex(txSigningHash(tx)),
      txHash: txHashOfBytes(bytes),
    };
  });
  const precommit = signVote(
    CHAIN,
    { type: 'precommit', height: 7, round: 2, blockHash: toHex(keccak256(utf8ToBytes('b'))) },
    validator,
  );
  const proposal = signProposal(
    CHAIN,
    { height: 7, round: 2, blockHash: toHex(keccak256(utf8ToBytes('b'))), polRound: 1 },
    validator,
  );

  const genesis = parseGenesis({
    chainId: CHAIN,
    genesisTimeMs: 1_700_000_000_000,
    hqAuthority: privateKeyToAddress(hq),
    complianceAuthority: privateKeyToAddress(compliance),
    validators: [{ address: privateKeyToAddress(validator), stake: '10000000', region: 'asia' }],
    balances: [hq, compliance, store, alice].map((k) => ({
      address: privateKeyToAddress(k),
      amount: '1000000000',
    })),
    params: { epochLengthBlocks: 10 },
  });
  const state = new MemoryStateStore();
  const g = applyGenesis(state, genesis);
  state.apply(g.writes);
  const ctx = { config: genesisConfig(genesis) };
  const proposer = privateKeyToAddress(validator);
  const first = buildBlock(
    state,
    {
      header: { height: 1, round: 0, timeMs: 1_700_000_001_000, proposer },
      txs: txs
        .slice(0, 8)
        .map(([, t]) => t)
        .filter((t) => t.payload.type !== 'evidence'),
      lastCommit: null,
      evidence: [],
    },
    ctx,
  );
  state.apply(first.result.writes);
  const commit = makeCommit([
    signVote(CHAIN, { type: 'precommit', height: 1, round: 0, blockHash: first.result.blockHash }, validator),
  ]);
  const second = buildBlock(
    state,
    {
      header: { height: 2, round: 0, timeMs: 1_700_000_002_000, proposer },
      txs: [txs[8]![1]],
      lastCommit: commit,
      evidence: [],
    },
    ctx,
  );
  const blocks = [first, second].map(
    ({
      block,
      result,
    }: {
      block: Block;
      result: { receipts: { ok: boolean; error: { code: string } | null }[] };
    }) => ({
      header: block.header,
      headerEncoding: toHex(encodeHeader(block.header)),
      hash: blockHash(block.header),
      encoding: toHex(encodeBlock(block)),
      receipts: result.receipts.map((r) => (r.ok ? 'ok' : r.error?.code)),
    }),
  );

  return {
    about:
      'Golden vectors of the Hot Pot ledger encoding, made by scripts/vectors/make-chain-vectors.ts from fixed keys; signatures are deterministic (RFC 6979).',
    chainId: CHAIN,
    keys,
    txs: txVectors,
    vote: {
      vote: precommit,
      signBytes: toHex(voteSignBytes(CHAIN, precommit)),
      signingHash: toHex(keccak256(voteSignBytes(CHAIN, precommit))),
      encoding: toHex(encodeVote(precommit)),
    },
    proposal: {
      proposal,
      signBytes: toHex(proposalSignBytes(CHAIN, proposal)),
      encoding: toHex(encodeProposal(proposal)),
    },
    commit: { commit, encoding: toHex(encodeCommit(commit)) },
    merkle: [0, 1, 2, 3, 5].map((n) => {
      const items = Array.from({ length: n }, (_, i) => Uint8Array.of(i));
      return { items: items.map(toHex), root: merkleRoot(items) };
    }),
    genesis: { document: genesisToJson(genesis), hash: genesisHash(genesis), stateRoot: g.stateRoot },
    blocks,
  };
}
