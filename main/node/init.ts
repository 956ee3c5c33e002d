/**
 * Data dir layout of a node and its creation:
 * - `genesis.json`: the chain's genesis document (`main/chain/genesis.ts` JSON form);
 * - `validator/key.json`: the validator key (absent on observers), see `validator-key.ts`;
 * - `dev-password`: development chains only;
 * - `p2p/peer-key`: the node's libp2p identity (its peer id is in a development chain's genesis `peerIds`);
 * - `ledger.db`: the chain store (created at first start from genesis.json).
 *
 * `ensureInitialized(dataDir)` makes a single-validator development chain in an empty data dir — what
 * `bin/hotpot init --dev` does and what `start` does on first run.
 */
import { randomBytes } from 'node:crypto';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Genesis, genesisToJson, makeDevGenesis, parseGenesis } from '../chain/genesis';
import { assertPrivateKey } from '../chain/keys';
import { DEFAULT_PARAMS } from '../chain/params';
import type { Address } from '../chain/types';
import { AppError } from '../common/errors';
import { loadOrCreatePeerKey } from '../p2p/peer-key';
import { SILENT_LOG } from '../p2p/types';
import { NodeError } from './errors';
import { hasValidatorKey, writeDevPassword, writeValidatorKey } from './validator-key';
import type { ScryptParams } from '../wallet/kdf';

/** Where the genesis document lives in a data dir. */
export function genesisPath(dataDir: string): string {
  return join(dataDir, 'genesis.json');
}

/** A fresh random secp256k1 private key. */
export function newPrivateKey(): Uint8Array {
  for (;;) {
    const k = new Uint8Array(randomBytes(32));
    try {
      assertPrivateKey(k);
      return k;
    } catch {
      // astronomically rare: out of range, draw again
    }
  }
}

/** Writes `genesis.json` (pretty JSON). */
export function writeGenesis(dataDir: string, g: Genesis): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(genesisPath(dataDir), `${JSON.stringify(genesisToJson(g), null, 2)}\n`, { mode: 0o644 });
}

/** Reads and validates `genesis.json`. Throws `NOT_INITIALIZED` when missing, `BAD_DATA_DIR` when invalid. */
export function readGenesis(dataDir: string): Genesis {
  const file = genesisPath(dataDir);
  if (!existsSync(file))
    throw new NodeError(
      'NOT_INITIALIZED',
      `${file} does not exist: run "bin/hotpot init --dev --data-dir ${dataDir}" or copy the chain's genesis.json there`,
      { file },
    );
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NodeError(
      'BAD_DATA_DIR',
      `${file} is not valid JSON: ${(err as Error).message}`,
      { file },
      { cause: err },
    );
  }
  try {
    return parseGenesis(doc);
  } catch (err) {
    throw new NodeError(
      'BAD_DATA_DIR',
      `${file}: ${err instanceof AppError ? err.message : String(err)}`,
      { file },
      { cause: err },
    );
  }
}

/** Options of a development chain. */
export interface DevChainOptions {
  /** Pause between blocks, ms (the genesis `commitMs`; default 1,000). */
  blockIntervalMs?: number;
  chainId?: string;
  /** scrypt cost of the key file (default N=2^17). */
  kdf?: ScryptParams;
  now?: () => number;
}

/** What `ensureInitialized` did. */
export interface InitResult {
  created: boolean;
  chainId: string;
  validator: Address | null;
}

/**
 * Makes a single-validator development chain in `dataDir` unless it already holds a genesis: a new
 * validator key (also HQ and compliance authority, with a balance) behind a generated password kept in
 * `<dataDir>/dev-password` (mode 0600, marked development-only), and `genesis.json`.
 *
 * @example await ensureInitialized('/var/lib/hotpot') // { created: true, chainId: 'hotpot-dev', validator: '0x…' }
 */
export async function ensureInitialized(dataDir: string, opts: DevChainOptions = {}): Promise<InitResult> {
  if (existsSync(genesisPath(dataDir))) {
    const g = readGenesis(dataDir);
    return { created: false, chainId: g.chainId, validator: null };
  }
  if (hasValidatorKey(dataDir))
    throw new NodeError(
      'BAD_DATA_DIR',
      `${dataDir} has a validator key but no genesis.json; copy the chain's genesis.json there`,
      { dataDir },
    );
  mkdirSync(dataDir, { recursive: true });
  const privateKey = newPrivateKey();
  const password = writeDevPassword(dataDir);
  const validator = await writeValidatorKey(dataDir, privateKey, password, opts.kdf);
  // The node's libp2p identity is made now so the genesis can list it: only listed or registered peers connect.
  const peerKey = await loadOrCreatePeerKey(join(dataDir, 'p2p', 'peer-key'), SILENT_LOG);
  const g = makeDevGenesis({
    privateKey,
    peerIds: [peerIdFromPrivateKey(peerKey).toString()],
    genesisTimeMs: (opts.now ?? Date.now)(),
    ...(opts.chainId ? { chainId: opts.chainId } : {}),
    params: { timeouts: { ...DEFAULT_PARAMS.timeouts, commitMs: opts.blockIntervalMs ?? 1_000 } },
  });
  privateKey.fill(0);
  writeGenesis(dataDir, g);
  return { created: true, chainId: g.chainId, validator };
}
