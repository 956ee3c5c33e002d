import type { VideoDb } from './video-db';

/** One closed segment to anchor (the chain's `anchor-media` MediaSegment plus where it came from). */
export interface MediaAnchorItem {
  cameraId: string;
  /** 0x-prefixed SHA-256 of the file, as main/chain's `MediaSegment.sha256`. */
  sha256: string;
  /** CIDv1 raw sha2-256 of the same bytes. */
  cid: string;
  startMs: number;
  endMs: number;
}

/** Where a batch ended up on the chain. */
export interface AnchorReceipt {
  height: number;
  /** Transaction hash (0x…). */
  tx: string;
  /** Block time. */
  timeMs: number;
}

/**
 * Puts segment hashes on the ledger. The real one signs the chain's `anchor-media` transaction
 * (`TxBuilder.anchorMedia(nonce, { franchiseId, cameraId, segments })` in main/chain/tx/builder.ts) with
 * the store's wallet key, submits it, and resolves when it is in a committed block. All the
 * items of one call have the same camera.
 */
export interface MediaAnchorer {
  anchor(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt>;
}

/** Options of {@link anchorPending}. */
export interface AnchorBatchOptions {
  /** At most this many segments per transaction. */
  maxBatch: number;
}

/**
 * Anchors every segment not yet anchored, one batch per camera (oldest first), and records each
 * receipt in the index. A failing batch is left for the next round and reported.
 *
 * @returns how many segments were anchored, and the errors of batches that failed
 */
export async function anchorPending(
  db: VideoDb,
  anchorer: MediaAnchorer,
  opts: AnchorBatchOptions,
): Promise<{ anchored: number; errors: string[] }> {
  const rows = db.unanchored(opts.maxBatch * 16);
  const byCamera = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byCamera.get(r.cameraId) ?? [];
    if (list.length < opts.maxBatch) list.push(r);
    byCamera.set(r.cameraId, list);
  }
  let anchored = 0;
  const errors: string[] = [];
  for (const [cameraId, list] of byCamera) {
    // Identical files (e.g. two black segments) would repeat a hash in one batch, which the chain refuses.
    const seen = new Set<string>();
    const batch = list.filter((r) => (seen.has(r.sha256) ? false : (seen.add(r.sha256), true)));
    try {
      const receipt = await anchorer.anchor(
        cameraId,
        batch.map((r) => ({
          cameraId,
          sha256: `0x${r.sha256}`,
          cid: r.cid,
          startMs: r.startMs,
          endMs: r.endMs,
        })),
      );
      const hashes = new Set(batch.map((r) => r.sha256));
      db.markAnchored(
        list.filter((r) => hashes.has(r.sha256)).map((r) => r.id),
        receipt,
      );
      anchored += list.length;
    } catch (err) {
      errors.push(`camera ${cameraId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { anchored, errors };
}

/** A signed ledger transaction as the chain module builds it (kept structural so this file stays light). */
export interface SignedTx {
  payload: { type: string };
}

/** What {@link ChainMediaAnchorer} needs from the chain side. */
export interface ChainMediaAnchorerDeps<T extends SignedTx> {
  franchiseId: string;
  /** `TxBuilder.anchorMedia` of main/chain/tx/builder.ts, bound to the store's key. */
  build: (
    nonce: number,
    p: { franchiseId: string; cameraId: string; segments: Array<{ sha256: `0x${string}`; cid: string }> },
  ) => T;
  /** The sender's next nonce. */
  nextNonce: () => Promise<number>;
  /** Hash of a transaction (`txHash` of main/chain/tx/codec.ts). */
  hash: (tx: T) => string;
  /** Submits to the mempool and resolves once the tx is in a committed block. */
  submitAndWait: (tx: T) => Promise<{ height: number; timeMs: number }>;
}

/**
 * The real anchorer: one `anchor-media` transaction per camera batch, signed by the store's key.
 * The node composes it with the chain's TxBuilder, the wallet's nonce and the mempool.
 */
export class ChainMediaAnchorer<T extends SignedTx> implements MediaAnchorer {
  constructor(private readonly deps: ChainMediaAnchorerDeps<T>) {}

  async anchor(cameraId: string, items: MediaAnchorItem[]): Promise<AnchorReceipt> {
    const tx = this.deps.build(await this.deps.nextNonce(), {
      franchiseId: this.deps.franchiseId,
      cameraId,
      segments: items.map((i) => ({ sha256: i.sha256 as `0x${string}`, cid: i.cid })),
    });
    const { height, timeMs } = await this.deps.submitAndWait(tx);
    return { height, tx: this.deps.hash(tx), timeMs };
  }
}
