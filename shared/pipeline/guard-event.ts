import { isOwnPrincipal } from '../cloudtrail.js';
import { EventRejectedError } from '../errors.js';
import type { ApiCall, ParsedEvent } from '../event.js';
import type { AnyRemediation } from '../remediation.js';
import { checkResourceId } from '../resource-kind.js';
import type { Settings } from '../settings.js';
import { allowed } from '../settings.js';
import { endWith, NOTHING_FOUND, rejectWith, type Verdict } from './verdict.js';

/**
 * The event guard: what the settings say about a parsed event, before anything is read. A rule
 * the remediation does not act on, an invalid resource id, or an account or region outside the
 * allowlists ends REJECTED; a CloudTrail call that failed or that airlock made itself, or an
 * evaluation that is not NON_COMPLIANT, ends NOOP. Undefined: remediate.
 *
 * @example
 * ```ts
 * guardEvent(parsed, revokeOpenSsh, settings); // undefined, or a REJECTED or NOOP verdict
 * ```
 */
export function guardEvent(
  event: ParsedEvent,
  remediation: AnyRemediation,
  settings: Settings,
): Verdict | undefined {
  let ignored: string | undefined;
  try {
    ignored = event.apiCall ? ignoredCall(event.apiCall, event.account, settings) : undefined;
    const problem = checkEvent(event, remediation, settings, ignored !== undefined);
    if (problem) throw new EventRejectedError(problem);
  } catch (error) {
    return rejectWith(error);
  }
  if (ignored) return endWith(NOTHING_FOUND, 'NOOP', ignored);
  if (event.complianceType !== 'NON_COMPLIANT') {
    return endWith(NOTHING_FOUND, 'NOOP', `evaluation is ${event.complianceType}: nothing to remediate`);
  }
  return undefined;
}

/**
 * Checks a parsed event against the settings. A CloudTrail event is not matched against Config rule
 * names (its trigger lists the calls); `ignored` (a failed or airlock's own call, which ends NOOP
 * without a read) skips the resource id check, not the account and region allowlists.
 */
function checkEvent(
  event: ParsedEvent,
  remediation: AnyRemediation,
  settings: Settings,
  ignored: boolean,
): string | undefined {
  const patterns = settings.remediations[remediation.id]?.configRuleNames ?? remediation.configRuleNames;
  if (!event.apiCall && !ruleAccepted(patterns, event.rule)) {
    return `Config rule ${JSON.stringify(event.rule)} is not one that ${remediation.id} acts on (${patterns.join(', ')})`;
  }
  const problem = ignored ? undefined : checkResourceId(remediation.resourceKind, event.resourceId);
  if (problem) return `resourceId ${JSON.stringify(event.resourceId.slice(0, 100))} ${problem}`;
  if (!allowed(settings.allowedAccounts, event.account)) {
    return `account ${event.account} is not in this deployment's allowlist`;
  }
  if (!allowed(settings.allowedRegions, event.region)) {
    return `region ${event.region} is not in this deployment's allowlist`;
  }
  return undefined;
}

function ruleAccepted(patterns: readonly string[], rule: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === rule || (p.endsWith('*') && rule.startsWith(p.slice(0, -1))),
  );
}

/** Why a CloudTrail call needs no remediation at all (it failed, or airlock made it), or undefined. */
function ignoredCall(call: ApiCall, account: string, settings: Settings): string | undefined {
  if (call.errorCode !== undefined) return `the call failed (${call.errorCode}): nothing changed`;
  const member = settings.memberRole
    ? { name: settings.memberRole.name, homeAccount: settings.homeAccount }
    : undefined;
  if (isOwnPrincipal(call, settings.ownPrincipals, account, member)) {
    return `made by airlock itself (${call.issuer ?? call.principal}): its own write, nothing to remediate`;
  }
  return undefined;
}
