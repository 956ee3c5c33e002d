import type { Db, Migration } from '../../store/db';
import type { StreamProfile } from '../onvif/profiles';
import type { CaptureLimits } from '../recording-format';
import type { AnonymizeOptions, PrivacyMask } from '../types';

/** The video module's tables in node.db (camera registry, recordings index, streaming consents, stream targets). */
export const VIDEO_MIGRATIONS: readonly Migration[] = [
  {
    module: 'video',
    version: 1,
    name: 'cameras, recordings, consents',
    up: `
      CREATE TABLE video_cameras (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        xaddr TEXT NOT NULL,
        username TEXT NOT NULL,
        password_sealed TEXT NOT NULL,
        rtsp_uri TEXT NOT NULL,
        profile_token TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        fps INTEGER NOT NULL,
        info_json TEXT NOT NULL,
        masks_json TEXT NOT NULL DEFAULT '[]',
        anonymize_json TEXT NOT NULL,
        recording INTEGER NOT NULL DEFAULT 1,
        created_at_ms INTEGER NOT NULL
      );
      CREATE TABLE video_recordings (
        id INTEGER PRIMARY KEY,
        camera_id TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        cid TEXT NOT NULL,
        anchor_height INTEGER,
        anchor_tx TEXT,
        anchor_time_ms INTEGER,
        deleted_at_ms INTEGER
      );
      CREATE INDEX video_recordings_camera_start ON video_recordings (camera_id, start_ms);
      CREATE INDEX video_recordings_sha256 ON video_recordings (sha256);
      CREATE INDEX video_recordings_unanchored ON video_recordings (anchor_height) WHERE anchor_height IS NULL;
      CREATE TABLE video_consents (
        id INTEGER PRIMARY KEY,
        camera_id TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        scope TEXT NOT NULL,
        starts_ms INTEGER NOT NULL,
        ends_ms INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at_ms INTEGER NOT NULL,
        revoked_at_ms INTEGER
      );
      CREATE INDEX video_consents_camera ON video_consents (camera_id, starts_ms);
    `,
  },
  {
    module: 'video',
    version: 2,
    name: "cameras: the recorded profile's own size and rate, the sub-stream, the owner's caps",
    // width, height and fps held the size the camera was captured at (its profile's, capped at
    // 1280 px wide and 10 fps); the recording size is now worked out at each start from the
    // profile's own (source_*) and the caps. A camera added before keeps its capped size as its
    // source until it is added again: its profile's own size was not stored.
    up: `
      ALTER TABLE video_cameras RENAME COLUMN width TO source_width;
      ALTER TABLE video_cameras RENAME COLUMN height TO source_height;
      ALTER TABLE video_cameras RENAME COLUMN fps TO source_fps;
      ALTER TABLE video_cameras ADD COLUMN profile_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE video_cameras ADD COLUMN sub_stream_json TEXT;
      ALTER TABLE video_cameras ADD COLUMN max_width INTEGER;
      ALTER TABLE video_cameras ADD COLUMN max_fps INTEGER;
    `,
  },
  {
    module: 'video',
    version: 3,
    name: 'recordings: the encrypted copy published to HQ (main/video/publish)',
    // published_cid is the CID of the envelope sealed to HQ's key (off-chain: the chain anchors the
    // plaintext's sha256/cid); unpinned_at_ms says retention's deletion reached the IPFS blockstore.
    up: `
      ALTER TABLE video_recordings ADD COLUMN published_cid TEXT;
      ALTER TABLE video_recordings ADD COLUMN published_at_ms INTEGER;
      ALTER TABLE video_recordings ADD COLUMN publish_attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE video_recordings ADD COLUMN publish_error TEXT;
      ALTER TABLE video_recordings ADD COLUMN unpinned_at_ms INTEGER;
      CREATE INDEX video_recordings_unpublished ON video_recordings (id) WHERE published_cid IS NULL AND deleted_at_ms IS NULL;
      CREATE INDEX video_recordings_to_unpin ON video_recordings (id) WHERE published_cid IS NOT NULL AND unpinned_at_ms IS NULL;
    `,
  },
  {
    module: 'video',
    version: 4,
    name: 'stream targets: a platform preset or server URL and its stream key, sealed',
    // key_sealed is SecretBox's sealing of the stream key (as cameras' password_sealed); the
    // server URL holds no key (the key is the ingest URL's last segment, added only when streaming).
    up: `
      CREATE TABLE video_stream_targets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        preset TEXT NOT NULL,
        server_url TEXT NOT NULL,
        key_sealed TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      );
    `,
  },
];

/** A recording's encrypted copy for HQ (main/video/publish), as the index holds it. */
export interface PublishedRow {
  recordingId: number;
  /** CID of the envelope sealed to HQ's key (a UnixFS file), what HQ fetches. */
  cid: string;
  publishedAtMs: number;
  /** When retention's deletion unpinned it from this store's blockstore; null while pinned. */
  unpinnedAtMs: number | null;
}

/** A camera as stored (the password only sealed). */
export interface CameraRow {
  id: string;
  name: string;
  xaddr: string;
  username: string;
  passwordSealed: string;
  /** The main stream: the profile recorded, with its own size and rate. */
  stream: StreamProfile;
  /** The camera's smallest other profile (for a live view or a first detection pass); null when it has one. */
  subStream: StreamProfile | null;
  /** The owner's caps on what this camera records. */
  limits: CaptureLimits;
  info: Record<string, string>;
  masks: PrivacyMask[];
  anonymize: AnonymizeOptions;
  recording: boolean;
  createdAtMs: number;
}

/** One recorded segment in the index. */
export interface RecordingRow {
  id: number;
  cameraId: string;
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  frames: number;
  sha256: string;
  cid: string;
  anchor: { height: number; tx: string; timeMs: number } | null;
  deletedAtMs: number | null;
  /** The CID of its copy sealed to HQ's key, once published (main/video/publish); null before. */
  publishedCid: string | null;
}

/** A recorded consent to stream a camera during a window. */
export interface ConsentRow {
  id: number;
  cameraId: string;
  grantedBy: string;
  scope: string;
  startsMs: number;
  endsMs: number;
  note: string;
  createdAtMs: number;
  revokedAtMs: number | null;
}

/** A saved place to stream to: a platform preset's (or the owner's own) server and the sealed stream key. */
export interface StreamTargetRow {
  id: number;
  name: string;
  /** A preset of main/video/stream/presets.ts ('twitch', 'youtube', 'custom'). */
  preset: string;
  /** The ingest URL without the key (`rtmps://live.twitch.tv:443/app`). */
  serverUrl: string;
  /** The stream key, sealed by the node's SecretBox. */
  keySealed: string;
  createdAtMs: number;
}

type Raw = Record<string, unknown>;
const n = (v: unknown): number => Number(v);
const s = (v: unknown): string => String(v);

function toRecording(r: Raw): RecordingRow {
  return {
    id: n(r['id']),
    cameraId: s(r['camera_id']),
    path: s(r['path']),
    startMs: n(r['start_ms']),
    endMs: n(r['end_ms']),
    bytes: n(r['bytes']),
    frames: n(r['frames']),
    sha256: s(r['sha256']),
    cid: s(r['cid']),
    anchor:
      r['anchor_height'] === null
        ? null
        : { height: n(r['anchor_height']), tx: s(r['anchor_tx']), timeMs: n(r['anchor_time_ms']) },
    deletedAtMs: r['deleted_at_ms'] === null ? null : n(r['deleted_at_ms']),
    publishedCid: r['published_cid'] == null ? null : s(r['published_cid']),
  };
}

function toPublished(r: Raw): PublishedRow {
  return {
    recordingId: n(r['id']),
    cid: s(r['published_cid']),
    publishedAtMs: n(r['published_at_ms']),
    unpinnedAtMs: r['unpinned_at_ms'] === null ? null : n(r['unpinned_at_ms']),
  };
}

const nullableInt = (v: unknown): number | null => (v === null || v === undefined ? null : n(v));

function toCamera(r: Raw): CameraRow {
  return {
    id: s(r['id']),
    name: s(r['name']),
    xaddr: s(r['xaddr']),
    username: s(r['username']),
    passwordSealed: s(r['password_sealed']),
    stream: {
      token: s(r['profile_token']),
      name: s(r['profile_name']),
      width: n(r['source_width']),
      height: n(r['source_height']),
      fps: n(r['source_fps']),
      rtspUri: s(r['rtsp_uri']),
    },
    subStream: r['sub_stream_json'] === null ? null : (JSON.parse(s(r['sub_stream_json'])) as StreamProfile),
    limits: { maxWidth: nullableInt(r['max_width']), maxFps: nullableInt(r['max_fps']) },
    info: JSON.parse(s(r['info_json'])) as Record<string, string>,
    masks: JSON.parse(s(r['masks_json'])) as PrivacyMask[],
    anonymize: JSON.parse(s(r['anonymize_json'])) as AnonymizeOptions,
    recording: n(r['recording']) === 1,
    createdAtMs: n(r['created_at_ms']),
  };
}

function toConsent(r: Raw): ConsentRow {
  return {
    id: n(r['id']),
    cameraId: s(r['camera_id']),
    grantedBy: s(r['granted_by']),
    scope: s(r['scope']),
    startsMs: n(r['starts_ms']),
    endsMs: n(r['ends_ms']),
    note: s(r['note']),
    createdAtMs: n(r['created_at_ms']),
    revokedAtMs: r['revoked_at_ms'] === null ? null : n(r['revoked_at_ms']),
  };
}

function toStreamTarget(r: Raw): StreamTargetRow {
  return {
    id: n(r['id']),
    name: s(r['name']),
    preset: s(r['preset']),
    serverUrl: s(r['server_url']),
    keySealed: s(r['key_sealed']),
    createdAtMs: n(r['created_at_ms']),
  };
}

/**
 * The video module's data access on node.db (opened by main/store with {@link VIDEO_MIGRATIONS}).
 * Synchronous better-sqlite3 calls: each is a single indexed statement.
 */
export class VideoDb {
  constructor(private readonly db: Db) {}

  // ---- cameras
  /** Inserts or replaces a camera. */
  putCamera(c: CameraRow): void {
    this.db
      .prepare(
        `INSERT INTO video_cameras (id, name, xaddr, username, password_sealed, rtsp_uri, profile_token, profile_name, source_width, source_height, source_fps,
           sub_stream_json, max_width, max_fps, info_json, masks_json, anonymize_json, recording, created_at_ms)
         VALUES (@id, @name, @xaddr, @username, @passwordSealed, @rtspUri, @profileToken, @profileName, @width, @height, @fps,
           @subStream, @maxWidth, @maxFps, @info, @masks, @anonymize, @recording, @createdAtMs)
         ON CONFLICT(id) DO UPDATE SET name=excluded.name, xaddr=excluded.xaddr, username=excluded.username, password_sealed=excluded.password_sealed,
           rtsp_uri=excluded.rtsp_uri, profile_token=excluded.profile_token, profile_name=excluded.profile_name, source_width=excluded.source_width,
           source_height=excluded.source_height, source_fps=excluded.source_fps, sub_stream_json=excluded.sub_stream_json, max_width=excluded.max_width,
           max_fps=excluded.max_fps, info_json=excluded.info_json, masks_json=excluded.masks_json, anonymize_json=excluded.anonymize_json, recording=excluded.recording`,
      )
      .run({
        id: c.id,
        name: c.name,
        xaddr: c.xaddr,
        username: c.username,
        passwordSealed: c.passwordSealed,
        rtspUri: c.stream.rtspUri,
        profileToken: c.stream.token,
        profileName: c.stream.name,
        width: c.stream.width,
        height: c.stream.height,
        fps: c.stream.fps,
        subStream: c.subStream ? JSON.stringify(c.subStream) : null,
        maxWidth: c.limits.maxWidth,
        maxFps: c.limits.maxFps,
        info: JSON.stringify(c.info),
        masks: JSON.stringify(c.masks),
        anonymize: JSON.stringify(c.anonymize),
        recording: c.recording ? 1 : 0,
        createdAtMs: c.createdAtMs,
      });
  }

  cameras(): CameraRow[] {
    return (this.db.prepare('SELECT * FROM video_cameras ORDER BY created_at_ms').all() as Raw[]).map(
      toCamera,
    );
  }

  camera(id: string): CameraRow | undefined {
    return this.cameras().find((c) => c.id === id);
  }

  removeCamera(id: string): boolean {
    return this.db.prepare('DELETE FROM video_cameras WHERE id = ?').run(id).changes > 0;
  }

  setMasks(id: string, masks: PrivacyMask[]): void {
    this.db.prepare('UPDATE video_cameras SET masks_json = ? WHERE id = ?').run(JSON.stringify(masks), id);
  }

  // ---- recordings
  /** Adds a closed segment to the index. */
  addRecording(r: Omit<RecordingRow, 'id' | 'anchor' | 'deletedAtMs' | 'publishedCid'>): number {
    const info = this.db
      .prepare(
        'INSERT INTO video_recordings (camera_id, path, start_ms, end_ms, bytes, frames, sha256, cid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(r.cameraId, r.path, r.startMs, r.endMs, r.bytes, r.frames, r.sha256, r.cid);
    return Number(info.lastInsertRowid);
  }

  /** Recordings not deleted, newest first. */
  recordings(opts: { cameraId?: string; limit: number; beforeMs?: number }): RecordingRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM video_recordings WHERE deleted_at_ms IS NULL AND (@cameraId IS NULL OR camera_id = @cameraId) AND (@beforeMs IS NULL OR start_ms < @beforeMs)
         ORDER BY start_ms DESC LIMIT @limit`,
      )
      .all({ cameraId: opts.cameraId ?? null, beforeMs: opts.beforeMs ?? null, limit: opts.limit }) as Raw[];
    return rows.map(toRecording);
  }

  recording(id: number): RecordingRow | undefined {
    const r = this.db.prepare('SELECT * FROM video_recordings WHERE id = ?').get(id) as Raw | undefined;
    return r ? toRecording(r) : undefined;
  }

  /** Every index entry (deleted or not) with this SHA-256: the anchors a file can be matched against. */
  recordingsBySha256(sha256Hex: string): RecordingRow[] {
    return (
      this.db.prepare('SELECT * FROM video_recordings WHERE sha256 = ? ORDER BY id').all(sha256Hex) as Raw[]
    ).map(toRecording);
  }

  /** Closed segments waiting to be anchored, oldest first. */
  unanchored(limit: number): RecordingRow[] {
    return (
      this.db
        .prepare('SELECT * FROM video_recordings WHERE anchor_height IS NULL ORDER BY id LIMIT ?')
        .all(limit) as Raw[]
    ).map(toRecording);
  }

  /** Records where a batch of segments was anchored. */
  markAnchored(ids: number[], anchor: { height: number; tx: string; timeMs: number }): void {
    const stmt = this.db.prepare(
      'UPDATE video_recordings SET anchor_height = ?, anchor_tx = ?, anchor_time_ms = ? WHERE id = ?',
    );
    this.db.transaction(() => {
      for (const id of ids) stmt.run(anchor.height, anchor.tx, anchor.timeMs, id);
    })();
  }

  /** Oldest live recordings first (retention). */
  oldestRecordings(limit: number): RecordingRow[] {
    return (
      this.db
        .prepare('SELECT * FROM video_recordings WHERE deleted_at_ms IS NULL ORDER BY start_ms LIMIT ?')
        .all(limit) as Raw[]
    ).map(toRecording);
  }

  // ---- publishing to HQ (main/video/publish)
  /** Live segments not published yet, oldest first, with how often publishing each has failed. */
  unpublished(limit: number): Array<RecordingRow & { publishAttempts: number }> {
    return (
      this.db
        .prepare(
          'SELECT * FROM video_recordings WHERE published_cid IS NULL AND deleted_at_ms IS NULL ORDER BY id LIMIT ?',
        )
        .all(limit) as Raw[]
    ).map((r) => ({ ...toRecording(r), publishAttempts: n(r['publish_attempts']) }));
  }

  /** Records the CID a segment's envelope was published under. */
  markPublished(id: number, cid: string, atMs: number): void {
    this.db
      .prepare(
        'UPDATE video_recordings SET published_cid = ?, published_at_ms = ?, publish_error = NULL WHERE id = ?',
      )
      .run(cid, atMs, id);
  }

  /** Counts a failed attempt to publish a segment, and why. */
  markPublishFailed(id: number, error: string): void {
    this.db
      .prepare(
        'UPDATE video_recordings SET publish_attempts = publish_attempts + 1, publish_error = ? WHERE id = ?',
      )
      .run(error, id);
  }

  /** Where a recording's encrypted copy was published, if it was. */
  published(id: number): PublishedRow | undefined {
    const r = this.db
      .prepare(
        'SELECT id, published_cid, published_at_ms, unpinned_at_ms FROM video_recordings WHERE id = ? AND published_cid IS NOT NULL',
      )
      .get(id) as Raw | undefined;
    return r ? toPublished(r) : undefined;
  }

  /** Published copies of segments retention deleted, still pinned: to unpin. */
  deletedStillPinned(limit: number): PublishedRow[] {
    return (
      this.db
        .prepare(
          'SELECT id, published_cid, published_at_ms, unpinned_at_ms FROM video_recordings WHERE published_cid IS NOT NULL AND unpinned_at_ms IS NULL AND deleted_at_ms IS NOT NULL ORDER BY id LIMIT ?',
        )
        .all(limit) as Raw[]
    ).map(toPublished);
  }

  /** Records that a deleted segment's copy left the blockstore's pins. */
  markUnpinned(id: number, atMs: number): void {
    this.db.prepare('UPDATE video_recordings SET unpinned_at_ms = ? WHERE id = ?').run(atMs, id);
  }

  /** Marks a segment deleted (its index row and anchor stay, so a copy can still be verified). */
  markDeleted(id: number, atMs: number): void {
    this.db.prepare('UPDATE video_recordings SET deleted_at_ms = ? WHERE id = ?').run(atMs, id);
  }

  // ---- consents
  addConsent(c: Omit<ConsentRow, 'id' | 'revokedAtMs'>): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO video_consents (camera_id, granted_by, scope, starts_ms, ends_ms, note, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(c.cameraId, c.grantedBy, c.scope, c.startsMs, c.endsMs, c.note, c.createdAtMs).lastInsertRowid,
    );
  }

  consents(cameraId?: string): ConsentRow[] {
    return (
      this.db
        .prepare('SELECT * FROM video_consents WHERE (@c IS NULL OR camera_id = @c) ORDER BY starts_ms DESC')
        .all({ c: cameraId ?? null }) as Raw[]
    ).map(toConsent);
  }

  revokeConsent(id: number, atMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE video_consents SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL')
        .run(atMs, id).changes > 0
    );
  }

  /** The unrevoked consent for `cameraId` whose window contains `atMs` and ends last, if any. */
  consentCovering(cameraId: string, atMs: number): ConsentRow | undefined {
    const r = this.db
      .prepare(
        'SELECT * FROM video_consents WHERE camera_id = ? AND revoked_at_ms IS NULL AND starts_ms <= ? AND ends_ms > ? ORDER BY ends_ms DESC LIMIT 1',
      )
      .get(cameraId, atMs, atMs) as Raw | undefined;
    return r ? toConsent(r) : undefined;
  }

  /** A consent by id. */
  consent(id: number): ConsentRow | undefined {
    const r = this.db.prepare('SELECT * FROM video_consents WHERE id = ?').get(id) as Raw | undefined;
    return r ? toConsent(r) : undefined;
  }

  // ---- stream targets
  addStreamTarget(t: Omit<StreamTargetRow, 'id'>): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO video_stream_targets (name, preset, server_url, key_sealed, created_at_ms) VALUES (?, ?, ?, ?, ?)',
        )
        .run(t.name, t.preset, t.serverUrl, t.keySealed, t.createdAtMs).lastInsertRowid,
    );
  }

  streamTargets(): StreamTargetRow[] {
    return (this.db.prepare('SELECT * FROM video_stream_targets ORDER BY id').all() as Raw[]).map(
      toStreamTarget,
    );
  }

  streamTarget(id: number): StreamTargetRow | undefined {
    const r = this.db.prepare('SELECT * FROM video_stream_targets WHERE id = ?').get(id) as Raw | undefined;
    return r ? toStreamTarget(r) : undefined;
  }

  /** Deletes a stream target; false when there was none. */
  deleteStreamTarget(id: number): boolean {
    return this.db.prepare('DELETE FROM video_stream_targets WHERE id = ?').run(id).changes > 0;
  }
}
