import type { Handlers } from '../../contract';
import type { auditMethods } from '../../contract/audit';
import type { AuditLog } from '../../access/audit-log';
import { verifyAuditLog } from '../../access/audit-verify';

/** What the audit handlers use: the log. */
export interface AuditHandlersDeps {
  audit: AuditLog;
}

/** Handlers of `audit.*`: the log's entries, filtered; and a walk of its hash chain. */
export function auditHandlers({ audit }: AuditHandlersDeps): Handlers<typeof auditMethods> {
  return {
    'audit.list': async (filter) => audit.list(filter),
    'audit.verify': async () => verifyAuditLog(audit),
  };
}
