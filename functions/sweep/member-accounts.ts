import {
  type AggregateEvaluationResult,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { type RuleNames, ruleNamesOf } from '../../shared/rule-names.js';
import type { Budget, SweepPorts } from './ports.js';
import { resubmitResult } from './resubmit.js';
import type { SweepSettings, SweepTarget } from './settings.js';

/**
 * Pages read from the aggregator per run, all calls together (the rules listing: up to 1000 rows a
 * page; a rule's results in one account and region: 100 a page). A larger backlog is read by later runs.
 */
export const MAX_AGGREGATE_PAGES = 20;

/** One rule in one account and region that the aggregator reports NON_COMPLIANT. */
export interface RuleInAccount {
  readonly rule: string;
  readonly account: string;
  readonly region: string;
}

export interface MemberReport {
  /** Results of member accounts re-driven as `airlock.sweep` events. */
  readonly memberResubmitted: number;
  /** Rules NON_COMPLIANT in a region the deployment cannot reach: counted and skipped. */
  readonly unreachable: number;
  /** Rules NON_COMPLIANT in another region of the deployment: that region's sweep re-drives them. */
  readonly otherRegion: number;
}

/** The names a target accepts, from the one matcher (`shared/rule-names.ts`). */
function namesOf(target: SweepTarget): RuleNames {
  return ruleNamesOf(
    {
      id: target.remediation,
      configRuleNames: target.names ?? target.rules,
      configRules: { managed: (target.managedNames ?? []).map((defaultName) => ({ defaultName })) },
    },
    target.names ?? target.rules,
  );
}

/**
 * The rules the aggregator reports NON_COMPLIANT, per account and region
 * (`DescribeAggregateComplianceByConfigRules`), within the page budget.
 */
export async function listNonCompliantRules(
  aggregatorName: string,
  ports: Pick<SweepPorts, 'config'>,
  pages: Budget,
): Promise<RuleInAccount[]> {
  const found: RuleInAccount[] = [];
  let token: string | undefined;
  while (pages.left > 0) {
    pages.left--;
    const out = await ports.config.send(
      new DescribeAggregateComplianceByConfigRulesCommand({
        ConfigurationAggregatorName: aggregatorName,
        Filters: { ComplianceType: 'NON_COMPLIANT' },
        Limit: 1000,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const row of out.AggregateComplianceByConfigRules ?? []) {
      if (row.Compliance?.ComplianceType !== 'NON_COMPLIANT') continue;
      if (!row.ConfigRuleName || !row.AccountId || !row.AwsRegion) continue;
      found.push({ rule: row.ConfigRuleName, account: row.AccountId, region: row.AwsRegion });
    }
    token = out.NextToken;
    if (!token) break;
  }
  return found;
}

/** Where a rule's results go: re-driven here, left to another region's sweep, or beyond reach. */
type Placement = 'here' | 'other-region' | 'unreachable';

function placementOf(region: string, settings: SweepSettings, ports: SweepPorts): Placement {
  if (!settings.deploymentRegions.includes(region)) return 'unreachable';
  return region === ports.region ? 'here' : 'other-region';
}

/**
 * Re-drives the NON_COMPLIANT results of one rule in one account and region
 * (`GetAggregateComplianceDetailsByConfigRule`), within the page and invocation budgets.
 */
async function redriveRule(
  found: RuleInAccount,
  target: SweepTarget,
  context: { aggregatorName: string; cutoff: number; ports: SweepPorts; budget: Budget; pages: Budget },
): Promise<number> {
  const { ports, budget, pages } = context;
  let resubmitted = 0;
  let token: string | undefined;
  while (pages.left > 0 && budget.left > 0) {
    pages.left--;
    const out = await ports.config.send(
      new GetAggregateComplianceDetailsByConfigRuleCommand({
        ConfigurationAggregatorName: context.aggregatorName,
        ConfigRuleName: found.rule,
        AccountId: found.account,
        AwsRegion: found.region,
        ComplianceType: 'NON_COMPLIANT',
        Limit: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const result of out.AggregateEvaluationResults ?? []) {
      if (budget.left <= 0) break;
      if (!sameAccountAndRegion(result, found)) continue;
      const where = { account: found.account, region: found.region };
      if (await resubmitResult(result, target, where, context)) resubmitted++;
    }
    token = out.NextToken;
    if (!token) break;
  }
  return resubmitted;
}

function sameAccountAndRegion(result: AggregateEvaluationResult, found: RuleInAccount): boolean {
  return result.AccountId === found.account && result.AwsRegion === found.region;
}

/**
 * Organization mode: reads the organization's Config aggregator and re-drives, as `airlock.sweep`
 * events carrying the member account and region, every result NON_COMPLIANT for longer than the grace
 * period of a rule a remediation accepts (its names under AWS's conventions: `OrgConfigRule-…`,
 * `…-conformance-pack-…`, `securityhub-…`). Rules this account's own pass re-checks are left to it;
 * regions beyond the deployment's are counted and skipped; at most {@link MAX_AGGREGATE_PAGES} pages
 * are read per run.
 *
 * @example
 * ```ts
 * const report = await recheckMemberAccounts(settings, ports, { left: 100 });
 * report.memberResubmitted; // 3
 * ```
 */
export async function recheckMemberAccounts(
  settings: SweepSettings,
  ports: SweepPorts,
  budget: Budget,
): Promise<MemberReport> {
  const report = { memberResubmitted: 0, unreachable: 0, otherRegion: 0 };
  const aggregatorName = settings.aggregatorName;
  if (!aggregatorName) return report;
  const pages = { left: MAX_AGGREGATE_PAGES };
  const targets = settings.targets.map((target) => ({ target, names: namesOf(target) }));
  const cutoff = ports.now() - settings.graceMinutes * 60_000;
  const unreachable = new Set<string>();
  for (const found of await listNonCompliantRules(aggregatorName, ports, pages)) {
    if (budget.left <= 0 || pages.left <= 0) break;
    const target = targets.find((t) => t.names.match(found.rule))?.target;
    if (!target || coveredHere(found, target, ports)) continue;
    const placement = placementOf(found.region, settings, ports);
    if (placement === 'unreachable') {
      report.unreachable++;
      unreachable.add(found.region);
      continue;
    }
    if (placement === 'other-region') {
      report.otherRegion++;
      continue;
    }
    const context = { aggregatorName, cutoff, ports, budget, pages };
    report.memberResubmitted += await redriveRule(found, target, context);
  }
  if (unreachable.size) {
    ports.logger.warn('regions not reachable', {
      regions: [...unreachable].sort(),
      rules: report.unreachable,
    });
  }
  return report;
}

/** A rule of this account and region that the account's own pass re-checks (`target.rules`). */
function coveredHere(found: RuleInAccount, target: SweepTarget, ports: SweepPorts): boolean {
  return (
    found.account === ports.account && found.region === ports.region && target.rules.includes(found.rule)
  );
}
