import type { AuditRecord, AuditStep } from '../../shared/audit-record.js';
import { isRollback } from './action-kind.js';

/** `CreateTransitGatewayRoute` -> `create transit gateway route`. */
export function apiInWords(api: string): string {
  return api
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** A parameter in words: a boolean flag set is its name (`Blackhole: true` -> `blackhole`), anything else name and value, whole. */
function paramInWords(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const name = apiInWords(key);
  if (value === true) return name;
  if (value === false) return `not ${name}`;
  if (typeof value === 'object') return `${name} ${JSON.stringify(value)}`;
  return `${name} ${String(value)}`;
}

/**
 * A step as a sentence an analyst reads without the API reference: the call in words, then every
 * parameter, whole (never cut off), a flag by its name.
 *
 * @example
 * ```ts
 * stepInWords({ api: 'CreateTransitGatewayRoute', input: { DestinationCidrBlock: '100.64.0.0/16', Blackhole: true }, … });
 * // 'create transit gateway route: destination cidr block 100.64.0.0/16, blackhole'
 * ```
 */
export function stepInWords(step: Pick<AuditStep, 'api' | 'input'>): string {
  const input = step.input && typeof step.input === 'object' ? (step.input as Record<string, unknown>) : {};
  const params = Object.entries(input)
    .map(([k, v]) => paramInWords(k, v))
    .filter((p): p is string => p !== undefined);
  return `${apiInWords(step.api)}${params.length ? `: ${params.join(', ')}` : ''}`;
}

/** Who or what set the record off: the CloudTrail call's caller, the Config evaluation, an operator. */
export function triggerInWords(record: AuditRecord): string {
  if (isRollback(record))
    return `rollback by ${record.actor?.name ?? 'an operator'} of record ${record.links?.rollbackOf ?? '?'}`;
  const call = record.event?.apiCall;
  if (call) {
    const who = call.issuerName ?? call.principal ?? 'an unknown caller';
    return `CloudTrail: ${call.eventName} by ${who}${call.sourceIp ? ` from ${call.sourceIp}` : ''}`;
  }
  if (record.trigger === 'config') {
    return `AWS Config: ${record.rule ?? 'a rule'} ${record.event?.complianceType ?? 'evaluation'}`;
  }
  return `${record.trigger} by ${record.actor?.name ?? 'airlock'}`;
}
