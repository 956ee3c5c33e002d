// Shared by the integration scenarios (which run in their own namespaces as separate processes):
// builds a VideoService on a real node.db with real workers, and a real chain anchorer.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Tx } from '../../../main/chain/tx/types';
import { txHash } from '../../../main/chain/tx/codec';
import { verifyTxSignature } from '../../../main/chain/tx/signing';
import { checkSegmentCid } from '../../../main/chain/tx/stateless-checks';
import { TxBuilder } from '../../../main/chain/tx/builder';
import { openDatabase, type Db } from '../../../main/store/db';
import { EVENT_STORE_MIGRATIONS } from '../../../main/store/event-store';
import { ChainMediaAnchorer } from '../../../main/video/record/anchor';
import { VIDEO_MIGRATIONS } from '../../../main/video/record/video-db';
import { VideoService } from '../../../main/video/service';
import { defaultVideoOptions } from '../../../main/video/service-options';
import type { VideoServiceOptions } from '../../../main/video/service-options';

/** A ledger of anchor-media transactions as the chain would hold them (signature and CIDs checked with main/chain). */
export interface MiniLedger {
  blocks: Array<{ height: number; timeMs: number; tx: Tx }>;
}

/** Options of {@link makeService}. */
export interface RigOptions {
  dataDir: string;
  recordingsDir?: string;
  captureWorker: string;
  detectorWorker: string;
  overrides?: (o: VideoServiceOptions) => VideoServiceOptions;
}

/** A VideoService wired like the node wires it, plus the ledger its anchors went to. */
export function makeService(opts: RigOptions): {
  service: VideoService;
  db: Db;
  ledger: MiniLedger;
  events: Array<{ name: string; payload: unknown }>;
  /** What the service logged (warnings and errors also go to stderr). */
  logs: Array<{ level: 'info' | 'warn' | 'error'; msg: string; fields: object }>;
} {
  const db = openDatabase(join(opts.dataDir, 'node.db'), {
    synchronous: 'NORMAL',
    migrations: [...EVENT_STORE_MIGRATIONS, ...VIDEO_MIGRATIONS],
  });
  const ledger: MiniLedger = { blocks: [] };
  const builder = new TxBuilder({
    chainId: 'hotpot-test',
    privateKey: new Uint8Array(randomBytes(32)),
    fee: 1n,
  });
  let nonce = 0;
  const anchorer = new ChainMediaAnchorer<Tx>({
    franchiseId: 'fr-0001',
    build: (n, p) => builder.anchorMedia(n, p),
    nextNonce: async () => nonce++,
    hash: (tx) => txHash(tx),
    submitAndWait: async (tx) => {
      verifyTxSignature(tx);
      if (tx.payload.type !== 'anchor-media') throw new Error('not an anchor-media tx');
      for (const s of tx.payload.segments) checkSegmentCid(s);
      const block = { height: ledger.blocks.length + 1, timeMs: Date.now(), tx };
      ledger.blocks.push(block);
      return { height: block.height, timeMs: block.timeMs };
    },
  });
  const base = defaultVideoOptions(opts.dataDir, {
    capture: () => opts.captureWorker,
    detector: () => opts.detectorWorker,
  });
  // The test cameras (the ONVIF simulator, the RTSP server) are on loopback, which the defaults refuse.
  const o: VideoServiceOptions = {
    ...base,
    recordingsDir: opts.recordingsDir,
    cameraNetworks: [...base.cameraNetworks, '127.0.0.0/8', '::1/128'],
  };
  const events: Array<{ name: string; payload: unknown }> = [];
  const logs: Array<{ level: 'info' | 'warn' | 'error'; msg: string; fields: object }> = [];
  const service = new VideoService(opts.overrides ? opts.overrides(o) : o, {
    db: () => db,
    emit: (e) => events.push(e),
    anchorer,
    nowMs: Date.now,
    log: {
      info: (o, m) => void logs.push({ level: 'info', msg: m, fields: o }),
      warn: (o, m) => {
        logs.push({ level: 'warn', msg: m, fields: o });
        process.stderr.write(`warn ${m} ${JSON.stringify(o)}\n`);
      },
      error: (o, m) => {
        logs.push({ level: 'error', msg: m, fields: o });
        process.stderr.write(`error ${m} ${JSON.stringify(o)}\n`);
      },
    },
  });
  return { service, db, ledger, events, logs };
}

/** Polls `pred` every 200 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  pred: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
