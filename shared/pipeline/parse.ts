import { EventRejectedError } from '../errors.js';
import type { ParsedEvent } from '../event.js';
import { parseEvent } from '../parse-event.js';
import type { AnyRemediation } from '../remediation.js';
import { rejectWith, type Verdict } from './verdict.js';

/**
 * The parse stage: the event read and checked against what the remediation handles, with nothing
 * but the event (no settings, no AWS call). Anything wrong ends REJECTED with the reason.
 *
 * @example
 * ```ts
 * const parsed = parseStage(event, revokeOpenSsh);
 * if (isVerdict(parsed)) parsed.outcome; // 'REJECTED'
 * ```
 */
export function parseStage(input: unknown, remediation: AnyRemediation): ParsedEvent | Verdict {
  try {
    const event = parseEvent(input, remediation.cloudTrail);
    if (event.resourceType !== remediation.resourceType) {
      throw new EventRejectedError(
        `resource type ${event.resourceType} is not remediated by ${remediation.id} (${remediation.resourceType})`,
      );
    }
    return event;
  } catch (error) {
    return rejectWith(error);
  }
}
