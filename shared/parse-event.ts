import { API_CALL, type CloudTrailTrigger, parseCloudTrailEvent } from './cloudtrail.js';
import { EventRejectedError } from './errors.js';
import { type ParsedEvent, parseComplianceEvent, readEventObject } from './event.js';

/**
 * Parses any event a remediation accepts: an "AWS API Call via CloudTrail" event when the
 * remediation has a CloudTrail trigger (the fast path), otherwise a Config compliance change (or
 * its manual and sweep forms). Everything else is rejected with the compliance parser's reason.
 *
 * @example
 * ```ts
 * const parsed = parseEvent(event, revokeOpenSsh.cloudTrail);
 * parsed.trigger; // 'cloudtrail' or 'config'
 * ```
 */
export function parseEvent(input: unknown, cloudTrail?: CloudTrailTrigger): ParsedEvent {
  const envelope = readEventObject(input);
  if (envelope['detail-type'] === API_CALL) {
    if (!cloudTrail) {
      throw new EventRejectedError(
        `"${API_CALL}" events are not handled by this remediation: it has no CloudTrail trigger`,
      );
    }
    return parseCloudTrailEvent(envelope, cloudTrail);
  }
  return parseComplianceEvent(envelope);
}
