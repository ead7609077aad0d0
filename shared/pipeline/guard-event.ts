import { isOwnPrincipal } from '../cloudtrail.js';
import { EventRejectedError } from '../errors.js';
import type { ApiCall, ParsedEvent } from '../event.js';
import type { AnyRemediation } from '../remediation.js';
import { checkResourceId } from '../resource-kind.js';
import { type RuleNameEntry, type RuleNames, ruleNamesOf } from '../rule-names.js';
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
  if (!event.apiCall && !acceptedRule(event, remediation, settings)) {
    const declared = declaredNames(remediation, settings);
    return `Config rule ${JSON.stringify(event.rule)} is not one that ${remediation.id} acts on (${declared.join(', ')}), nor one of their organization, conformance-pack or Security Hub forms`;
  }
  const problem = ignored ? undefined : checkResourceId(remediation.resourceKind, event.resourceId);
  if (problem) return `resourceId ${JSON.stringify(event.resourceId.slice(0, 100))} ${problem}`;
  return placeProblem(event.account, event.region, settings);
}

/**
 * Why airlock may not act in an account and region, or undefined: an account or region outside the
 * allowlists, or a region this function cannot reach (its endpoints serve its own region only), so
 * that it is refused before any call instead of waiting for a time-out. The evaluators check it too.
 *
 * @example
 * ```ts
 * placeProblem('444455556666', 'eu-central-1', settings);
 * // "region eu-central-1 cannot be reached from this function, which reaches eu-west-2 only (…)"
 * ```
 */
export function placeProblem(account: string, region: string, settings: Settings): string | undefined {
  if (!allowed(settings.allowedAccounts, account)) {
    return `account ${account} is not in this deployment's allowlist`;
  }
  if (!allowed(settings.allowedRegions, region)) {
    return `region ${region} is not in this deployment's allowlist`;
  }
  return unreachableRegion(region, settings);
}

/** The names the settings declare for a remediation (its own when they name none). */
function declaredNames(remediation: AnyRemediation, settings: Settings): readonly string[] {
  return settings.remediations[remediation.id]?.configRuleNames ?? remediation.configRuleNames;
}

/**
 * The rule names a remediation accepts in these settings: one matcher per settings object (the
 * loader hands the same object out until it reloads), so an event costs one lookup.
 */
const namesBySettings = new WeakMap<Settings, Map<string, RuleNames>>();

/** The entry of the remediation's rule names that admits the event's rule, or undefined. */
export function acceptedRule(
  event: Pick<ParsedEvent, 'rule'>,
  remediation: AnyRemediation,
  settings: Settings,
): RuleNameEntry | undefined {
  let cache = namesBySettings.get(settings);
  if (!cache) {
    cache = new Map();
    namesBySettings.set(settings, cache);
  }
  let names = cache.get(remediation.id);
  if (!names) {
    names = ruleNamesOf(remediation, declaredNames(remediation, settings));
    cache.set(remediation.id, names);
  }
  return names.match(event.rule);
}

/**
 * Why an event's region cannot be reached from this function (its endpoints serve its own region
 * only), or undefined: refused before any call, so that it never waits for a time-out.
 */
function unreachableRegion(region: string, settings: Settings): string | undefined {
  const reachable = settings.reachableRegions;
  if (!reachable || reachable.includes(region)) return undefined;
  const deployment = settings.deploymentRegions ?? reachable;
  const where = deployment.includes(region)
    ? `the deployment in ${region} handles its events`
    : `airlock is not deployed in ${region}`;
  return `region ${region} cannot be reached from this function, which reaches ${reachable.join(', ')} only (the deployment's regions: ${deployment.join(', ')}): ${where}`;
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
