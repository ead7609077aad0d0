import type { AuditRecord } from '../audit-record.js';
import { API_CALL } from '../cloudtrail.js';
import type { ApiCall, ParsedEvent, Trigger } from '../event.js';
import { summarizeRejectedEvent } from '../event.js';
import { memberRoleArn, partitionOf } from '../member-roles.js';
import { quote, validateResourceId } from '../resource-id.js';
import type { Settings } from '../settings.js';

/** What the record says about the event: how it came, what it names, where, and notes about it. */
export interface Subject {
  readonly trigger: Trigger;
  readonly event: AuditRecord['event'];
  readonly resource: AuditRecord['resource'];
  /** Rule, account, region (and the member role assumed there), when known. */
  readonly where: Pick<AuditRecord, 'rule' | 'account' | 'region' | 'assumedRole'>;
  readonly notes: readonly string[];
}

/**
 * A rejected event, described by its best-effort summary (escaped and capped, never trusted).
 *
 * @example
 * ```ts
 * rejectedSubject('{"oops"', undefined).trigger; // 'config'
 * ```
 */
export function rejectedSubject(input: unknown, trigger: Trigger | undefined): Subject {
  const summary = summarizeRejectedEvent(input);
  return {
    trigger: trigger ?? (summary.detailType === API_CALL ? 'cloudtrail' : 'config'),
    event: { id: summary.id, source: summary.source, detailType: summary.detailType },
    resource: { type: summary.resourceType, id: summary.resourceId },
    where: { rule: summary.rule, account: summary.account, region: summary.region },
    notes: [],
  };
}

/**
 * An event handled without settings (they could not be read): its summary, without where.
 *
 * @example
 * ```ts
 * unsettledSubject(event, undefined).where; // {}
 * ```
 */
export function unsettledSubject(input: unknown, trigger: Trigger | undefined): Subject {
  return { ...rejectedSubject(input, trigger ?? 'config'), where: {} };
}

/**
 * An accepted event, described by its parsed fields; a CloudTrail call keeps who made it, and the
 * other resources it named are noted.
 *
 * @example
 * ```ts
 * eventSubject(parsed, settings, undefined).where.account; // '111122223333'
 * ```
 */
export function eventSubject(event: ParsedEvent, settings: Settings, trigger: Trigger | undefined): Subject {
  return {
    trigger: trigger ?? event.trigger,
    event: {
      id: event.eventId,
      source: event.source,
      detailType: event.detailType,
      time: event.time,
      evaluationTime: event.evaluationTime,
      complianceType: event.complianceType,
      ...(event.annotation ? { annotation: event.annotation } : {}),
      ...(event.apiCall ? { apiCall: auditApiCall(event.apiCall) } : {}),
    },
    resource: {
      type: event.resourceType,
      // a failed or own call is not validated further: keep its id only when it is a valid one
      ...(validateResourceId(event.resourceType, event.resourceId) ? {} : { id: event.resourceId }),
    },
    where: {
      rule: event.rule,
      account: event.account,
      region: event.region,
      ...assumedRoleOf(event, settings),
    },
    notes: event.apiCall ? otherResources(event.apiCall, event.resourceId) : [],
  };
}

/** The API call as the audit record keeps it: who, what, from where. */
function auditApiCall(call: ApiCall): Omit<ApiCall, 'resourceIds'> {
  const { resourceIds: _ids, ...rest } = call;
  return rest;
}

/**
 * The pipeline handles one resource per event: a call that names several acts on the first; the
 * others are named in the record (Config's evaluation, or the periodic sweep, covers them).
 */
function otherResources(call: ApiCall, handled: string): string[] {
  const others = call.resourceIds.filter((id) => id !== handled);
  if (others.length === 0) return [];
  const named = others.slice(0, 10).map((id) => quote(id, 128));
  const more = others.length > 10 ? ` and ${others.length - 10} more` : '';
  return [`the call also named ${named.join(', ')}${more}: this event acts on ${quote(handled, 128)} only`];
}

/** The member role airlock acts with in the event's account, when it is not the home account. */
function assumedRoleOf(event: ParsedEvent, settings: Settings): { assumedRole?: string } {
  const role = settings.memberRole;
  if (!role || event.account === settings.homeAccount) return {};
  return {
    assumedRole: memberRoleArn(event.account, { roleName: role.name, partition: partitionOf(event.region) }),
  };
}
