import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Scope } from '../contract/access';
import type { ApiKeyView } from '../contract/keys';
import { type Db, prepared } from '../store/db';

interface Row {
  id: string;
  name: string;
  scopes_json: string;
  secret_hash: string;
  created_at_ms: number;
  created_by: string;
  revoked_at_ms: number | null;
  last_used_at_ms: number | null;
}

/** Secrets look like `hps_<id>_<43 random base64url chars>`: the id finds the row, the rest is checked. */
const SECRET = /^hps_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;
/** A use is written back at most this often. */
const TOUCH_EVERY_MS = 60_000;

function viewOf(r: Row): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes_json) as Scope[],
    createdAtMs: r.created_at_ms,
    createdBy: r.created_by,
    revokedAtMs: r.revoked_at_ms,
    lastUsedAtMs: r.last_used_at_ms,
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * API keys (`access_api_keys` in node.db). A key's secret has 256 random bits, so its SHA-256 is all
 * that is stored (a slow hash buys nothing against a secret nobody chose); it is shown once, when made.
 */
export class ApiKeyStore {
  /**
   * Live keys already looked up, by id: what a bearer token made from a key needs on every request.
   * Keys change only through this store, in this process (the data dir's lock keeps a second node
   * out), so `revoke` dropping the entry makes a revocation count from the very next request.
   */
  private readonly live = new Map<string, ApiKeyView>();
  /**
   * Keys whose secret was checked against the stored hash, by id: a till's every request presents
   * its secret, and the lookup, row and JSON of each were a tenth of the event loop's time at 1,000
   * sales/s. The secret's SHA-256 is still compared on every request; `revoke` drops the entry.
   */
  private readonly verified = new Map<string, { hash: Buffer; view: ApiKeyView }>();

  constructor(private readonly db: () => Db) {}

  create(k: { name: string; scopes: readonly Scope[]; createdBy: string; nowMs: number }): {
    key: ApiKeyView;
    secret: string;
  } {
    const id = randomUUID();
    const secret = `hps_${id}_${randomBytes(32).toString('base64url')}`;
    this.db()
      .prepare(
        `INSERT INTO access_api_keys (id, name, scopes_json, secret_hash, created_at_ms, created_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, k.name, JSON.stringify(k.scopes), sha256(secret).toString('hex'), k.nowMs, k.createdBy);
    return { key: this.byId(id)!, secret };
  }

  byId(id: string): ApiKeyView | undefined {
    const r = prepared(this.db(), 'SELECT * FROM access_api_keys WHERE id = ?').get(id) as Row | undefined;
    return r && viewOf(r);
  }

  /** The key with this id if it is live (not revoked), else undefined; for checking a token on each request. */
  liveById(id: string): ApiKeyView | undefined {
    const known = this.live.get(id);
    if (known) return known;
    const key = this.byId(id);
    if (!key || key.revokedAtMs !== null) return undefined;
    this.live.set(id, key);
    return key;
  }

  list(): ApiKeyView[] {
    return (this.db().prepare('SELECT * FROM access_api_keys ORDER BY created_at_ms').all() as Row[]).map(
      viewOf,
    );
  }

  /** The live key `secret` is, noted as used now; undefined when malformed, unknown or revoked. */
  resolve(secret: string, nowMs: number): ApiKeyView | undefined {
    const m = SECRET.exec(secret);
    if (!m) return undefined;
    const id = m[1] as string;
    const hash = sha256(secret);
    let known = this.verified.get(id);
    if (!known || !timingSafeEqual(hash, known.hash)) {
      const r = prepared(this.db(), 'SELECT * FROM access_api_keys WHERE id = ?').get(id) as Row | undefined;
      if (!r || r.revoked_at_ms !== null) return undefined;
      const stored = Buffer.from(r.secret_hash, 'hex');
      if (!timingSafeEqual(hash, stored)) return undefined;
      known = { hash: stored, view: viewOf(r) };
      this.verified.set(id, known);
    }
    const last = known.view.lastUsedAtMs;
    if (last === null || nowMs - last > TOUCH_EVERY_MS) {
      prepared(this.db(), 'UPDATE access_api_keys SET last_used_at_ms = ? WHERE id = ?').run(nowMs, id);
      known.view = { ...known.view, lastUsedAtMs: nowMs };
    }
    return known.view;
  }

  revoke(id: string, nowMs: number): void {
    this.live.delete(id);
    this.verified.delete(id);
    this.db()
      .prepare('UPDATE access_api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL')
      .run(nowMs, id);
  }
}
