/**
 * `pos key`: an API key for tills (scope `pos:write`) made straight in a data dir's node.db, for
 * whoever runs the node on this machine (as `users add` does for people). Works whether or not the
 * node is running: keys are looked up in the database, and a new one disturbs no cached key. The
 * act is written to the audit log, as `keys.create` through the API is.
 */
import { ApiKeyStore } from '../access/api-keys';
import { AuditLog } from '../access/audit-log';
import { nodeDatabase } from '../app/app-components';
import type { Scope } from '../contract/access';

/** What a till's key may do: post sales and refunds, and list them. */
const POS_SCOPES: readonly Scope[] = ['pos:write'];

/** A new `pos:write` key named `name` in `dataDir`'s node.db: its id, and its secret (shown once). */
export async function makePosKey(dataDir: string, name: string): Promise<{ id: string; secret: string }> {
  const db = nodeDatabase(dataDir);
  await db.start();
  try {
    const { key, secret } = new ApiKeyStore(() => db.get()).create({
      name,
      scopes: POS_SCOPES,
      createdBy: 'system',
      nowMs: Date.now(),
    });
    new AuditLog(() => db.get(), Date.now).append({
      actor: 'system',
      action: 'keys.create',
      resource: name,
      ip: 'cli',
      userAgent: 'bin/hotpot pos key',
      success: true,
      details: { via: 'cli', input: { name, scopes: POS_SCOPES } },
    });
    return { id: key.id, secret };
  } finally {
    await db.stop();
  }
}
