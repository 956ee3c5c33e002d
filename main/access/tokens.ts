import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  type JWK,
  type JWTPayload,
  SignJWT,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
} from 'jose';
import type { Db } from '../store/db';

/** How long a bearer token lives. */
export const TOKEN_TTL_S = 600;
const ISSUER = 'hotpot-node';
const AUDIENCE = 'hotpot-api';
/** How many verified tokens are kept (the oldest goes first): far more than a store's live clients. */
const VERIFIED_MAX = 10_000;

/** What a token stands for: a person's session, or an API key. */
export type TokenSubject = { kind: 'session'; sessionId: string } | { kind: 'key'; keyId: string };

/**
 * Short-lived bearer tokens (JWT, ES256, jose): signed with this node's own key, made at first
 * start and kept in node.db (`access_signing_keys`). A token names its session or key, which is
 * looked up on every use, so ending the session or revoking the key ends its tokens at once.
 */
export class TokenIssuer {
  private key: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey } | undefined;
  /** Tokens verified already, oldest first, with when each expires. */
  private readonly verified = new Map<string, { subject: TokenSubject; expMs: number }>();

  constructor(
    private readonly db: () => Db,
    private readonly now: () => number,
  ) {}

  /** Loads the signing key, making it the first time. */
  async start(): Promise<void> {
    const row = this.db()
      .prepare('SELECT kid, private_jwk FROM access_signing_keys ORDER BY created_at_ms DESC LIMIT 1')
      .get() as { kid: string; private_jwk: string } | undefined;
    if (row) {
      const jwk = JSON.parse(row.private_jwk) as JWK;
      const { d: _d, ...pub } = jwk;
      this.key = {
        kid: row.kid,
        privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
        publicKey: (await importJWK(pub, 'ES256')) as CryptoKey,
      };
      return;
    }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    this.db()
      .prepare('INSERT INTO access_signing_keys (kid, private_jwk, created_at_ms) VALUES (?, ?, ?)')
      .run(kid, JSON.stringify(await exportJWK(privateKey)), this.now());
    this.key = { kid, privateKey, publicKey };
  }

  async issue(subject: TokenSubject): Promise<string> {
    const key = this.started();
    const nowS = Math.floor(this.now() / 1000);
    return new SignJWT({ kind: subject.kind })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setSubject(subject.kind === 'session' ? subject.sessionId : subject.keyId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + TOKEN_TTL_S)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  /** What a token stands for; undefined when it is forged, expired, or not one of ours. */
  async verify(token: string): Promise<TokenSubject | undefined> {
    const key = this.started();
    const nowMs = this.now();
    const known = this.verified.get(token);
    if (known) {
      if (known.expMs > nowMs) return known.subject;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256'],
        currentDate: new Date(nowMs),
      });
      const subject = subjectOf(payload);
      if (subject && payload.exp !== undefined) this.remember(token, subject, payload.exp * 1000);
      return subject;
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps a verified token until it expires, so a client that calls many times pays for one ES256
   * verification, not one per request. Keyed by the whole token: only that exact string, signed by
   * us, finds it. The caller still looks up the session or key each time (revocation is immediate).
   */
  private remember(token: string, subject: TokenSubject, expMs: number): void {
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { subject, expMs });
  }

  private started() {
    if (!this.key) throw new Error('TokenIssuer used before start');
    return this.key;
  }
}

/** What a verified token's claims stand for, or undefined when they name nothing we issue. */
function subjectOf(payload: JWTPayload): TokenSubject | undefined {
  if (!payload.sub) return undefined;
  if (payload['kind'] === 'session') return { kind: 'session', sessionId: payload.sub };
  if (payload['kind'] === 'key') return { kind: 'key', keyId: payload.sub };
  return undefined;
}
