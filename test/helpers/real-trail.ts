import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EC2ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-ec2';
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createClientFactory } from '../../shared/clients.js';
import { createDeps } from '../../shared/deps.js';
import { runPipeline } from '../../shared/pipeline.js';
import { complianceEvent } from './events.js';
import { ec2Error, GROUP, OPEN, PRIVATE, statefulGroup } from './security-group.js';

/** A real audit trail, made by running the pipeline (revoke-open-ssh) over events against a mocked EC2. */

/** The mocked EC2 client of a test (`mockClient(EC2Client)`). */
export type Ec2Mock = AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>;

/** Fake static credentials: the mocked clients never sign a real request. */
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** A temporary directory for a test's files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'airlock-audit-'));
}

/** Runs one event through the real pipeline, recording to `trail`; FAILED runs throw, which is fine here. */
export async function runOnce(
  trail: string,
  event: unknown,
  options: { mode?: 'enforce' | 'dry-run'; now?: () => number; exemptionsParameter?: string } = {},
): Promise<AuditRecord> {
  const records: AuditRecord[] = [];
  const deps = createDeps('revoke-open-ssh', {
    env: options.exemptionsParameter ? { AWS_REGION: 'eu-west-2' } : {},
    clients: createClientFactory({ credentials: CREDENTIALS, maxAttempts: 1 }),
    settings: {
      mode: options.mode ?? 'enforce',
      allowedAccounts: ['*'],
      audit: { file: trail },
      ...(options.exemptionsParameter ? { exemptions: { parameter: options.exemptionsParameter } } : {}),
    },
    onRecord: (r) => records.push(r),
    ...(options.now ? { now: options.now } : {}),
  });
  await runPipeline(event, revokeOpenSsh, deps).catch(() => undefined);
  if (records.length !== 1) throw new Error(`expected one record, got ${records.length}`);
  return records[0]!;
}

export const sshEvent = (overrides: Partial<Parameters<typeof complianceEvent>[0]> = {}) =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'restricted-ssh',
    ...overrides,
  });

/**
 * Builds a real trail by running the pipeline over several events: APPLIED, NOOP, PLANNED (dry-run),
 * FAILED (EC2 refuses), REJECTED (hostile resource id). Returns the records in file order.
 */
export async function buildRealTrail(ec2: Ec2Mock, trail: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  ec2.reset();
  const group = statefulGroup(ec2, [OPEN, PRIVATE]);
  records.push(await runOnce(trail, sshEvent({ id: 'evt-applied' })));
  records.push(await runOnce(trail, sshEvent({ id: 'evt-noop' })));
  group.set([OPEN, PRIVATE]);
  records.push(await runOnce(trail, sshEvent({ id: 'evt-planned' }), { mode: 'dry-run' }));
  ec2.on(RevokeSecurityGroupIngressCommand).rejects(ec2Error('UnauthorizedOperation'));
  records.push(
    await runOnce(trail, sshEvent({ id: 'evt-failed', account: '444455556666', region: 'eu-central-1' })),
  );
  records.push(
    await runOnce(trail, sshEvent({ id: 'evt-rejected', resourceId: 'sg-<script>alert(1)</script>' })),
  );
  ec2.reset();
  return records;
}
