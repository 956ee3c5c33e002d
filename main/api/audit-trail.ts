import type { CallContext } from '../contract';
import type { SerializedError } from '../common/errors';
import type { AuditRecord } from '../access/audit-log';

/** Where the router sends privileged acts, as the audit log records them (it numbers, times and chains them). */
export type AuditSink = (call: AuditRecord) => void;

/** Input keys whose values never reach the audit log. */
const SECRET = /password|passphrase|mnemonic|phrase|privatekey|keystore|secret|token|apikey|streamkey/i;
/** Input keys holding a URL: only its scheme and host are recorded (an RTMP ingest URL ends with its stream key). */
const URLS = /^url$/i;
/** Input keys holding files: only their size is recorded (a sales CSV holds loyalty card numbers). */
const FILES = /^csv$/;
/** Input keys that name what an act was about, in order of preference. */
const RESOURCE_KEYS = ['id', 'cameraId', 'username', 'to', 'address', 'multiaddr', 'previewId', 'name'];

/** The record of a call to a privileged method: who, what, which resource, from where, and how it ended. */
export function auditedCall(
  method: string,
  input: unknown,
  ctx: CallContext,
  outcome: { ok: true } | { ok: false; error: SerializedError },
): AuditRecord {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const resource = RESOURCE_KEYS.map((k) => fields[k]).find((v) => typeof v === 'string' && v !== '');
  return {
    actor: actorOf(ctx, fields),
    action: method,
    resource: typeof resource === 'string' ? resource.slice(0, 200) : '',
    ip: ctx.client?.ip ?? ctx.via,
    userAgent: (ctx.client?.userAgent ?? '').slice(0, 300),
    success: outcome.ok,
    details: {
      via: ctx.via,
      input: withoutSecrets(fields),
      ...(outcome.ok ? {} : { error: outcome.error.code }),
    },
  };
}

function actorOf(ctx: CallContext, fields: Record<string, unknown>): string {
  const p = ctx.principal;
  switch (p.kind) {
    case 'user':
      return p.username;
    case 'key':
      return `key:${p.name}`;
    case 'system':
      return 'system';
    case 'anonymous':
      // Signing in: the name that was tried (the act is about it, whether or not it exists).
      return typeof fields['username'] === 'string' ? fields['username'].slice(0, 64) : 'anonymous';
  }
}

/** A copy of `value` with every secret replaced and long strings cut, at most 4 levels deep. */
function withoutSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (typeof value !== 'object' || value === null || depth > 3) return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => withoutSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET.test(k)
        ? '[secret]'
        : FILES.test(k) && typeof v === 'string'
          ? `[${v.length} characters]`
          : URLS.test(k) && typeof v === 'string'
            ? originOf(v)
            : withoutSecrets(v, depth + 1),
    ]),
  );
}

/** `scheme://host/…` of a URL (its path, query and credentials left out), or a placeholder. */
function originOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#@]*@)?([^/?#]*)/i.exec(url);
  return m ? `${m[1]}${m[2]}/…` : '[not a URL]';
}
