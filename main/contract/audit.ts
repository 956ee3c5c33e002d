/** The audit log of privileged acts: read it, filter it, and check that nobody edited it. */
import { z } from 'zod';
import { PEOPLE, allow } from './access';
import { type EventRights, type EventTable, type MethodTable, method } from './define';

export const AuditEntry = z.object({
  seq: z.number().int(),
  atMs: z.number(),
  actor: z.string(),
  action: z.string(),
  resource: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  success: z.boolean(),
  details: z.record(z.string(), z.unknown()),
  /** The previous entry's hash (64 zeros before the first). */
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditFilter = z
  .object({
    actor: z.string().max(64).optional(),
    /** An action or its prefix (`wallet.`). */
    action: z.string().max(64).optional(),
    fromMs: z.number().optional(),
    toMs: z.number().optional(),
    failedOnly: z.boolean().optional(),
    /** Page back: entries older than this sequence number. */
    before: z.number().int().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type AuditFilter = z.output<typeof AuditFilter>;

export const AuditProblem = z.object({
  /**
   * `truncated`: the log ends below the head anchored on the chain; `rewritten`: the entry at the
   * anchored number no longer has the anchored hash (the log was re-chained from some entry on).
   */
  kind: z.enum(['changed', 'deleted', 'reordered', 'truncated', 'rewritten']),
  seq: z.number().int(),
  message: z.string(),
});
export type AuditProblem = z.infer<typeof AuditProblem>;

export const AuditVerdict = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  problem: AuditProblem.nullable(),
});
export type AuditVerdict = z.infer<typeof AuditVerdict>;

export const auditMethods = {
  'audit.list': method(AuditFilter, z.array(AuditEntry), allow(PEOPLE.overseers)),
  'audit.verify': method(z.object({}).strict(), AuditVerdict, allow(PEOPLE.overseers)),
} satisfies MethodTable;

export const auditEvents = {} satisfies EventTable;

/** Who receives each of the audit events. */
export const auditEventRights = {} satisfies EventRights<typeof auditEvents>;
