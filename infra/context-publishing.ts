import type { PublishingContext } from './context.js';
import { ContextError, type Get, str } from './context-values.js';

/** The bus the remediation functions publish their records on unless `auditEventBus` says otherwise. */
export const DEFAULT_AUDIT_BUS = 'airlock-audit';

const BUS_NAME = /^[\w.-]{1,256}$/;

/**
 * Where the audit records are published (`auditEventBus`) and whether Security Hub gets a finding per
 * APPLIED or FAILED remediation (`securityHubFindings`, off by default).
 *
 * `auditEventBus` is a bus airlock creates (default `airlock-audit`), `default` (the account's default
 * bus, nothing created), or `none` (nothing published). A bus of airlock's own admits PutEvents from
 * the remediation functions' roles only, so an `airlock` event on it was written by airlock; on the
 * default bus any workload allowed `events:PutEvents` can publish one, which is why Security Hub
 * findings (imported from those events) refuse it.
 *
 * @example
 * ```ts
 * readPublishing(get); // { eventBus: 'airlock-audit', createsBus: true, securityHubFindings: false }
 * ```
 */
export function readPublishing(get: Get, organizationBus?: string): PublishingContext {
  const bus = str(get, 'auditEventBus', DEFAULT_AUDIT_BUS);
  if (!BUS_NAME.test(bus)) {
    throw new ContextError('auditEventBus', `is not an event bus name (or default, none): ${bus}`);
  }
  if (bus === organizationBus) {
    throw new ContextError(
      'auditEventBus',
      `must not be the central bus (${bus}): its policy admits the member accounts' forwarded events`,
    );
  }
  const securityHubFindings = readFlag(get, 'securityHubFindings');
  if (securityHubFindings && (bus === 'none' || bus === 'default')) {
    throw new ContextError(
      'securityHubFindings',
      `needs a bus of airlock's own (auditEventBus is ${bus}): on the default bus any workload may publish an airlock event, and with none nothing is published`,
    );
  }
  if (bus === 'none') return { securityHubFindings: false, createsBus: false };
  return { eventBus: bus, createsBus: bus !== 'default', securityHubFindings };
}

function readFlag(get: Get, key: string): boolean {
  const value = get(key);
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}
