/**
 * State snapshots (pure): the state at one height as a manifest and chunks, and the restorer that
 * rebuilds the state and its tree from them on a new node.
 *
 * The chunks hold every committed state entry (not `meta`, not the tree's `smt:` nodes, which the
 * restorer rebuilds), sorted by key, at most `maxChunkBytes` each. The manifest names the height,
 * the block hash, the state root and each chunk's keccak hash. A new node trusts a manifest only
 * after a verified header (`light-client.ts`) names the same block and root; the chunk hashes then
 * catch a bad chunk early, and the rebuilt root catches anything else.
 */
import { keccak256, toHex } from './bytes';
import { KIND, decodeWith, writer } from './encoding';
import { ChainError } from './errors';
import { TreeBuilder } from './smt-builder';
import type { StateKey, StateStore } from './state/store';
import { MAX_CHAIN_ID_BYTES } from './vote';
import type { Hash } from './types';

/** What a snapshot holds. */
export interface SnapshotManifest {
  version: 1;
  chainId: string;
  height: number;
  blockHash: Hash;
  stateRoot: Hash;
  entryCount: number;
  totalBytes: number;
  chunkHashes: Hash[];
}

/** Most chunks one snapshot may have (with 4 MiB chunks, 256 GiB of state). */
export const MAX_SNAPSHOT_CHUNKS = 65_536;
/** Longest state key and value in a chunk. */
const MAX_KEY_BYTES = 256;
const MAX_VALUE_BYTES = 1 << 20;
/** Largest chunk a restorer takes. */
export const MAX_CHUNK_BYTES = 16 << 20;

/** The state keys a snapshot carries: every committed prefix of `StateKey`. */
const SNAPSHOT_KEY =
  /^(?:(?:acct|val|fr|kyc|anc|aud|sls|ev|vs|ubd|ubq|peer):[\x21-\x7e]{1,240}|vals|supply)$/;

/** The manifest's bytes. */
export function encodeManifest(m: SnapshotManifest): Uint8Array {
  return writer(KIND.snapshotManifest)
    .uint(m.version)
    .string(m.chainId, MAX_CHAIN_ID_BYTES, 'chainId')
    .uint(m.height, 'height')
    .hex(m.blockHash, 32, 'blockHash')
    .hex(m.stateRoot, 32, 'stateRoot')
    .uint(m.entryCount, 'entryCount')
    .uint(m.totalBytes, 'totalBytes')
    .list(m.chunkHashes, MAX_SNAPSHOT_CHUNKS, (w, h) => w.hex(h, 32, 'chunk hash'), 'chunkHashes')
    .finish();
}

/** Reads a manifest (`MALFORMED`, `UNSUPPORTED_VERSION`). */
export function decodeManifest(bytes: Uint8Array): SnapshotManifest {
  if (bytes.length > 64 + 256 + MAX_SNAPSHOT_CHUNKS * 33)
    throw new ChainError('MALFORMED', `a snapshot manifest of ${bytes.length} bytes is too large`);
  return decodeWith(bytes, KIND.snapshotManifest, 'snapshot manifest', (r) => {
    const version = r.uint('version');
    if (version !== 1)
      throw new ChainError('UNSUPPORTED_VERSION', `snapshot format ${version} is not known here (1 is)`);
    return {
      version,
      chainId: r.string(MAX_CHAIN_ID_BYTES, 'chainId'),
      height: r.uint('height'),
      blockHash: r.hex(32, 'blockHash'),
      stateRoot: r.hex(32, 'stateRoot'),
      entryCount: r.uint('entryCount'),
      totalBytes: r.uint('totalBytes'),
      chunkHashes: r.list(MAX_SNAPSHOT_CHUNKS, (rr) => rr.hex(32, 'chunk hash'), 'chunkHashes'),
    };
  });
}

/** keccak-256 of a chunk's bytes. */
export function chunkHash(bytes: Uint8Array): Hash {
  return toHex(keccak256(bytes));
}

/**
 * Splits state entries, sorted by key, into chunks of at most `maxChunkBytes` (a single entry larger
 * than that gets a chunk of its own). `meta` and the tree's nodes are left out.
 */
export function* chunkState(
  entries: Iterable<[string, Uint8Array]>,
  maxChunkBytes: number,
): Generator<Uint8Array> {
  let batch: [string, Uint8Array][] = [];
  let bytes = 0;
  let prev = '';
  for (const [k, v] of entries) {
    if (k === 'meta' || k.startsWith('smt:')) continue;
    if (k <= prev)
      throw new ChainError(
        'SNAPSHOT_BAD_CHUNK',
        `state entries must come sorted by key (${k} after ${prev})`,
      );
    prev = k;
    const size = k.length + v.length + 8;
    if (batch.length > 0 && bytes + size > maxChunkBytes) {
      yield encodeChunk(batch);
      batch = [];
      bytes = 0;
    }
    batch.push([k, v]);
    bytes += size;
  }
  if (batch.length > 0) yield encodeChunk(batch);
}

function encodeChunk(entries: readonly [string, Uint8Array][]): Uint8Array {
  return writer(KIND.snapshotChunk)
    .list(
      entries,
      Number.MAX_SAFE_INTEGER,
      (w, [k, v]) => w.string(k, MAX_KEY_BYTES, 'key').bytes(v, MAX_VALUE_BYTES, 'value'),
      'entries',
    )
    .finish();
}

/**
 * Rebuilds a state from a manifest's chunks, in order, into `sink`, which holds no state yet: the
 * entries as they come, the tree's nodes in one pass at `finish` (`TreeBuilder`). Throws
 * `SNAPSHOT_BAD_CHUNK` for a chunk that is not the manifest's or holds bad keys, and
 * `SNAPSHOT_BAD_ROOT` when the entries do not make the manifest's root. The caller writes `sink`
 * into its store only after `finish` returned, so a refused snapshot leaves nothing behind.
 *
 * @example
 * const r = new SnapshotRestorer(manifest, overlay);
 * for (let i = 0; i < manifest.chunkHashes.length; i++) r.addChunk(i, await fetchChunk(i));
 * r.finish(); // the manifest's root, rebuilt
 */
export class SnapshotRestorer {
  private next = 0;
  private entries = 0;
  private lastKey = '';
  /** The tree, built once every chunk is in (a snapshot restores into a store without one). */
  private readonly tree = new TreeBuilder();

  constructor(
    readonly manifest: SnapshotManifest,
    private readonly sink: StateStore,
  ) {}

  /** Chunks taken so far. */
  get chunksDone(): number {
    return this.next;
  }

  /** Takes chunk `index` (they come in order). */
  addChunk(index: number, bytes: Uint8Array): void {
    const m = this.manifest;
    const bad = (why: string): never => {
      throw new ChainError(
        'SNAPSHOT_BAD_CHUNK',
        `chunk ${index} of the snapshot at height ${m.height}: ${why}`,
        {
          index,
        },
      );
    };
    if (index !== this.next) bad(`expected chunk ${this.next} next`);
    if (index >= m.chunkHashes.length) bad(`the manifest has ${m.chunkHashes.length} chunks`);
    if (bytes.length > MAX_CHUNK_BYTES) bad(`${bytes.length} bytes is more than ${MAX_CHUNK_BYTES}`);
    if (chunkHash(bytes) !== m.chunkHashes[index]) bad('its hash is not the one the manifest names');
    let entries: [string, Uint8Array][];
    try {
      entries = decodeWith(bytes, KIND.snapshotChunk, 'snapshot chunk', (r) =>
        r.list(
          Number.MAX_SAFE_INTEGER,
          (rr): [string, Uint8Array] => [rr.string(MAX_KEY_BYTES, 'key'), rr.bytes(MAX_VALUE_BYTES, 'value')],
          'entries',
        ),
      );
    } catch (err) {
      return bad(err instanceof Error ? err.message : String(err));
    }
    for (const [k, v] of entries) {
      if (!SNAPSHOT_KEY.test(k))
        bad(`${JSON.stringify(k.slice(0, 40))} is not a state key a snapshot carries`);
      if (k <= this.lastKey) bad(`key ${k} is not after ${this.lastKey}`);
      this.lastKey = k;
      this.sink.set(k as StateKey, v);
      this.tree.add(k, v);
    }
    this.entries += entries.length;
    this.next++;
  }

  /** Checks that every chunk came and that the rebuilt tree has the manifest's root; returns it. */
  finish(): Hash {
    const m = this.manifest;
    if (this.next !== m.chunkHashes.length)
      throw new ChainError('SNAPSHOT_BAD_CHUNK', `only ${this.next} of ${m.chunkHashes.length} chunks came`);
    if (this.entries !== m.entryCount)
      throw new ChainError(
        'SNAPSHOT_BAD_ROOT',
        `the chunks hold ${this.entries} entries; the manifest says ${m.entryCount}`,
      );
    const root = this.tree.finish(this.sink);
    if (root !== m.stateRoot)
      throw new ChainError(
        'SNAPSHOT_BAD_ROOT',
        `the restored state has root ${root}, not the manifest's ${m.stateRoot}`,
      );
    return root;
  }
}
