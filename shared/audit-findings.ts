import type { AwsSecurityFinding, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type AuditRecord, isRollbackRecord } from './audit-record.js';
import type { AuditSink } from './audit-sinks.js';
import { AuditWriteError } from './errors.js';

// Security Hub findings from audit records, in a module of its own: no function imports it (the Security
// Hub client would not fit the functions' byte budgets), so only what imports it carries the client.

export type SecurityHubPort = Pick<SecurityHubClient, 'send'>;

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
 * The ASFF finding of an APPLIED or FAILED remediation: compliance PASSED and workflow RESOLVED when
 * it was fixed, FAILED and NEW (severity HIGH) when it could not be; imported in the home account
 * (`home`: the account and region of Security Hub), about the record's account. Undefined for any
 * other outcome and for rollbacks.
 */
export function asffFinding(
  record: AuditRecord,
  home: { account: string; region: string },
): AwsSecurityFinding | undefined {
  if (isRollbackRecord(record) || (record.outcome !== 'APPLIED' && record.outcome !== 'FAILED'))
    return undefined;
  const fixed = record.outcome === 'APPLIED';
  const resource = record.resource?.id ?? 'unknown';
  return {
    SchemaVersion: '2018-10-08',
    Id: `airlock/${record.id}`,
    ProductArn: `arn:aws:securityhub:${home.region}:${home.account}:product/${home.account}/default`,
    GeneratorId: `airlock/${record.remediation}`,
    AwsAccountId: record.account ?? home.account,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: record.startedAt,
    UpdatedAt: record.time,
    Severity: { Label: fixed ? 'INFORMATIONAL' : 'HIGH' },
    Title: `airlock ${record.remediation} ${record.outcome} on ${resource}`.slice(0, 256),
    Description: record.reason.slice(0, 1024) || record.outcome,
    Resources: [
      {
        Type: asffResourceType(record.resource?.type),
        Id: resource,
        ...(record.region ? { Region: record.region } : {}),
      },
    ],
    Compliance: { Status: fixed ? 'PASSED' : 'FAILED' },
    Workflow: { Status: fixed ? 'RESOLVED' : 'NEW' },
    RecordState: 'ACTIVE',
    ProductFields: {
      'airlock/recordId': record.id,
      'airlock/digest': record.digest.value,
      ...(record.rule ? { 'airlock/rule': record.rule } : {}),
    },
  };
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
export function securityHubSink(
  hub: () => Promise<SecurityHubPort>,
  home: { account: string; region: string },
): AuditSink {
  return {
    name: 'securityhub',
    async write(record) {
      const finding = asffFinding(record, home);
      if (!finding) return;
      const { BatchImportFindingsCommand } = await import('./securityhub-client.js');
      const out = await (await hub()).send(new BatchImportFindingsCommand({ Findings: [finding] }));
      if (out.FailedCount) {
        const f = out.FailedFindings?.[0];
        throw new AuditWriteError(
          `Security Hub refused the finding of ${record.id}: ${f?.ErrorCode}: ${f?.ErrorMessage}`,
        );
      }
    },
  };
}
