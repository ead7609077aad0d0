/**
 * Which AWS Config rules a remediation acts on, by name: ONE definition that produces both the values
 * of `detail.configRuleName` in the EventBridge patterns (exact names, `prefix`, `wildcard`) and the
 * pipeline's predicate, which matches with EventBridge's own semantics. The two cannot disagree.
 *
 * A rule is recognised under the names AWS gives it, not only the plain one:
 *
 * | where the rule comes from | its name in the account | filter |
 * |---|---|---|
 * | the rule itself (console, airlock's stack) | `restricted-ssh`, `airlock-restricted-ssh` | exact |
 * | an organization Config rule | `OrgConfigRule-<name>-<suffix>` | `prefix` |
 * | a conformance pack | `<name>-conformance-pack-<suffix>` | `prefix` |
 * | Security Hub (managed rule of a control) | `securityhub-<default name>-<suffix>` | `prefix` |
 * | an operator's entry with `*` | as written | `wildcard` (`prefix` when only a trailing `*`) |
 *
 * A prefix admits any rule whose name starts the same way (`OrgConfigRule-restricted-ssh-v2-…`), so a
 * name matched through an AWS naming convention is only a candidate: the pipeline confirms the rule by
 * its source (`rule-sources.ts`, from `config:DescribeConfigRules` in the event's account).
 * Names the deployment declares (exact or `*` entries) are trusted as written.
 */
import { SettingsError } from './errors.js';
import type { AnyRemediation, ManagedConfigRule } from './remediation.js';

/** One allowed value of `detail.configRuleName` in an EventBridge pattern. */
export type RuleNameFilter = string | { readonly prefix: string } | { readonly wildcard: string };

/** Where an accepted name comes from: declared by the deployment, or an AWS naming convention. */
export type RuleNameOrigin = 'declared' | 'organization' | 'conformance-pack' | 'security-hub';

/** One filter and where it comes from. */
export interface RuleNameEntry {
  readonly filter: RuleNameFilter;
  readonly origin: RuleNameOrigin;
  /** The declared name the convention was applied to (`restricted-ssh`), or the entry itself. */
  readonly base: string;
}

/** The names a remediation accepts: the pattern fragment and the predicate, from the same entries. */
export interface RuleNames {
  readonly entries: readonly RuleNameEntry[];
  /** The values of `detail.configRuleName` in the remediation's EventBridge patterns. */
  readonly filters: readonly RuleNameFilter[];
  /** The entry that admits `name` (a declared one first), or undefined: EventBridge's semantics. */
  match(name: string): RuleNameEntry | undefined;
}

/** How AWS names a rule it creates in an account from a rule declared elsewhere. */
export const AWS_RULE_NAMING = {
  /** Organization Config rules, in each member account: `OrgConfigRule-<name>-<suffix>`. */
  organization: (base: string) => ({ prefix: `OrgConfigRule-${base}-` }),
  /** Rules of a conformance pack (of the account or of the organization): `<name>-conformance-pack-<suffix>`. */
  'conformance-pack': (base: string) => ({ prefix: `${base}-conformance-pack-` }),
  /** Security Hub's service-linked rules of its controls: `securityhub-<default name>-<suffix>`. */
  'security-hub': (base: string) => ({ prefix: `securityhub-${base}-` }),
} as const;

/** Characters of a declared name: Config's own (letters, digits, `-`, `_`), and `*` for wildcards. */
export const DECLARED_RULE_NAME = /^[A-Za-z0-9_*-]{1,128}$/;

/**
 * The rule names of a remediation: `declared` (the settings' `configRuleNames`; default: the
 * remediation's own names), each with the organization and conformance-pack forms, and the Security
 * Hub form of its managed rules' default names. Throws a {@link SettingsError} naming a declared entry
 * that is not a rule name.
 *
 * @example
 * ```ts
 * const names = ruleNamesOf(revokeOpenSsh);
 * names.match('OrgConfigRule-restricted-ssh-a1b2c3d4')?.origin; // 'organization'
 * names.match('restricted-ssh-v2-custom'); // undefined
 * names.filters; // ['restricted-ssh', 'airlock-restricted-ssh', { prefix: 'OrgConfigRule-restricted-ssh-' }, ...]
 * ```
 */
export function ruleNamesOf(
  remediation: Pick<AnyRemediation, 'id' | 'configRuleNames'> & {
    readonly configRules?: { readonly managed?: readonly Pick<ManagedConfigRule, 'defaultName'>[] };
  },
  declared: readonly string[] = remediation.configRuleNames,
): RuleNames {
  for (const name of declared) {
    if (!DECLARED_RULE_NAME.test(name) || name.includes('**')) {
      throw new SettingsError(
        `remediations.${remediation.id}.configRuleNames: ${JSON.stringify(name.slice(0, 140))} is not a Config rule name (letters, digits, - and _, * as a wildcard)`,
      );
    }
  }
  const exact = [...new Set(declared.filter((n) => !n.includes('*')))];
  const defaults = new Set((remediation.configRules?.managed ?? []).map((m) => m.defaultName));
  const entries: RuleNameEntry[] = [
    ...exact.map((name) => ({ filter: name, origin: 'declared' as const, base: name })),
    ...[...new Set(declared.filter((n) => n.includes('*')))].map((name) => ({
      filter: wildcardFilter(name),
      origin: 'declared' as const,
      base: name,
    })),
    ...exact.map((base) => convention('organization', base)),
    ...exact.map((base) => convention('conformance-pack', base)),
    ...exact.filter((base) => defaults.has(base)).map((base) => convention('security-hub', base)),
  ];
  return {
    entries,
    filters: entries.map((e) => e.filter),
    match: (name) => entries.find((e) => matchesRuleName(e.filter, name)),
  };
}

function convention(origin: Exclude<RuleNameOrigin, 'declared'>, base: string): RuleNameEntry {
  return { filter: AWS_RULE_NAMING[origin](base), origin, base };
}

/** `x-*` is a prefix; any other `*` entry a wildcard (`*` alone: every name). */
function wildcardFilter(entry: string): RuleNameFilter {
  const head = entry.slice(0, -1);
  return entry.endsWith('*') && !head.includes('*') && head.length > 0
    ? { prefix: head }
    : { wildcard: entry };
}

/**
 * Whether a name passes one filter, as EventBridge decides it: equal to a string, starting with a
 * prefix, or matching a wildcard (`*`: any run of characters, possibly empty).
 *
 * @example
 * ```ts
 * matchesRuleName({ prefix: 'OrgConfigRule-restricted-ssh-' }, 'OrgConfigRule-restricted-ssh-a1b2c3d4'); // true
 * matchesRuleName({ wildcard: 'org-*-ssh' }, 'org-prod-ssh'); // true
 * ```
 */
export function matchesRuleName(filter: RuleNameFilter, name: string): boolean {
  if (typeof filter === 'string') return filter === name;
  if ('prefix' in filter) return name.startsWith(filter.prefix);
  return wildcardRegExp(filter.wildcard).test(name);
}

/** A wildcard as a regular expression: `*` is `.*`, everything else literal. */
export function wildcardRegExp(wildcard: string): RegExp {
  const literal = wildcard.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[\\s\\S]*')}$`);
}
