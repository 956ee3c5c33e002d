/**
 * The state snapshots this node keeps and serves (snapshot sync, the serving side). After a block
 * commits (and at start), when the head is `intervalBlocks` or more past the newest snapshot or there
 * is none yet, the committed state is read on a second connection pinned at that height
 * (`LedgerHistory.readCommittedState`: blocks keep committing meanwhile) and cut into chunks
 * (`chunkState`), written under `<dataDir>/snapshots/<height>/` (`manifest`, `sets`, `chunk-<i>`; made
 * in a `.partial` directory and renamed, so a crash leaves no half snapshot); the newest `keep` stay.
 *
 * It answers the snapshot protocol's queries (`answer`): the manifests, one chunk, or headers with
 * their commits and the set proofs kept at epoch ends (plus, at a snapshot's height, the proofs of its
 * epoch's set and the next, for a node that trusts that block by its hash).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChainConfig, epochOf } from '../chain/params';
import {
  type SnapshotManifest,
  chunkHash,
  chunkState,
  decodeManifest,
  encodeManifest,
} from '../chain/snapshot';
import type { Hash } from '../chain/types';
import type { P2pLog, SnapshotQuery } from '../p2p/types';
import { encodeHeaderItem, headerBytesOf, proveSets } from './header-items';
import type { LedgerStore } from './ledger-store';

/** Options of the snapshot keeper (config `sync.snapshot`). */
export interface SnapshotKeeperOptions {
  /** Where snapshots live: `<dataDir>/snapshots`. */
  dir: string;
  /** Make a snapshot when the head is this many blocks past the newest (0: make none, serve none). */
  intervalBlocks: number;
  /** How many of the newest snapshots to keep. */
  keep: number;
  /** Largest chunk, bytes. */
  chunkBytes: number;
}

/** What a snapshot's files say, held in memory (chunks stay on disk). */
interface KeptSnapshot {
  manifest: SnapshotManifest;
  manifestBytes: Uint8Array;
  /** Proofs of the sets of its epoch and the next against its state root. */
  sets: Uint8Array;
  dir: string;
}

/** Most headers one answer holds (the protocol caps bytes too). */
const MAX_HEADERS = 1_024;

/**
 * @example
 * const keeper = new SnapshotKeeper({ dir, intervalBlocks: 1000, keep: 2, chunkBytes: 4 << 20 }, { store, config, log });
 * keeper.load(); network.setSnapshotProvider((q) => keeper.answer(q));
 * onCommit: keeper.afterCommit();
 */
export class SnapshotKeeper {
  private readonly kept = new Map<number, KeptSnapshot>();
  private making: Promise<void> | undefined;
  private stopped = false;
  /** Snapshots made since start (for tests and the benchmark). */
  made = 0;

  constructor(
    private readonly opts: SnapshotKeeperOptions,
    private readonly deps: { store: LedgerStore; config: ChainConfig; log: P2pLog },
  ) {}

  /** Reads the snapshots kept on disk (dropping unfinished ones) and makes one if the head is past due. */
  load(): void {
    if (!existsSync(this.opts.dir)) return;
    for (const name of readdirSync(this.opts.dir)) {
      const dir = join(this.opts.dir, name);
      if (!/^\d+$/.test(name)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      try {
        const manifestBytes = new Uint8Array(readFileSync(join(dir, 'manifest')));
        const manifest = decodeManifest(manifestBytes);
        const sets = new Uint8Array(readFileSync(join(dir, 'sets')));
        this.kept.set(manifest.height, { manifest, manifestBytes, sets, dir });
      } catch (err) {
        this.deps.log.warn({ dir, err: (err as Error).message }, 'dropping an unreadable snapshot');
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  /** Heights of the snapshots kept, newest first. */
  heights(): number[] {
    return [...this.kept.keys()].sort((a, b) => b - a);
  }

  /** Called after each commit: starts a snapshot of the committed head when one is due. */
  afterCommit(): void {
    if (this.opts.intervalBlocks <= 0 || this.making || this.stopped) return;
    // After this turn: a sync batch commits its blocks at its end, and the pinned read must see them.
    const t = setImmediate(() => {
      if (this.making || this.stopped) return;
      const head = this.deps.store.chainMeta().height;
      // None kept yet (a new node, or one that just turned snapshots on): one of the head now.
      const newest = this.heights()[0];
      if (head < 1 || (newest !== undefined && head - newest < this.opts.intervalBlocks)) return;
      this.making = this.make()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.deps.log.warn({ err: (err as Error).message }, 'making a state snapshot failed'),
        )
        .finally(() => (this.making = undefined));
    });
    t.unref?.();
  }

  /** Waits for a snapshot being made (tests, stop). */
  async settled(): Promise<void> {
    await this.making;
  }

  /** Stops making snapshots (one being made is abandoned at its next chunk). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.making;
  }

  /** Makes a snapshot of the committed head now (the keeper calls it when one is due). */
  async make(): Promise<SnapshotManifest | null> {
    const { store, config, log } = this.deps;
    const read = store.history.readCommittedState();
    const { height } = read.meta;
    const final = join(this.opts.dir, String(height));
    const work = `${final}.partial`;
    try {
      if (height < 1 || this.kept.has(height)) return null;
      const t0 = Date.now();
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      const chunkHashes: Hash[] = [];
      let entryCount = 0;
      let totalBytes = 0;
      const counted = function* (it: Iterable<[string, Uint8Array]>): Generator<[string, Uint8Array]> {
        for (const e of it) {
          entryCount++;
          yield e;
        }
      };
      for (const chunk of chunkState(counted(read.entries()), this.opts.chunkBytes)) {
        writeFileSync(join(work, `chunk-${chunkHashes.length}`), chunk);
        chunkHashes.push(chunkHash(chunk));
        totalBytes += chunk.length;
        // Let the node work between chunks (the read stays pinned at `height`).
        if (chunkHashes.length % 4 === 0) await new Promise((r) => setImmediate(r));
        if (this.stopped) throw new Error('the node is stopping');
      }
      const manifest: SnapshotManifest = {
        version: 1,
        chainId: config.chainId,
        height,
        blockHash: read.meta.lastBlockHash,
        stateRoot: read.meta.stateRoot,
        entryCount,
        totalBytes,
        chunkHashes,
      };
      const e = epochOf(height, config.params);
      const sets = proveSets(read, [e, e + 1]);
      writeFileSync(join(work, 'sets'), sets);
      const manifestBytes = encodeManifest(manifest);
      writeFileSync(join(work, 'manifest'), manifestBytes);
      read.close();
      rmSync(final, { recursive: true, force: true });
      renameSync(work, final);
      this.kept.set(height, { manifest, manifestBytes, sets, dir: final });
      this.made++;
      for (const old of this.heights().slice(Math.max(1, this.opts.keep))) {
        const k = this.kept.get(old);
        this.kept.delete(old);
        if (k) rmSync(k.dir, { recursive: true, force: true });
      }
      log.info(
        {
          height,
          chunks: manifest.chunkHashes.length,
          entries: manifest.entryCount,
          bytes: manifest.totalBytes,
          ms: Date.now() - t0,
        },
        'state snapshot made',
      );
      return manifest;
    } catch (err) {
      rmSync(work, { recursive: true, force: true });
      throw err;
    } finally {
      read.close();
    }
  }

  /** Answers a peer's snapshot query (`NodeNetwork.setSnapshotProvider`); null: not kept here. */
  async answer(query: SnapshotQuery): Promise<Uint8Array[] | null> {
    if (query.op === 'manifests')
      return this.heights().map((h) => (this.kept.get(h) as KeptSnapshot).manifestBytes);
    if (query.op === 'chunk') {
      const k = this.kept.get(query.height);
      if (!k || query.index >= k.manifest.chunkHashes.length) return null;
      try {
        return [new Uint8Array(await readFile(join(k.dir, `chunk-${query.index}`)))];
      } catch {
        return null; // dropped meanwhile (a newer one replaced it)
      }
    }
    const { store, config } = this.deps;
    const rows = store.history.headersFrom(query.fromHeight, Math.min(query.count, MAX_HEADERS));
    if (rows.length === 0) return null;
    return rows.map((r) =>
      encodeHeaderItem(
        headerBytesOf(r, config.params),
        r.commit,
        r.sets ?? this.kept.get(r.height)?.sets ?? null,
      ),
    );
  }
}
