import {
  DescribeAggregateComplianceByConfigRulesCommand,
  type DescribeAggregateComplianceByConfigRulesResponse,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseComplianceEvent } from '../../shared/event.js';
import { MAX_AGGREGATE_PAGES } from './member-accounts.js';
import type { SweepSettings } from './settings.js';
import { runSweep } from './sweep.js';
import {
  evaluationResult,
  HOME,
  invokedPayloads,
  mockSweepClients,
  resetSweepClients,
  SETTINGS,
  sweepPorts,
} from './test-support.js';

const mocks = mockSweepClients();
const { lambda, config } = mocks;

const MEMBER = '444455556666';
const AGGREGATOR = 'airlock-organization';
const ORG: SweepSettings = { ...SETTINGS, aggregatorName: AGGREGATOR };
const ORG_RULE = 'OrgConfigRule-restricted-ssh-a1b2c3d4';

/** One row of DescribeAggregateComplianceByConfigRules, as Config returns it. */
const ruleRow = (ConfigRuleName: string, AccountId: string, AwsRegion: string = HOME.region) => ({
  ConfigRuleName,
  Compliance: {
    ComplianceType: 'NON_COMPLIANT' as const,
    ComplianceContributorCount: { CappedCount: 1, CapExceeded: false },
  },
  AccountId,
  AwsRegion,
});

/** One AggregateEvaluationResult of GetAggregateComplianceDetailsByConfigRule, as Config returns it. */
const result = (rule: string, resourceId: string, account = MEMBER, recorded = '2026-11-22T07:00:05Z') => ({
  ...evaluationResult(rule, resourceId, recorded),
  AccountId: account,
  AwsRegion: HOME.region,
});

function aggregatorReports(
  rows: DescribeAggregateComplianceByConfigRulesResponse['AggregateComplianceByConfigRules'],
) {
  config
    .on(DescribeAggregateComplianceByConfigRulesCommand)
    .resolves({ AggregateComplianceByConfigRules: rows });
}

beforeEach(() => {
  resetSweepClients(mocks);
  config.on(GetAggregateComplianceDetailsByConfigRuleCommand).resolves({ AggregateEvaluationResults: [] });
});

describe('Function: runSweep (member accounts, through the organization aggregator)', () => {
  it("re-drives a member account's NON_COMPLIANT result as a sweep event of that account and region", async () => {
    // Prepare
    aggregatorReports([ruleRow(ORG_RULE, MEMBER)]);
    config
      .on(GetAggregateComplianceDetailsByConfigRuleCommand, { ConfigRuleName: ORG_RULE, AccountId: MEMBER })
      .resolves({
        AggregateEvaluationResults: [
          result(ORG_RULE, 'sg-0123456789abcdef0'),
          result(ORG_RULE, 'sg-0fedcba9876543210', MEMBER, '2026-11-22T08:50:00Z'),
        ],
      });

    // Act
    const report = await runSweep(ORG, sweepPorts());

    // Assess
    expect(report).toMatchObject({ memberResubmitted: 1, unreachable: 0 });
    expect(config.commandCalls(DescribeAggregateComplianceByConfigRulesCommand)[0]?.args[0].input).toEqual({
      ConfigurationAggregatorName: AGGREGATOR,
      Filters: { ComplianceType: 'NON_COMPLIANT' },
      Limit: 1000,
    });
    expect(config.commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand)[0]?.args[0].input).toEqual({
      ConfigurationAggregatorName: AGGREGATOR,
      ConfigRuleName: ORG_RULE,
      AccountId: MEMBER,
      AwsRegion: HOME.region,
      ComplianceType: 'NON_COMPLIANT',
      Limit: 100,
    });
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe('airlock-revoke-open-ssh');
    expect(parseComplianceEvent(invokedPayloads(lambda)[0])).toMatchObject({
      trigger: 'sweep',
      account: MEMBER,
      region: HOME.region,
      rule: ORG_RULE,
      resourceId: 'sg-0123456789abcdef0',
      evaluationTime: '2026-11-22T07:00:00.000Z',
    });
  });

  it('recognises the names AWS gives the rule in member accounts, and only those', async () => {
    // Prepare
    const names = [
      'restricted-ssh',
      'restricted-ssh-conformance-pack-x1y2z3',
      'securityhub-restricted-ssh-e5f6a7',
      'restricted-ssh-v2',
      'OrgConfigRule-s3-bucket-public-read-prohibited-a1b2',
    ];
    aggregatorReports(names.map((name) => ruleRow(name, MEMBER)));
    config
      .on(GetAggregateComplianceDetailsByConfigRuleCommand)
      .callsFake((input: { ConfigRuleName: string }) => ({
        AggregateEvaluationResults: [result(input.ConfigRuleName, 'sg-0123456789abcdef0')],
      }));

    // Act
    const report = await runSweep(ORG, sweepPorts());

    // Assess
    expect(report.memberResubmitted).toBe(3);
    expect(
      config
        .commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand)
        .map((c) => c.args[0].input.ConfigRuleName),
    ).toEqual(names.slice(0, 3));
  });

  it('counts and skips regions the deployment cannot reach, leaves other deployment regions to their sweep', async () => {
    // Prepare
    aggregatorReports([
      ruleRow(ORG_RULE, MEMBER, 'ap-southeast-2'),
      ruleRow(ORG_RULE, MEMBER, 'eu-central-1'),
      ruleRow(ORG_RULE, MEMBER),
    ]);

    // Act
    const report = await runSweep({ ...ORG, deploymentRegions: [HOME.region, 'eu-central-1'] }, sweepPorts());

    // Assess
    expect(report).toMatchObject({ unreachable: 1, otherRegion: 1 });
    expect(
      config
        .commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand)
        .map((c) => c.args[0].input.AwsRegion),
    ).toEqual([HOME.region]);
  });

  it("leaves this account's own rules to its own pass, and skips a result of another account than asked", async () => {
    // Prepare
    aggregatorReports([ruleRow('airlock-restricted-ssh', HOME.account), ruleRow(ORG_RULE, MEMBER)]);
    config
      .on(GetAggregateComplianceDetailsByConfigRuleCommand)
      .resolves({ AggregateEvaluationResults: [result(ORG_RULE, 'sg-0123456789abcdef0', '777788889999')] });

    // Act
    const report = await runSweep(ORG, sweepPorts());

    // Assess
    expect(report.memberResubmitted).toBe(0);
    expect(
      config
        .commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand)
        .map((c) => c.args[0].input.AccountId),
    ).toEqual([MEMBER]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('reads at most a bounded number of pages per run, and stops at the invocation budget', async () => {
    // Prepare
    aggregatorReports(Array.from({ length: 50 }, (_, i) => ruleRow(ORG_RULE, String(100000000000 + i))));
    config.on(GetAggregateComplianceDetailsByConfigRuleCommand).callsFake((input: { AccountId: string }) => ({
      AggregateEvaluationResults: [],
      NextToken: `more-${input.AccountId}`,
    }));

    // Act
    await runSweep(ORG, sweepPorts());

    // Assess
    const pages =
      config.commandCalls(DescribeAggregateComplianceByConfigRulesCommand).length +
      config.commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand).length;
    expect(pages).toBe(MAX_AGGREGATE_PAGES);

    // Prepare (budget)
    config.reset();
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
    aggregatorReports([ruleRow(ORG_RULE, MEMBER)]);
    config.on(GetAggregateComplianceDetailsByConfigRuleCommand).resolves({
      AggregateEvaluationResults: Array.from({ length: 5 }, (_, i) =>
        result(ORG_RULE, `sg-0123456789abcdef${i}`),
      ),
    });
    lambda.resetHistory();

    // Act
    const report = await runSweep({ ...ORG, maxInvocations: 3 }, sweepPorts());

    // Assess
    expect(report.memberResubmitted).toBe(3);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(3);
  });

  it('reads no aggregator without one (a single account)', async () => {
    // Act
    const report = await runSweep(SETTINGS, sweepPorts());

    // Assess
    expect(report).toMatchObject({ memberResubmitted: 0, unreachable: 0, otherRegion: 0 });
    expect(config.commandCalls(DescribeAggregateComplianceByConfigRulesCommand)).toHaveLength(0);
  });
});
