import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { defaultDataDir } from '../config/load';
import { hashFile } from '../video/record/hash';
import { VideoDb } from '../video/record/video-db';
import { parseFlags } from './args';

/** One line of `bin/hotpot video --help`. */
export const summary =
  'video verify FILE [--data-dir D] [--json]: does a recording match a segment anchored on the chain?';

/** What `video verify` found. */
export interface VerifyResult {
  file: string;
  sha256: string;
  cid: string;
  bytes: number;
  verdict: 'anchored' | 'recorded-not-anchored' | 'no-match';
  matches: Array<{
    cameraId: string;
    cameraName: string | null;
    startMs: number;
    endMs: number;
    anchor: { height: number; tx: string; timeMs: number } | null;
  }>;
}

/**
 * `bin/hotpot video verify FILE [--data-dir D] [--json]`: hashes FILE (SHA-256 and CIDv1) and looks it up
 * among the segments this node recorded and anchored. Exit 0 when it matches an anchored segment
 * (and says which: block height, transaction, camera, time), 1 when nothing matches, 3 when it
 * matches a segment not anchored yet, 2 on a usage error.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
    'video verify',
    true,
  );
  if (positionals.length !== 1) {
    process.stderr.write('usage: bin/hotpot video verify FILE [--data-dir D] [--json]\n');
    return 2;
  }
  const file = resolve(positionals[0]!);
  if (!existsSync(file) || !statSync(file).isFile()) {
    process.stderr.write(`hotpot: ${file} is not a file\n`);
    return 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env['HOTPOT_DATA_DIR'] ?? defaultDataDir());
  const dbFile = join(dataDir, 'node.db');
  if (!existsSync(dbFile)) {
    process.stderr.write(
      `hotpot: no node database at ${dbFile}; pass --data-dir of the node that recorded the file\n`,
    );
    return 2;
  }
  const result = await verifyFile(file, dbFile);
  if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(describe(result));
  return result.verdict === 'anchored' ? 0 : result.verdict === 'no-match' ? 1 : 3;
}

/** Hashes `file` and matches it against the recordings index of `dbFile` (opened read-only). */
export async function verifyFile(file: string, dbFile: string): Promise<VerifyResult> {
  const h = await hashFile(file);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const vdb = new VideoDb(db);
    const names = new Map(vdb.cameras().map((c) => [c.id, c.name]));
    const rows = vdb.recordingsBySha256(h.sha256Hex);
    const matches = rows.map((r) => ({
      cameraId: r.cameraId,
      cameraName: names.get(r.cameraId) ?? null,
      startMs: r.startMs,
      endMs: r.endMs,
      anchor: r.anchor,
    }));
    const verdict = matches.some((m) => m.anchor)
      ? 'anchored'
      : matches.length > 0
        ? 'recorded-not-anchored'
        : 'no-match';
    return { file, sha256: h.sha256Hex, cid: h.cid, bytes: h.bytes, verdict, matches };
  } finally {
    db.close();
  }
}

function describe(r: VerifyResult): string {
  const head = `${r.file}\n  sha256 ${r.sha256}\n  cid    ${r.cid}\n`;
  if (r.verdict === 'no-match')
    return `${head}NO MATCH: no recorded segment has this hash; the file was altered or was not recorded by this node's cameras\n`;
  const lines = r.matches.map((m) => {
    const cam = m.cameraName ? `${m.cameraName} (${m.cameraId})` : m.cameraId;
    const span = `${new Date(m.startMs).toISOString()} – ${new Date(m.endMs).toISOString()}`;
    return m.anchor
      ? `  camera ${cam}, recorded ${span}\n  anchored in block ${m.anchor.height}, tx ${m.anchor.tx}, at ${new Date(m.anchor.timeMs).toISOString()}\n`
      : `  camera ${cam}, recorded ${span}\n  not anchored yet (waiting for the next batch)\n`;
  });
  return `${head}${r.verdict === 'anchored' ? 'MATCH: unchanged since it was anchored' : 'RECORDED, NOT YET ANCHORED'}\n${lines.join('')}`;
}
