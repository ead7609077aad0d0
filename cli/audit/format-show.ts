import type { AuditRecord, AuditStep } from '../../shared/audit-record.js';
import { digestOf, verifyRecordDigest } from '../../shared/audit-record.js';
import type { SignatureCheck } from '../../shared/audit-signer.js';
import { paint, safeText } from './terminal-text.js';

/** Pretty JSON of a value, indented under a label, made terminal-safe. */
function block(value: unknown, indent: string): string {
  if (value === undefined) return `${indent}-`;
  const text = JSON.stringify(value, null, 2) ?? String(value);
  return text
    .split('\n')
    .map((line) => `${indent}${safeText(line)}`)
    .join('\n');
}

function field(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return `  ${`${name}:`.padEnd(18)}${safeText(value)}`;
}

function stepLines(step: AuditStep, index: number): string[] {
  const lines = [
    `  ${index + 1}. ${safeText(step.action)} (${safeText(step.api)}) -> ${safeText(step.result)}`,
    `     reason: ${safeText(step.reason)}`,
  ];
  if (step.startedAt)
    lines.push(`     started: ${safeText(step.startedAt)}  took ${step.durationMs ?? '?'} ms`);
  lines.push('     params:', block(step.input, '       '));
  if (step.before !== undefined) lines.push('     before:', block(step.before, '       '));
  if (step.output !== undefined) lines.push('     result:', block(step.output, '       '));
  if (step.error) {
    lines.push(
      `     error: ${safeText(step.error.name)}: ${safeText(step.error.message)}${step.error.httpStatus ? ` (HTTP ${step.error.httpStatus})` : ''}`,
    );
  }
  if (step.undo?.length) {
    lines.push('     undo:');
    for (const u of step.undo) {
      lines.push(`       - ${safeText(u.action)}: ${safeText(u.reason)}`, block(u.input, '         '));
    }
  } else lines.push('     undo: none recorded');
  return lines;
}

/**
 * One record in full, for reading: header, event, state before, each step (call, params, result,
 * error, undo), verification, notes and whether the digest holds.
 */
export function formatShow(
  record: AuditRecord,
  options: { colour: boolean; signature?: SignatureCheck },
): string {
  const ok = verifyRecordDigest(record);
  const out: (string | undefined)[] = [
    `Record ${safeText(record.id)}  ${paint(record.outcome, record.outcome, options.colour)}`,
    field('time', record.time),
    field('started', record.startedAt),
    field('duration', `${record.durationMs} ms`),
    field('remediation', record.remediation),
    field('rule', record.rule),
    field('resource', `${record.resource?.type ?? '?'} ${record.resource?.id ?? '?'}`),
    field('account', record.account),
    field('region', record.region),
    field('mode', record.mode),
    field('trigger', record.trigger),
    field('actor', `${record.actor?.type} ${record.actor?.name} ${record.actor?.version}`),
    field('reason', record.reason),
    field('rollback of', record.links?.rollbackOf),
    '',
    'Event',
    field('id', record.event?.id),
    field('source', record.event?.source),
    field('detail-type', record.event?.detailType),
    field('time', record.event?.time),
    field('evaluated', record.event?.evaluationTime),
    field('compliance', record.event?.complianceType),
    field('annotation', record.event?.annotation),
    '',
    'Before',
    block(record.before, '  '),
    '',
    `Steps (${record.steps.length})`,
    ...(record.steps.length ? record.steps.flatMap(stepLines) : ['  none']),
    '',
    'Verification',
    record.verification
      ? `  ${safeText(record.verification.status)}${record.verification.detail ? `: ${safeText(record.verification.detail)}` : ''}`
      : '  -',
  ];
  if (record.exemption) {
    out.push(
      '',
      'Exemption',
      field('id', record.exemption.id),
      field('reason', record.exemption.reason),
      field('approved by', record.exemption.approvedBy),
      field('expires', record.exemption.expires),
    );
  }
  if (record.error) {
    out.push(
      '',
      'Error',
      `  ${safeText(record.error.name)}: ${safeText(record.error.message)} (${record.error.retryable ? 'retryable' : 'not retryable'})`,
    );
  }
  out.push(
    '',
    'Notes',
    ...(record.notes?.length ? record.notes.map((n) => `  - ${safeText(n)}`) : ['  none']),
  );
  out.push(
    '',
    'Digest',
    ok
      ? `  sha256 ${record.digest.value}: verified, the record matches its digest`
      : `  sha256 ${safeText(record.digest?.value)}: DOES NOT MATCH the content (${digestOf(record)}): the record was altered`,
    '',
    'Signature',
    `  ${signatureText(record, options.signature)}`,
  );
  return `${out.filter((l) => l !== undefined).join('\n')}\n`;
}

/** The signature's line: checked with the trusted key, or what the record carries when unchecked. */
function signatureText(record: AuditRecord, check: SignatureCheck | undefined): string {
  if (check?.status === 'valid')
    return `valid: signed by ${safeText(check.keyId)}, checked with the trusted key`;
  if (check?.status === 'invalid')
    return `NOT VALID: ${safeText(check.reason)}: the record was not written by airlock`;
  if (!record.signature) return 'none: the record is unsigned, nothing proves who wrote it';
  return `present (${safeText(record.signature.keyId)}), not checked: pass --signing-key or --public-key`;
}
