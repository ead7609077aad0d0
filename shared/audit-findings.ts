import type { AwsSecurityFinding, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type AuditEventDetail, auditEventDetail } from './audit-publish.js';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sinks.js';
import { AuditWriteError } from './errors.js';

// Security Hub findings from audit records, in a module of its own: the remediation functions do not
// import it (the Security Hub client would not fit their byte budgets); the import-findings function,
// subscribed to the published records, does.

export type SecurityHubPort = Pick<SecurityHubClient, 'send'>;

/** Where findings are imported: the account that calls BatchImportFindings, and its region. */
export interface FindingsHome {
  readonly account: string;
  readonly region: string;
}

const ASFF_TYPES = new Set([
  'AwsEc2SecurityGroup',
  'AwsS3Bucket',
  'AwsEksCluster',
  'AwsEc2RouteTable',
  'AwsEc2Subnet',
]);

/** `AWS::EC2::SecurityGroup` -> `AwsEc2SecurityGroup`; a type ASFF has no name for is `Other`. */
export function asffResourceType(type: string | undefined): string {
  const parts = (type ?? '').split('::');
  if (parts.length !== 3) return 'Other';
  const name = parts
    .map((p, i) => (i < 2 ? p.charAt(0).toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('');
  return ASFF_TYPES.has(name) ? name : 'Other';
}

/**
 * The product ARN of the account's own findings (`product/<account>/default`): the only one an
 * account may import findings under without a partner integration.
 *
 * @example
 * ```ts
 * defaultProductArn({ account: '111122223333', region: 'eu-west-2' });
 * // 'arn:aws:securityhub:eu-west-2:111122223333:product/111122223333/default'
 * ```
 */
export function defaultProductArn(home: FindingsHome, partition = 'aws'): string {
  return `arn:${partition}:securityhub:${home.region}:${home.account}:product/${home.account}/default`;
}

/** The finding's id of a record: one per record, so importing it again updates it. */
export const findingId = (recordId: string): string => `airlock/${recordId}`;

/**
 * The ASFF finding of a published APPLIED or FAILED remediation: compliance PASSED and workflow
 * RESOLVED when it was fixed, FAILED and NEW (severity HIGH) when it could not be. Imported in the home
 * account under its default product: `AwsAccountId` must be the importing account (Security Hub
 * refuses any other with the default product), so the record's own account is a product field.
 * Undefined for any other outcome and for rollbacks. A record gives the same finding every time.
 *
 * @example
 * ```ts
 * asffFindingOf(auditEventDetail(record), { account: '111122223333', region: 'eu-west-2' });
 * ```
 */
export function asffFindingOf(
  detail: AuditEventDetail,
  home: FindingsHome,
  partition = 'aws',
): AwsSecurityFinding | undefined {
  if (detail.kind !== 'remediation' || (detail.outcome !== 'APPLIED' && detail.outcome !== 'FAILED'))
    return undefined;
  const fixed = detail.outcome === 'APPLIED';
  const resource = detail.resource?.id ?? 'unknown';
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId(detail.id),
    ProductArn: defaultProductArn(home, partition),
    GeneratorId: `airlock/${detail.remediation}`,
    AwsAccountId: home.account,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: detail.time,
    UpdatedAt: detail.time,
    Severity: { Label: fixed ? 'INFORMATIONAL' : 'HIGH' },
    Title: `airlock ${detail.remediation} ${detail.outcome} on ${resource}`.slice(0, 256),
    Description: detail.reason.slice(0, 1024) || detail.outcome,
    Resources: [
      {
        Type: asffResourceType(detail.resource?.type),
        Id: resource,
        ...(detail.region ? { Region: detail.region } : {}),
      },
    ],
    Compliance: { Status: fixed ? 'PASSED' : 'FAILED' },
    Workflow: { Status: fixed ? 'RESOLVED' : 'NEW' },
    RecordState: 'ACTIVE',
    ProductFields: {
      'airlock/recordId': detail.id,
      'airlock/digest': detail.digest,
      ...(detail.rule ? { 'airlock/rule': detail.rule } : {}),
      ...(detail.account ? { 'airlock/account': detail.account } : {}),
    },
  };
}

/** {@link asffFindingOf} of a record (what its published event carries). */
export function asffFinding(record: AuditRecord, home: FindingsHome): AwsSecurityFinding | undefined {
  return asffFindingOf(auditEventDetail(record), home);
}

/**
 * Imports one finding; a finding Security Hub refuses (`FailedCount`, answered with HTTP 200) throws,
 * so the invocation fails and is retried.
 *
 * @example
 * ```ts
 * await importFinding(hub, finding);
 * ```
 */
export async function importFinding(hub: SecurityHubPort, finding: AwsSecurityFinding): Promise<void> {
  const { BatchImportFindingsCommand } = await import('./securityhub-client.js');
  const out = await hub.send(new BatchImportFindingsCommand({ Findings: [finding] }));
  if (out.FailedCount || out.FailedFindings?.length) {
    const f = out.FailedFindings?.[0];
    throw new AuditWriteError(
      `Security Hub refused finding ${finding.Id}: ${f?.ErrorCode}: ${f?.ErrorMessage}`,
    );
  }
}

/**
 * Reports each APPLIED or FAILED remediation to Security Hub as an ASFF finding
 * (`BatchImportFindings`), so the console shows it with its status; other records are not sent.
 *
 * @example
 * ```ts
 * const sink = securityHubSink(() => clients.get(SecurityHubClient, home), { account: '111122223333', region: 'eu-west-2' });
 * ```
 */
export function securityHubSink(hub: () => Promise<SecurityHubPort>, home: FindingsHome): AuditSink {
  return {
    name: 'securityhub',
    async write(record) {
      const finding = asffFinding(record, home);
      if (finding) await importFinding(await hub(), finding);
    },
  };
}
