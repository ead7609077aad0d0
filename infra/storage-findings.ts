import { acknowledge } from './nag.js';
import type { AuditStorage } from './storage.js';

const LOOP = 'This is the server access log bucket; logging it to itself would loop.';
const SSE_S3 = 'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3).';
const LOG_COPIES =
  "Access logs stay in the account and region they describe; copies are the platform log archive's job.";
const AUDIT_COPIES =
  "Records are under Object Lock in compliance mode (WORM) with versioning; this is the primary region's bucket, which the other regions replicate to; its own cross-region copy needs a second locked bucket the platform owns, set up outside this stack.";

/** The storage findings that do not apply to this design, each with its reason. */
export function acknowledgeStorage(storage: AuditStorage): void {
  acknowledge(storage.accessLogs, [
    { id: 'AwsSolutions-S1', reason: LOOP },
    { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: LOOP },
    { id: 'PCI.DSS.321-S3BucketLoggingEnabled', reason: LOOP },
    { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: SSE_S3 },
    { id: 'PCI.DSS.321-S3DefaultEncryptionKMS', reason: SSE_S3 },
    { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: LOG_COPIES },
    { id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: LOG_COPIES },
  ]);
  // outside the primary region the audit bucket replicates to the primary's
  if (!storage.replication) {
    acknowledge(storage.audit, [
      { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: AUDIT_COPIES },
      { id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: AUDIT_COPIES },
    ]);
  }
  acknowledge(storage.table, [
    {
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        'The table holds only idempotency records and breaker counters that expire within days; point-in-time recovery (35 days) covers it, and the audit trail is the record of what happened.',
    },
  ]);
}
