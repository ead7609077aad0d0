import type { ClientFactory } from '../clients.js';
import { errorCode } from '../errors.js';
import { partitionOf } from '../member-roles.js';
import { type RuleSource, ruleSourceAccepted } from '../rule-sources.js';
import { acceptedRule } from './guard-event.js';
import type { Job } from './job.js';
import { endWith, type Findings, failWith, NOTHING_FOUND, type Verdict } from './verdict.js';

/** How long a rule's source is trusted once read (a rule re-created with another source is seen after this). */
export const RULE_SOURCE_TTL_MS = 10 * 60 * 1000;
/** Rules remembered per container; the oldest are forgotten first. */
const MAX_REMEMBERED = 1000;

type Known = { readonly source: RuleSource | 'missing'; readonly until: number };

/** The sources read, per client factory (one per container): one DescribeConfigRules per rule and TTL. */
const sourcesByFactory = new WeakMap<ClientFactory, Map<string, Known>>();

/**
 * The rule stage: a rule matched only through an AWS naming convention (`OrgConfigRule-…`,
 * `…-conformance-pack-…`, `securityhub-…`) is confirmed by its source, read in the event's account and
 * region (`config:DescribeConfigRules`, remembered for {@link RULE_SOURCE_TTL_MS}): a rule of another
 * source that only looks like one (`OrgConfigRule-restricted-ssh-v2-custom-…`), or one that does not
 * exist, ends REJECTED before the resource is read. Names the deployment declares need no read. The
 * findings carry a note of what was confirmed.
 *
 * @example
 * ```ts
 * const confirmed = await confirmRuleStage(job, deps.clients);
 * if (isVerdict(confirmed)) return confirmed; // REJECTED, or FAILED when the rule could not be read
 * ```
 */
export async function confirmRuleStage(job: Job, clients: ClientFactory): Promise<Findings | Verdict> {
  const { event, remediation, settings } = job;
  if (event.apiCall) return NOTHING_FOUND;
  const entry = acceptedRule(event, remediation, settings);
  if (!entry || entry.origin === 'declared') return NOTHING_FOUND;
  const where = `${event.account}/${event.region}`;
  const form = `the ${entry.origin} form of ${entry.base}`;
  let source: RuleSource | 'missing';
  try {
    source = await ruleSource(job, clients);
  } catch (error) {
    return failWith(NOTHING_FOUND, `could not read Config rule ${event.rule} in ${where}`, error);
  }
  if (source === 'missing') {
    return endWith(
      NOTHING_FOUND,
      'REJECTED',
      `Config rule ${JSON.stringify(event.rule)} (${form}) does not exist in ${where}: it cannot be confirmed as one that ${remediation.id} acts on`,
    );
  }
  const problem = ruleSourceAccepted(remediation, source, {
    partition: partitionOf(event.region),
    region: event.region,
    evaluatorAccount: settings.homeAccount ?? event.account,
  });
  if (problem) {
    return endWith(
      NOTHING_FOUND,
      'REJECTED',
      `Config rule ${JSON.stringify(event.rule)} in ${where} looks like ${form}, but ${problem}: not one that ${remediation.id} acts on`,
    );
  }
  return {
    notes: [
      `Config rule ${event.rule} is ${form}, confirmed by its source (${source.owner} ${source.sourceIdentifier})`,
    ],
  };
}

/** The rule's source, remembered per account, region and name; 'missing' when Config has no such rule. */
async function ruleSource(job: Job, clients: ClientFactory): Promise<RuleSource | 'missing'> {
  const { event } = job;
  let known = sourcesByFactory.get(clients);
  if (!known) {
    known = new Map();
    sourcesByFactory.set(clients, known);
  }
  const key = `${event.account}|${event.region}|${event.rule}`;
  const now = job.now();
  const cached = known.get(key);
  if (cached && cached.until > now) return cached.source;
  const source = await readRuleSource(job);
  known.delete(key);
  if (known.size >= MAX_REMEMBERED) known.delete(known.keys().next().value as string);
  known.set(key, { source, until: now + RULE_SOURCE_TTL_MS });
  return source;
}

async function readRuleSource(job: Job): Promise<RuleSource | 'missing'> {
  // loaded at the first rule named by a convention: a chunk of its own in the bundles
  const { ConfigServiceClient, DescribeConfigRulesCommand } = await import('../config-client.js');
  try {
    const out = await job.context
      .client(ConfigServiceClient)
      .send(new DescribeConfigRulesCommand({ ConfigRuleNames: [job.event.rule] }));
    const rule = out.ConfigRules?.find((r) => r.ConfigRuleName === job.event.rule);
    if (!rule) return 'missing';
    return {
      ...(rule.Source?.Owner ? { owner: rule.Source.Owner } : {}),
      ...(rule.Source?.SourceIdentifier ? { sourceIdentifier: rule.Source.SourceIdentifier } : {}),
    };
  } catch (error) {
    if (errorCode(error) === 'NoSuchConfigRuleException') return 'missing';
    throw error;
  }
}
