import { type AuditRecord, isRollbackRecord } from '../../shared/audit-record.js';

/**
 * What a rollback record says happened: the undo applied (ROLLED_BACK), planned only, refused
 * before anything was sent (REFUSED), or failed while undoing (FAILED).
 */
export const RollbackStatus = {
  ROLLED_BACK: 'ROLLED_BACK',
  PLANNED: 'PLANNED',
  REFUSED: 'REFUSED',
  FAILED: 'FAILED',
} as const;
export type RollbackStatus = (typeof RollbackStatus)[keyof typeof RollbackStatus];

/** The error name of a rollback refused before anything was sent. */
export const ROLLBACK_REFUSED = 'RollbackRefused';

export const ROLLBACK_STATUSES = Object.keys(RollbackStatus) as RollbackStatus[];

/** True when the record is a rollback (an undo of another record), never a remediation. */
export const isRollback = isRollbackRecord;

/** The rollback's status; a refusal (nothing sent) is not a failure. */
export function rollbackStatus(record: AuditRecord): RollbackStatus {
  if (record.outcome === 'APPLIED') return 'ROLLED_BACK';
  if (record.outcome === 'FAILED') return record.error?.name === ROLLBACK_REFUSED ? 'REFUSED' : 'FAILED';
  if (record.outcome === 'PLANNED') return 'PLANNED';
  // any other outcome a rollback record may carry (a hand-made one) is not counted as a success
  return 'FAILED';
}

/**
 * The record's action and outcome as the SOC reads them: `revoke-open-ssh` / `APPLIED` for a
 * remediation, `rollback of revoke-open-ssh` / `ROLLBACK ROLLED_BACK` for a rollback, so a rollback
 * that re-opened what was closed is never read as a fix.
 */
export function describeAction(record: AuditRecord): { action: string; outcome: string } {
  return isRollback(record)
    ? { action: `rollback of ${record.remediation}`, outcome: `ROLLBACK ${rollbackStatus(record)}` }
    : { action: record.remediation, outcome: record.outcome };
}
