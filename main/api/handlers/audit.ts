/** The `audit.*` handlers: what is in the audit log, and was it edited since it was written? */
import type { Handlers } from '../../contract';
import type { auditMethods } from '../../contract/audit';
import type { AuditHeadAnchorer } from '../../access/audit-anchoring';
import type { AuditLog } from '../../access/audit-log';
import { verifyAuditLog } from '../../access/audit-verify';

/** What the audit handlers use: the log, and the ledger node for the head anchored on the chain. */
export interface AuditHandlersDeps {
  audit: AuditLog;
  anchorer?: Pick<AuditHeadAnchorer, 'latestAuditAnchor'>;
}

/**
 * Handlers of `audit.*`: the log's entries, filtered; and a walk of its hash chain, held to the newest
 * head anchored on the chain when the node can say (not while it starts, nor without a franchise).
 */
export function auditHandlers({ audit, anchorer }: AuditHandlersDeps): Handlers<typeof auditMethods> {
  return {
    'audit.list': async (filter) => audit.list(filter),
    'audit.verify': async () => {
      const anchored = await anchorer?.latestAuditAnchor().catch(() => null);
      return verifyAuditLog(audit, anchored ?? undefined);
    },
  };
}
