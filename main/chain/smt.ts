/**
 * The state tree: a compact sparse Merkle tree over keccak(key), stored in the state store itself
 * (pure). Its root is the state root.
 *
 * Definition (independent of insertion order): for a set of leaves (keyHash, valueHash) under a bit
 * path, the subtree hash is ZERO (32 zero bytes) when empty; `keccak(0x00 ‖ keyHash ‖ valueHash)` when
 * it holds one leaf (the leaf sits at the shortest path where it is alone); otherwise
 * `keccak(0x01 ‖ left ‖ right)` over the subtrees of bit 0 and bit 1 at the next depth.
 *
 * Nodes are stored under `smt:<bits>` (the path as '0'/'1' text): `0x00 ‖ keyHash ‖ valueHash ‖ leafHash`
 * for a leaf (older stores wrote it without `leafHash`; both read), `0x01 ‖ hash` for an inner node.
 * Storing the leaf's hash saves re-hashing every untouched sibling leaf on each update. A batch of changed keys is applied in one pass that visits
 * each touched node once, so a block of n writes over N keys costs about n × log2(N) hashes and reads.
 */
import { bytesEqual, compareBytes, keccak256, toHex, utf8ToBytes } from './bytes';
import type { Hash } from './types';

/** Reads and writes of the tree's own nodes. */
export interface NodeStore {
  get(key: NodeKey): Uint8Array | undefined;
  set(key: NodeKey, value: Uint8Array | null): void;
}

/** Key of a tree node in the state store. */
export type NodeKey = `smt:${string}`;

/** A node of the tree as stored: nothing, a leaf, or an inner node with its hash. */
export type TreeNode =
  | { kind: 'empty' }
  | { kind: 'leaf'; keyHash: Uint8Array; valueHash: Uint8Array; hash: Uint8Array }
  | { kind: 'inner'; hash: Uint8Array };
type Info = TreeNode;

interface Update {
  keyHash: Uint8Array;
  /** null deletes the key. */
  valueHash: Uint8Array | null;
}

const ZERO = new Uint8Array(32);
const EMPTY: Info = { kind: 'empty' };
/** Prefix of every tree node key in the state store. */
export const SMT_PREFIX = 'smt:' as const;

/** The root hash of the empty tree (32 zero bytes). */
export const EMPTY_ROOT: Hash = toHex(ZERO);

/** Bit `depth` (0 = most significant) of a key hash: 0 goes left, 1 right. */
export function bit(h: Uint8Array, depth: number): number {
  return ((h[depth >> 3] as number) >> (7 - (depth & 7))) & 1;
}

const LEAF_TAG = Uint8Array.of(0);
/** Tag of an inner node's hash input. */
export const INNER_TAG = Uint8Array.of(1);

/** The hash of a leaf: keccak(0x00 ‖ keyHash ‖ valueHash). */
export function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return keccak256(LEAF_TAG, keyHash, valueHash);
}

/** keccak(key) of recently changed state keys: the same accounts change block after block. */
const keyHashes = new Map<string, Uint8Array>();
const MAX_KEY_HASHES = 200_000;

/** keccak(key), the key's place in the tree. */
export function keyHashOf(key: string): Uint8Array {
  let h = keyHashes.get(key);
  if (!h) {
    h = keccak256(utf8ToBytes(key));
    if (keyHashes.size >= MAX_KEY_HASHES) keyHashes.clear();
    keyHashes.set(key, h);
  }
  return h;
}

/** A node's hash (32 zero bytes for nothing). */
export function hashOf(i: Info): Uint8Array {
  return i.kind === 'empty' ? ZERO : i.hash;
}

/**
 * Applies changed state entries to the tree stored in `store` and returns the new root.
 * `changes` maps state keys to their new value (null = deleted).
 */
export function updateTree(store: NodeStore, changes: Iterable<[string, Uint8Array | null]>): Hash {
  const updates: Update[] = [];
  for (const [key, value] of changes) {
    updates.push({
      keyHash: keyHashOf(key),
      valueHash: value === null ? null : keccak256(value),
    });
  }
  updates.sort((a, b) => compareBytes(a.keyHash, b.keyHash));
  return toHex(hashOf(update(store, '', updates)));
}

/** The current root stored in `store` (the empty root when nothing is stored). */
export function treeRoot(store: Pick<NodeStore, 'get'>): Hash {
  return toHex(hashOf(readNode(store, '')));
}

/** The stored node at `path` ('' is the root). */
export function readNode(store: Pick<NodeStore, 'get'>, path: string): TreeNode {
  const raw = store.get(`${SMT_PREFIX}${path}`);
  if (!raw) return EMPTY;
  if (raw[0] === 0) {
    const keyHash = raw.subarray(1, 33);
    const valueHash = raw.subarray(33, 65);
    const hash = raw.length >= 97 ? raw.subarray(65, 97) : leafHash(keyHash, valueHash);
    return { kind: 'leaf', keyHash, valueHash, hash };
  }
  return { kind: 'inner', hash: raw.subarray(1, 33) };
}

/** Stores `info` at `path` (nothing for an empty node) and returns it. */
export function writeNode(store: Pick<NodeStore, 'set'>, path: string, info: TreeNode): TreeNode {
  const key: NodeKey = `${SMT_PREFIX}${path}`;
  if (info.kind === 'empty') store.set(key, null);
  else if (info.kind === 'leaf') {
    const raw = new Uint8Array(97);
    raw.set(info.keyHash, 1);
    raw.set(info.valueHash, 33);
    raw.set(info.hash, 65);
    store.set(key, raw);
  } else {
    const raw = new Uint8Array(33);
    raw[0] = 1;
    raw.set(info.hash, 1);
    store.set(key, raw);
  }
  return info;
}

function split(updates: Update[], depth: number): [Update[], Update[]] {
  // updates are sorted by keyHash, and all share the path's prefix, so bit `depth` is 0…0 1…1
  let i = 0;
  while (i < updates.length && bit((updates[i] as Update).keyHash, depth) === 0) i++;
  return [updates.slice(0, i), updates.slice(i)];
}

function update(store: NodeStore, path: string, updates: Update[]): Info {
  const node = readNode(store, path);
  if (updates.length === 0) return node;
  if (node.kind === 'inner') {
    const [l, r] = split(updates, path.length);
    const left = update(store, path + '0', l);
    const right = update(store, path + '1', r);
    return combine(store, path, node, left, right);
  }
  // Empty or a single leaf: rebuild this subtree from the leaf (unless overridden) and the updates.
  const leaves: Update[] = [];
  let placed = node.kind !== 'leaf';
  for (const u of updates) {
    if (!placed && node.kind === 'leaf') {
      const c = compareBytes(node.keyHash, u.keyHash);
      if (c < 0) leaves.push({ keyHash: node.keyHash, valueHash: node.valueHash });
      if (c <= 0) placed = true;
    }
    if (u.valueHash !== null) leaves.push(u);
  }
  if (!placed && node.kind === 'leaf') leaves.push({ keyHash: node.keyHash, valueHash: node.valueHash });
  return build(store, path, leaves);
}

function build(store: NodeStore, path: string, leaves: Update[]): Info {
  if (leaves.length === 0) return writeNode(store, path, EMPTY);
  if (leaves.length === 1) {
    const l = leaves[0] as Update;
    const valueHash = l.valueHash as Uint8Array;
    return writeNode(store, path, {
      kind: 'leaf',
      keyHash: l.keyHash,
      valueHash,
      hash: leafHash(l.keyHash, valueHash),
    });
  }
  const [l, r] = split(leaves, path.length);
  const left = build(store, path + '0', l);
  const right = build(store, path + '1', r);
  return writeNode(store, path, {
    kind: 'inner',
    hash: keccak256(INNER_TAG, hashOf(left), hashOf(right)),
  });
}

function combine(store: NodeStore, path: string, old: Info, left: Info, right: Info): Info {
  if (left.kind === 'empty' && right.kind === 'empty') return writeNode(store, path, EMPTY);
  if (left.kind === 'empty' && right.kind === 'leaf') {
    writeNode(store, path + '1', EMPTY);
    return writeNode(store, path, right);
  }
  if (right.kind === 'empty' && left.kind === 'leaf') {
    writeNode(store, path + '0', EMPTY);
    return writeNode(store, path, left);
  }
  const hash = keccak256(INNER_TAG, hashOf(left), hashOf(right));
  if (old.kind === 'inner' && bytesEqual(old.hash, hash)) return old;
  return writeNode(store, path, { kind: 'inner', hash });
}

/** Computes the root of a set of entries from scratch (no storage); for tests and checks. */
export function rootOfEntries(entries: Iterable<[string, Uint8Array]>): Hash {
  const scratch = new Map<NodeKey, Uint8Array>();
  const store: NodeStore = {
    get: (k) => scratch.get(k),
    set: (k, v) => (v === null ? scratch.delete(k) : scratch.set(k, v)),
  };
  return updateTree(store, entries);
}
