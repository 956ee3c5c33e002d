// Signature and ledger throughput: plain @noble/curves verify and recovery, the OpenSSL fast path
// (node:crypto through the chain's SignatureVerifier), full transaction verification with and without
// the verified-signature cache, and block application of ~1,000 transfers over ~10,000 accounts.
// Prints one JSON object. Usage: bin/hotpot bench crypto [--seconds S] [--txs N] [--accounts N]
import { performance } from 'node:perf_hooks';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  BoundedVerifiedCache,
  MemoryStateStore,
  type Tx,
  TxBuilder,
  applyBlock,
  applyGenesis,
  buildBlock,
  decodeTx,
  encodeTx,
  genesisConfig,
  getPublicKey,
  getRawPublicKey,
  rawPublicKeyToAddress,
  compressRawPublicKey,
  keccak256,
  nobleVerifier,
  parseGenesis,
  privateKeyToAddress,
  publicKeyToAddress,
  recoverPublicKey,
  signCompact,
  signRecoverable,
  toHex,
  verifyTxSignature,
  type SignatureVerifier,
} from '../../main/chain';
import { NativeVerifier, OpenSslVerifier, loadLibsecp256k1 } from '../../main/node/verifier';
import { installNativeKeccak } from '../../main/node/native-keccak';
import { nobleKeccak256 } from '../../main/chain/bytes';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const seconds = arg('seconds', 1);
const blockTxs = arg('txs', 1000);
const accounts = arg('accounts', 10_000);

function key(n: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = 0x42;
  k[28] = (n >>> 24) & 0xff;
  k[29] = (n >>> 16) & 0xff;
  k[30] = (n >>> 8) & 0xff;
  k[31] = n & 0xff;
  return k;
}

/** Runs `fn(i)` in a loop for about `seconds`; returns operations per second. */
function rate(fn: (i: number) => void, minOps = 50): number {
  for (let i = 0; i < 20; i++) fn(i);
  const start = performance.now();
  let ops = 0;
  while (ops < minOps || performance.now() - start < seconds * 1000) fn(ops++);
  return Math.round((ops / (performance.now() - start)) * 1000);
}

const N = 256;
const keys = Array.from({ length: N }, (_, i) => key(i + 1));
const compressed = keys.map((k) => getPublicKey(k));
const pubs = compressed; // what the chain hands a verifier
const raw = keys.map((k) => getRawPublicKey(k));
const msgs = Array.from({ length: N }, (_, i) => keccak256(Uint8Array.of(i, i >> 8)));
const compact = keys.map((k, i) => signCompact(msgs[i] as Uint8Array, k));
const recoverable = keys.map((k, i) => signRecoverable(msgs[i] as Uint8Array, k));
const openssl = new OpenSslVerifier();
const lib = loadLibsecp256k1();
const libsecp = lib ? new NativeVerifier(lib) : null;
const hashInput = new Uint8Array(200);
const keccakNoble = rate((i) => {
  hashInput[0] = i;
  nobleKeccak256(hashInput);
});
const nativeKeccak = installNativeKeccak();
const keccakNative = nativeKeccak
  ? rate((i) => {
      hashInput[0] = i;
      keccak256(hashInput);
    })
  : null;

const nobleVerify = rate((i) => {
  if (!secp256k1.verify(compact[i % N] as Uint8Array, msgs[i % N] as Uint8Array, pubs[i % N] as Uint8Array))
    throw new Error('verify failed');
});
const nobleRecover = rate((i) => {
  recoverPublicKey(msgs[i % N] as Uint8Array, recoverable[i % N] as Uint8Array);
});
const opensslVerify = rate((i) => {
  if (!openssl.verify(compact[i % N] as Uint8Array, msgs[i % N] as Uint8Array, pubs[i % N] as Uint8Array))
    throw new Error('verify failed');
});
const libsecpVerify = libsecp
  ? rate((i) => {
      if (!libsecp.verify(compact[i % N] as Uint8Array, msgs[i % N] as Uint8Array, pubs[i % N] as Uint8Array))
        throw new Error('verify failed');
    })
  : null;
const libsecpRecover = libsecp
  ? rate((i) => {
      const sig = recoverable[i % N] as Uint8Array;
      if (!libsecp.recover(sig.subarray(0, 64), sig[64] as number, msgs[i % N] as Uint8Array))
        throw new Error('recover failed');
    })
  : null;
const addressFromCompressed = rate((i) => {
  publicKeyToAddress(compressed[i % N] as Uint8Array);
});
const addressFromRaw = rate((i) => {
  compressRawPublicKey(raw[i % N] as Uint8Array); // the on-curve check the tx path does
  rawPublicKeyToAddress(raw[i % N] as Uint8Array);
});

// Signed transfers from N senders.
const chainId = 'hotpot-bench';
const builders = keys.map((k) => new TxBuilder({ chainId, privateKey: k, fee: 1000n }));
const sampleTxs: Tx[] = builders.map((b, i) =>
  b.transfer(0, { to: privateKeyToAddress(key(100_000 + i)), amount: 1n }),
);
const sampleBytes = sampleTxs.map((t) => encodeTx(t));
const signPerS = rate((i) => {
  (builders[i % N] as TxBuilder).transfer(i, { to: sampleTxs[0]!.sender, amount: 1n });
}, 20);
const txVerify = (verifier: SignatureVerifier): number =>
  rate((i) => verifyTxSignature(sampleTxs[i % N] as Tx, { verifier }, sampleBytes[i % N]));
const txVerifyNoble = txVerify(nobleVerifier);
const txVerifyOpenssl = txVerify(openssl);
const txVerifyLibsecp = libsecp ? txVerify(libsecp) : null;
const warmCache = new BoundedVerifiedCache(10_000);
for (let i = 0; i < N; i++) verifyTxSignature(sampleTxs[i] as Tx, { cache: warmCache }, sampleBytes[i]);
const txVerifyCached = rate((i) =>
  verifyTxSignature(sampleTxs[i % N] as Tx, { cache: warmCache }, sampleBytes[i % N]),
);
const encodePerS = rate((i) => encodeTx(sampleTxs[i % N] as Tx));
const decodePerS = rate((i) => decodeTx(sampleBytes[i % N] as Uint8Array));

// Block application: `blockTxs` transfers from N senders to random accounts among `accounts`.
const validatorKey = key(999_999);
let seed = 12345;
const nextRand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed);
const accountAddrs = Array.from({ length: accounts }, (_, i) =>
  toHex(keccak256(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff)).subarray(12)),
);
const genesis = parseGenesis({
  chainId,
  genesisTimeMs: 1_700_000_000_000,
  hqAuthority: privateKeyToAddress(validatorKey),
  complianceAuthority: privateKeyToAddress(validatorKey),
  validators: [{ address: privateKeyToAddress(validatorKey), stake: '10000000', region: 'eu' }],
  balances: [...keys.map((k) => privateKeyToAddress(k)), ...accountAddrs].map((address) => ({
    address,
    amount: '1000000000000',
  })),
  params: { maxBlockTxs: Math.max(10_000, blockTxs) },
});
const store = new MemoryStateStore();
store.apply(applyGenesis(store, genesis).writes);
const config = genesisConfig(genesis);
const nonces = new Array<number>(N).fill(0);
const blockOf = (): Tx[] =>
  Array.from({ length: blockTxs }, (_, i) => {
    const s = i % N;
    return (builders[s] as TxBuilder).transfer(nonces[s]!++, {
      to: accountAddrs[nextRand() % accounts] as `0x${string}`,
      amount: 1n + BigInt(i),
    });
  });
const signStart = performance.now();
const txs = blockOf();
const blockSignMs = performance.now() - signStart;

function timeApply(verify: { verifier?: SignatureVerifier; cache?: BoundedVerifiedCache }): {
  buildMs: number;
  applyMs: number;
} {
  const t0 = performance.now();
  const built = buildBlock(
    store,
    {
      header: { height: 1, round: 0, timeMs: 1_700_000_001_000, proposer: privateKeyToAddress(validatorKey) },
      txs,
      lastCommit: null,
      evidence: [],
    },
    { config, verify },
  );
  const t1 = performance.now();
  const r = applyBlock(store, built.block, { config, verify });
  const t2 = performance.now();
  if (r.receipts.some((x) => !x.ok)) throw new Error('a transfer failed');
  return { buildMs: t1 - t0, applyMs: t2 - t1 };
}
const nobleApply = timeApply({ verifier: nobleVerifier });
const opensslApply = timeApply({ verifier: openssl });
const libsecpApply = libsecp ? timeApply({ verifier: libsecp }) : null;
const cache = new BoundedVerifiedCache(100_000);
const cachedApply = timeApply({ verifier: openssl, cache }); // build verifies and fills the cache; apply hits it

const round = (x: number): number => Math.round(x * 10) / 10;
process.stdout.write(
  JSON.stringify({
    bench: 'crypto',
    note: 'measured on a shared 2-core machine; figures vary with other load',
    noble_verify_per_s: nobleVerify,
    noble_recover_per_s: nobleRecover,
    openssl_verify_per_s: opensslVerify,
    libsecp256k1_verify_per_s: libsecpVerify,
    libsecp256k1_recover_per_s: libsecpRecover,
    keccak256_200b_per_s: { noble: keccakNoble, native: keccakNative },
    address_from_compressed_key_per_s: addressFromCompressed,
    address_from_raw_key_per_s: addressFromRaw,
    tx_sign_per_s: signPerS,
    tx_verify_noble_per_s: txVerifyNoble,
    tx_verify_openssl_per_s: txVerifyOpenssl,
    tx_verify_libsecp256k1_per_s: txVerifyLibsecp,
    tx_verify_cached_per_s: txVerifyCached,
    tx_encode_per_s: encodePerS,
    tx_decode_per_s: decodePerS,
    block_txs: blockTxs,
    state_accounts: accounts + N,
    block_sign_ms: round(blockSignMs),
    block_build_ms_noble: round(nobleApply.buildMs),
    block_apply_ms_noble: round(nobleApply.applyMs),
    block_apply_ms_openssl: round(opensslApply.applyMs),
    block_build_ms_openssl_filling_cache: round(cachedApply.buildMs),
    block_apply_ms_cached: round(cachedApply.applyMs),
    apply_tx_per_s_cached: Math.round((blockTxs / cachedApply.applyMs) * 1000),
    apply_tx_per_s_openssl: Math.round((blockTxs / opensslApply.applyMs) * 1000),
    apply_tx_per_s_libsecp256k1: libsecpApply ? Math.round((blockTxs / libsecpApply.applyMs) * 1000) : null,
    apply_tx_per_s_noble: Math.round((blockTxs / nobleApply.applyMs) * 1000),
    verifications_needed_per_s_4_validators_1000_tps_without_shared_cache: 4000,
  }) + '\n',
);
