import { type AuditRecord, sealRecord } from '../../shared/audit-record.js';

/** A sealed `airlock.audit/v1` record of revoke-open-ssh at 2026-11-20T10:00:06Z, with `changes` applied. */
export function sampleRecord(changes: Partial<Omit<AuditRecord, 'digest'>> = {}): AuditRecord {
  return sealRecord({
    schema: 'airlock.audit/v1',
    id: '0190f3a2-7b1c-7def-8abc-0123456789ab',
    time: '2026-11-20T10:00:06.000Z',
    startedAt: '2026-11-20T10:00:05.000Z',
    durationMs: 1000,
    actor: { type: 'function', name: 'airlock-revoke-open-ssh', version: '0.1.0' },
    trigger: 'config',
    event: {},
    remediation: 'revoke-open-ssh',
    account: '111122223333',
    region: 'eu-west-2',
    resource: {},
    mode: 'dry-run',
    outcome: 'PLANNED',
    reason: 'test',
    steps: [],
    notes: [],
    ...changes,
  });
}
