import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRoute,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createEvaluatorDeps,
  EvaluationIncompleteError,
  evaluateConfigRule,
} from '../../shared/config-rule-evaluator.js';
import { EventRejectedError } from '../../shared/errors.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import { evaluateTgwRoutes } from './evaluate.js';

const ACCOUNT = '123456789012';
const ID = 'tgw-rtb-0123456789abcdef0';
const FOLDER = 'events/config-rule-lambda-invocation';
const ATTACH = [
  {
    TransitGatewayAttachmentId: 'tgw-attach-0aaaaaaaaaaaaaaaa',
    ResourceId: 'vpc-0123456789abcdef0',
    ResourceType: 'vpc' as const,
  },
];
const POD_STATIC: TransitGatewayRoute = {
  DestinationCidrBlock: '100.64.1.0/24',
  TransitGatewayAttachments: ATTACH,
  Type: 'static',
  State: 'active',
};
const POD_PROPAGATED: TransitGatewayRoute = {
  ...POD_STATIC,
  DestinationCidrBlock: '100.64.2.0/24',
  Type: 'propagated',
};
const POD_BLACKHOLE: TransitGatewayRoute = {
  DestinationCidrBlock: '100.64.2.0/24',
  Type: 'static',
  State: 'blackhole',
};
const NODE: TransitGatewayRoute = { ...POD_STATIC, DestinationCidrBlock: '10.0.0.0/16', Type: 'propagated' };
const DEFAULT: TransitGatewayRoute = { ...POD_STATIC, DestinationCidrBlock: '0.0.0.0/0' };

const ec2 = mockClient(EC2Client);
const config = mockClient(ConfigServiceClient);

type Invocation = Record<string, unknown> & { invokingEvent: string };
/** A real invocation payload, adapted: its account, and the configuration item's type, id and region. */
function invocation(file: string, item: Record<string, unknown> = {}): Invocation {
  const raw = loadRealWorld<Invocation>(`${FOLDER}/${file}`);
  const event = JSON.parse(raw.invokingEvent) as Record<string, unknown>;
  if (event.configurationItem) {
    event.configurationItem = {
      ...(event.configurationItem as object),
      resourceType: 'AWS::EC2::TransitGatewayRouteTable',
      resourceId: ID,
      awsAccountId: ACCOUNT,
      awsRegion: 'eu-west-2',
      ...item,
    };
  }
  if (event.awsAccountId) event.awsAccountId = ACCOUNT;
  return {
    ...raw,
    accountId: ACCOUNT,
    configRuleArn: `arn:aws:config:eu-west-2:${ACCOUNT}:config-rule/config-rule-tgw001`,
    configRuleName: 'airlock-tgw-route-tables-no-pod-cidr',
    invokingEvent: JSON.stringify(event),
  };
}
const CHANGE = 'powertools__awsConfigRuleConfigurationChanged.json';
const SCHEDULED = 'powertools__awsConfigRuleScheduled.json';

/** The evaluator's dependencies; the deployment allows the account of the invocations. */
const deps = (env: Record<string, string> = {}) =>
  createEvaluatorDeps('evaluate-tgw-routes', { env: { AIRLOCK_ALLOWED_ACCOUNTS: ACCOUNT, ...env } });
const put = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);

/** EC2 with transit gateway route tables; the search ignores its filter and returns every route. */
function tgw(
  tables: Record<string, TransitGatewayRoute[] | 'unreadable'>,
  states: Record<string, string> = {},
) {
  const ids = Object.keys(tables);
  ec2
    .on(DescribeTransitGatewayRouteTablesCommand)
    .callsFake(async (input: { TransitGatewayRouteTableIds?: string[]; NextToken?: string }) => {
      const wanted = input.TransitGatewayRouteTableIds ?? ids;
      const start = Number(input.NextToken ?? 0);
      const page = input.TransitGatewayRouteTableIds ? wanted : wanted.slice(start, start + 2);
      const next =
        !input.TransitGatewayRouteTableIds && start + 2 < wanted.length ? String(start + 2) : undefined;
      return {
        TransitGatewayRouteTables: page.map((id) => ({
          TransitGatewayRouteTableId: id,
          State: (states[id] ?? 'available') as 'available',
        })),
        ...(next ? { NextToken: next } : {}),
      };
    });
  ec2
    .on(SearchTransitGatewayRoutesCommand)
    .callsFake(async (input: { TransitGatewayRouteTableId: string }) => {
      const routes = tables[input.TransitGatewayRouteTableId];
      if (routes === 'unreadable') {
        throw new EC2ServiceException({
          name: 'RequestLimitExceeded',
          $fault: 'client',
          $metadata: {},
          message: 'slow down',
        });
      }
      return { Routes: routes ?? [], AdditionalRoutesAvailable: false };
    });
}

beforeEach(() => {
  ec2.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

describe('Function: evaluate-tgw-routes', () => {
  it('reports NON_COMPLIANT on change, naming the pod-CIDR routes, read live with the searches', async () => {
    // Prepare
    tgw({ [ID]: [POD_STATIC, POD_PROPAGATED, NODE, DEFAULT] });
    const event = invocation(CHANGE);

    // Act
    await evaluateConfigRule(event, evaluateTgwRoutes, deps());

    // Assess
    expect(ec2.commandCalls(SearchTransitGatewayRoutesCommand)).toHaveLength(2);
    expect(put()).toEqual([
      {
        ComplianceResourceType: 'AWS::EC2::TransitGatewayRouteTable',
        ComplianceResourceId: ID,
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringMatching(
          /^routes into the pod CIDR: 100\.64\.1\.0\/24 static -> tgw-attach-0aaaaaaaaaaaaaaaa \(active\): replaced with a blackhole; 100\.64\.2\.0\/24 propagated from tgw-attach-0aaaaaaaaaaaaaaaa \(active\): override with a static blackhole; 100\.64\.0\.0\/10 is reached through 0\.0/,
        ),
        OrderingTimestamp: new Date('2023-04-27T15:03:11.636Z'),
      },
    ]);
  });

  it('reports NON_COMPLIANT for a covering route that carries the pod CIDR: 100.0.0.0/8 to the EKS attachment', async () => {
    // Prepare: no route inside the pod CIDR at all
    tgw({ [ID]: [{ ...POD_STATIC, DestinationCidrBlock: '100.0.0.0/8' }, NODE] });

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateTgwRoutes, deps());

    // Assess
    expect(put()).toEqual([
      expect.objectContaining({
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringContaining(
          '100.64.0.0/10 is reached through 100.0.0.0/8 static -> tgw-attach-0aaaaaaaaaaaaaaaa (active)',
        ),
      }),
    ]);
  });

  it('reports COMPLIANT when the pod CIDR is blackholed, and says which supernets remain', async () => {
    // Prepare
    tgw({
      [ID]: [
        POD_BLACKHOLE,
        { ...POD_BLACKHOLE, DestinationCidrBlock: '100.64.0.0/10' },
        POD_PROPAGATED,
        NODE,
        DEFAULT,
      ],
    });

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateTgwRoutes, deps());

    // Assess
    expect(put()).toEqual([
      expect.objectContaining({
        ComplianceType: 'COMPLIANT',
        Annotation: expect.stringContaining('0.0.0.0/0'),
      }),
    ]);
  });

  it('searches the pod CIDRs the remediation settings name', async () => {
    // Prepare
    tgw({ [ID]: [NODE] });
    const env = {
      AIRLOCK_REMEDIATIONS: JSON.stringify({
        'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['10.0.0.0/16'] } },
      }),
    };

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateTgwRoutes, deps(env));

    // Assess
    expect(ec2.commandCalls(SearchTransitGatewayRoutesCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'route-search.subnet-of-match', Values: ['10.0.0.0/16'] }],
      [{ Name: 'route-search.supernet-of-match', Values: ['10.0.0.0/16'] }],
    ]);
    expect(put()[0]).toMatchObject({ ComplianceType: 'NON_COMPLIANT' });
  });

  it('refuses to evaluate with invalid pod CIDRs in the settings, before any AWS call', async () => {
    // Prepare
    const env = {
      AIRLOCK_REMEDIATIONS: JSON.stringify({
        'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['nope'] } },
      }),
    };

    // Act / Assess
    await expect(evaluateConfigRule(invocation(CHANGE), evaluateTgwRoutes, deps(env))).rejects.toThrow(
      /settings of remove-pod-cidr-tgw-routes/,
    );
    expect(ec2.calls().length + config.calls().length).toBe(0);
  });

  it('rejects a transit gateway route table id that is not one, with zero AWS calls', async () => {
    // Act
    const run = evaluateConfigRule(
      invocation(CHANGE, { resourceId: 'tgw-rtb-;drop' }),
      evaluateTgwRoutes,
      deps(),
    );

    // Assess
    await expect(run).rejects.toBeInstanceOf(EventRejectedError);
    expect(ec2.calls().length + config.calls().length).toBe(0);
  });

  it('evaluates every table on schedule over pages, skips tables being deleted, reports vanished ones NOT_APPLICABLE', async () => {
    // Prepare
    tgw(
      {
        'tgw-rtb-0aaaaaaaaaaaaaaaa': [POD_STATIC],
        'tgw-rtb-0bbbbbbbbbbbbbbbb': [NODE],
        'tgw-rtb-0cccccccccccccccc': [POD_STATIC],
      },
      { 'tgw-rtb-0cccccccccccccccc': 'deleting' },
    );
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: ['tgw-rtb-0bbbbbbbbbbbbbbbb', 'tgw-rtb-0cccccccccccccccc'].map((id) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ResourceType: 'AWS::EC2::TransitGatewayRouteTable', ResourceId: id },
        },
      })),
    });

    // Act
    const report = await evaluateConfigRule(invocation(SCHEDULED), evaluateTgwRoutes, deps());

    // Assess
    expect(ec2.commandCalls(DescribeTransitGatewayRouteTablesCommand).map((c) => c.args[0].input)).toEqual([
      { MaxResults: 100 },
      { MaxResults: 100, NextToken: '2' },
    ]);
    expect(put().map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['tgw-rtb-0aaaaaaaaaaaaaaaa', 'NON_COMPLIANT'],
      ['tgw-rtb-0bbbbbbbbbbbbbbbb', 'COMPLIANT'],
      ['tgw-rtb-0cccccccccccccccc', 'NOT_APPLICABLE'],
    ]);
    expect(report.unreadable).toEqual([]);
  });

  it('puts what it could read, never calls an unreadable table vanished, and fails so that it is retried', async () => {
    // Prepare
    tgw({ 'tgw-rtb-0aaaaaaaaaaaaaaaa': [POD_STATIC], 'tgw-rtb-0bbbbbbbbbbbbbbbb': 'unreadable' });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ResourceType: 'AWS::EC2::TransitGatewayRouteTable',
              ResourceId: 'tgw-rtb-0bbbbbbbbbbbbbbbb',
            },
          },
        },
      ],
    });

    // Act
    const run = evaluateConfigRule(invocation(SCHEDULED), evaluateTgwRoutes, deps());

    // Assess
    await expect(run).rejects.toBeInstanceOf(EvaluationIncompleteError);
    expect(put().map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['tgw-rtb-0aaaaaaaaaaaaaaaa', 'NON_COMPLIANT'],
    ]);
  });

  it('declares exactly the read actions of its remediation plus the Config and settings actions', () => {
    expect(evaluateTgwRoutes.permissions).toEqual([
      'ec2:DescribeTransitGatewayRouteTables',
      'ec2:SearchTransitGatewayRoutes',
      'config:PutEvaluations',
      'config:GetComplianceDetailsByConfigRule',
      'config:GetResourceConfigHistory',
      'ssm:GetParameter',
    ]);
  });
});
