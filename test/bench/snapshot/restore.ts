/**
 * The restore part of `bench snapshot`: how long a joining node takes to rebuild a large state from
 * its snapshot's chunks, the tree built in one pass (`SnapshotRestorer` with `TreeBuilder`, what the
 * node does) against the tree updated chunk by chunk with `updateTree` (how restore first worked),
 * both in the same run into a real SQLite table like the ledger's (one transaction, native keccak).
 * The baseline only writes entries and updates the tree; the restorer also decodes and checks each
 * chunk, so the ratio is if anything unfair to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keccak256, toHex } from '../../../main/chain/bytes';
import { SnapshotRestorer, chunkHash, chunkState } from '../../../main/chain/snapshot';
import { type NodeStore, updateTree } from '../../../main/chain/smt';
import { TreeBuilder } from '../../../main/chain/smt-builder';
import type { StateStore } from '../../../main/chain/state/store';
import type { Hash } from '../../../main/chain/types';
import { installNativeKeccak } from '../../../main/node/native-keccak';

/** What the restore part prints. */
export interface RestoreFigures {
  entries: number;
  chunks: number;
  snapshot_mib: number;
  one_pass_s: number;
  chunk_by_chunk_s: number;
  /** chunk_by_chunk_s ÷ one_pass_s */
  speedup: number;
  same_root: boolean;
  native_keccak: boolean;
}

/** `count` account-like entries (40-byte values), sorted as a snapshot holds them. */
function stateEntries(count: number): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (let i = 0; i < count; i++) {
    const h = keccak256(Uint8Array.of(i & 255, (i >> 8) & 255, (i >> 16) & 255, i >>> 24));
    out.push([`acct:${toHex(h.subarray(0, 20))}`, h.slice(0, 8).map((b, j) => b ^ j)]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The root of `state`, nodes thrown away. */
function rootOf(state: readonly [string, Uint8Array][]): Hash {
  const b = new TreeBuilder();
  for (const [k, v] of state) b.add(k, v);
  return b.finish({ set: () => {} });
}

/** A SQLite state table in a temp dir, written in one open transaction, as the ledger restores. */
function sqliteState(dir: string, name: string): { sink: StateStore & NodeStore; done(): void } {
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('cache_size = -65536');
  db.exec('CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT, WITHOUT ROWID');
  const get = db.prepare('SELECT value FROM state WHERE key = ?').pluck();
  const put = db.prepare(
    'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const del = db.prepare('DELETE FROM state WHERE key = ?');
  db.exec('BEGIN IMMEDIATE');
  return {
    sink: {
      get: (k: string) => {
        const v = get.get(k) as Buffer | undefined;
        return v === undefined ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      },
      set: (k: string, v: Uint8Array | null) => void (v === null ? del.run(k) : put.run(k, v)),
    } as StateStore & NodeStore,
    done: () => {
      db.exec('COMMIT');
      db.close();
    },
  };
}

/** Restores `entries` state entries both ways and times them. */
export function benchRestore(entries: number, progress: (line: string) => void): RestoreFigures {
  const native = installNativeKeccak();
  const state = stateEntries(entries);
  const chunks = [...chunkState(state, 4 << 20)];
  const manifest = {
    version: 1 as const,
    chainId: 'bench',
    height: 1,
    blockHash: toHex(new Uint8Array(32)),
    stateRoot: rootOf(state),
    entryCount: entries,
    totalBytes: chunks.reduce((n, c) => n + c.length, 0),
    chunkHashes: chunks.map(chunkHash),
  };
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-bench-restore-'));
  try {
    progress(`bench snapshot: restoring ${entries} entries in one pass`);
    const a = sqliteState(dir, 'one-pass');
    let t = performance.now();
    const r = new SnapshotRestorer(manifest, a.sink);
    chunks.forEach((c, i) => r.addChunk(i, c));
    const root = r.finish();
    a.done();
    const onePass = (performance.now() - t) / 1000;

    progress(`bench snapshot: restoring ${entries} entries chunk by chunk (updateTree)`);
    const b = sqliteState(dir, 'chunk-by-chunk');
    t = performance.now();
    let baselineRoot = '';
    const per = Math.ceil(entries / chunks.length);
    for (let i = 0; i < entries; i += per) {
      const batch = state.slice(i, i + per);
      for (const [k, v] of batch) b.sink.set(k as never, v);
      baselineRoot = updateTree(b.sink, batch);
    }
    b.done();
    const chunkByChunk = (performance.now() - t) / 1000;
    return {
      entries,
      chunks: chunks.length,
      snapshot_mib: Math.round((manifest.totalBytes / 2 ** 20) * 10) / 10,
      one_pass_s: Math.round(onePass * 100) / 100,
      chunk_by_chunk_s: Math.round(chunkByChunk * 100) / 100,
      speedup: Math.round((chunkByChunk / onePass) * 100) / 100,
      same_root: root === manifest.stateRoot && baselineRoot === manifest.stateRoot,
      native_keccak: native,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
