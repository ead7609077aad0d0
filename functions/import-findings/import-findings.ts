import * as z from 'zod/mini';
import {
  asffFindingOf,
  type FindingsHome,
  importFinding,
  type SecurityHubPort,
} from '../../shared/audit-findings.js';
import {
  AUDIT_EVENT_DETAIL_TYPE,
  AUDIT_EVENT_SOURCE,
  type AuditEventDetail,
} from '../../shared/audit-publish.js';
import { Outcome } from '../../shared/audit-record.js';
import { EventRejectedError } from '../../shared/errors.js';
import { firstIssue } from '../../shared/zod.js';

const ACCOUNT = /^\d{12}$/;
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** The published detail (shared/audit-publish.ts `auditEventDetail`), what the finding is built from. */
const DetailSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'must be a record id')),
  time: z.iso.datetime(),
  kind: z.enum(['remediation', 'rollback']),
  outcome: z.enum(Object.values(Outcome) as [Outcome, ...Outcome[]]),
  remediation: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'must be a remediation id')),
  rule: z.optional(text(256)),
  account: z.optional(z.string().check(z.regex(ACCOUNT, 'must be an account id'))),
  region: z.optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region'))),
  resource: z.object({ type: z.optional(text(256)), id: z.optional(text(1024)) }),
  mode: z.enum(['enforce', 'dry-run', 'plan']),
  trigger: z.string(),
  reason: z.string(),
  digest: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest')),
});

const EventSchema = z.object({
  source: z.literal(AUDIT_EVENT_SOURCE),
  'detail-type': z.literal(AUDIT_EVENT_DETAIL_TYPE),
  account: z.string().check(z.regex(ACCOUNT, 'must be an account id')),
  detail: DetailSchema,
});

/** What one invocation did: the finding imported, or why none was. */
export type ImportReport =
  | { readonly imported: string; readonly record: string }
  | { readonly skipped: string; readonly record: string };

export interface ImportPorts {
  readonly hub: SecurityHubPort;
  readonly home: FindingsHome;
  readonly partition?: string;
}

/**
 * The published record an event carries, checked: an airlock audit event, published in this account
 * (EventBridge sets `account` to the publisher's: the bus admits airlock's roles only), with the
 * fields the finding needs. Anything else is refused with the first problem, before any call.
 */
export function parseAuditEvent(event: unknown, home: FindingsHome): AuditEventDetail {
  const parsed = EventSchema.safeParse(event);
  if (!parsed.success) {
    throw new EventRejectedError(`not an airlock audit event: ${firstIssue(parsed.error)}`);
  }
  if (parsed.data.account !== home.account) {
    throw new EventRejectedError(
      `audit event published by account ${parsed.data.account}, not ${home.account}: refused`,
    );
  }
  return parsed.data.detail as AuditEventDetail;
}

/**
 * Imports the finding of one published record: APPLIED -> RESOLVED/PASSED, FAILED -> NEW/FAILED,
 * under the finding id of the record (the same record again updates it). Other outcomes and rollbacks
 * (the rule does not send them) are skipped. A finding Security Hub refuses fails the invocation.
 *
 * @example
 * ```ts
 * await importAuditFinding(event, { hub, home: { account: '111122223333', region: 'eu-west-2' } });
 * ```
 */
export async function importAuditFinding(event: unknown, ports: ImportPorts): Promise<ImportReport> {
  const detail = parseAuditEvent(event, ports.home);
  const finding = asffFindingOf(detail, ports.home, ports.partition);
  if (!finding) return { skipped: `${detail.kind} ${detail.outcome}`, record: detail.id };
  await importFinding(ports.hub, finding);
  return { imported: finding.Id!, record: detail.id };
}
