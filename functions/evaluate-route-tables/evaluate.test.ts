import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  DescribeRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createEvaluatorDeps,
  createEvaluatorHandler,
  EvaluationIncompleteError,
  evaluateConfigRule,
} from '../../shared/config-rule-evaluator.js';
import { EventRejectedError } from '../../shared/errors.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import { evaluateRouteTables } from './evaluate.js';

const ACCOUNT = '123456789012';
const ID = 'rtb-0123456789abcdef0';
const FOLDER = 'events/config-rule-lambda-invocation';
const LOCAL: Route = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};
const NAT: Route = {
  DestinationCidrBlock: '0.0.0.0/0',
  NatGatewayId: 'nat-0123456789abcdef0',
  Origin: 'CreateRoute',
  State: 'active',
};
const IGW: Route = {
  DestinationCidrBlock: '0.0.0.0/0',
  GatewayId: 'igw-0123456789abcdef0',
  Origin: 'CreateRoute',
  State: 'active',
};

const ec2 = mockClient(EC2Client);
const config = mockClient(ConfigServiceClient);
const ssm = mockClient(SSMClient);

type Invocation = Record<string, unknown> & { invokingEvent: string };

/**
 * A real invocation payload, adapted: its account (the published ones use a 13-digit placeholder),
 * and in the configuration item the resource type, id and region, where given.
 */
function invocation(
  file: string,
  item: Record<string, unknown> | undefined = { resourceType: 'AWS::EC2::RouteTable', resourceId: ID },
  envelope: Record<string, unknown> = {},
): Invocation {
  const raw = loadRealWorld<Invocation>(`${FOLDER}/${file}`);
  const event = JSON.parse(raw.invokingEvent) as Record<string, Record<string, unknown>>;
  const key = event.configurationItem
    ? 'configurationItem'
    : event.configurationItemSummary
      ? 'configurationItemSummary'
      : undefined;
  if (key && item) {
    event[key] = { ...event[key], awsAccountId: ACCOUNT, awsRegion: 'us-east-1', ...item };
  }
  if (event.awsAccountId) (event as Record<string, unknown>).awsAccountId = ACCOUNT;
  return {
    ...raw,
    accountId: ACCOUNT,
    configRuleArn: `arn:aws:config:us-east-1:${ACCOUNT}:config-rule/config-rule-abc123`,
    configRuleName: 'airlock-private-route-tables-no-internet-route',
    invokingEvent: JSON.stringify(event),
    ...envelope,
  };
}
const CHANGE = 'powertools__awsConfigRuleConfigurationChanged.json';
const SCHEDULED = 'powertools__awsConfigRuleScheduled.json';
const OVERSIZED = 'powertools__awsConfigRuleOversizedConfiguration.json';

/** The evaluator's dependencies; the deployment allows the account of the invocations. */
const deps = (env: Record<string, string> = {}) =>
  createEvaluatorDeps('evaluate-route-tables', { env: { AIRLOCK_ALLOWED_ACCOUNTS: ACCOUNT, ...env } });
const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });
const put = () => config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
const table = (id: string, routes: Route[], extra: Partial<RouteTable> = {}): RouteTable => ({
  RouteTableId: id,
  VpcId: 'vpc-0123456789abcdef0',
  Routes: routes,
  Associations: [],
  Tags: [],
  ...extra,
});

beforeEach(() => {
  ec2.reset();
  config.reset();
  ssm.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

describe('Function: evaluate-route-tables', () => {
  describe('on a configuration change', () => {
    it('reports NON_COMPLIANT, naming the route, when the live table routes to a NAT gateway', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, NAT])] });
      const event = invocation(CHANGE);

      // Act
      const report = await evaluateConfigRule(event, evaluateRouteTables, deps());

      // Assess
      expect(ec2.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input).toEqual({ RouteTableIds: [ID] });
      expect(put()).toEqual([
        {
          ResultToken: event.resultToken,
          Evaluations: [
            {
              ComplianceResourceType: 'AWS::EC2::RouteTable',
              ComplianceResourceId: ID,
              ComplianceType: 'NON_COMPLIANT',
              Annotation: 'routes to the internet: 0.0.0.0/0 -> nat-0123456789abcdef0 (active)',
              OrderingTimestamp: new Date('2023-04-27T15:03:11.636Z'),
            },
          ],
        },
      ]);
      expect(report.trigger).toBe('configuration-change');
    });

    it('reports COMPLIANT for a table with only local and endpoint routes', async () => {
      // Prepare
      const endpoint: Route = {
        DestinationPrefixListId: 'pl-68a54001',
        GatewayId: 'vpce-036452b71622c1bf8',
        Origin: 'CreateRoute',
        State: 'active',
      };
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, endpoint])] });

      // Act
      await evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps());

      // Assess
      expect(put()[0]?.Evaluations?.[0]).toMatchObject({
        ComplianceType: 'COMPLIANT',
        ComplianceResourceId: ID,
      });
    });

    /** The public tier (ID, and its one subnet) in the remediation settings of the environment. */
    const PUBLIC_TIER_ENV = {
      AIRLOCK_REMEDIATIONS: JSON.stringify({
        'strip-internet-routes': {
          settings: { publicRouteTableIds: [ID], publicSubnetIds: ['subnet-0a0a0a0a0a0a0a0a1'] },
        },
      }),
    };

    it('reads the public tier from the remediation settings in the environment', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, IGW])] });
      const env = PUBLIC_TIER_ENV;

      // Act
      await evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps(env));

      // Assess
      expect(put()[0]?.Evaluations?.[0]).toMatchObject({
        ComplianceType: 'COMPLIANT',
        Annotation: expect.stringContaining('public-tier'),
      });
      expect(ssm.calls()).toHaveLength(0);
    });

    it('rates a public-tier table NON_COMPLIANT when a private subnet is joined to it', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).resolves({
        RouteTables: [
          {
            ...table(ID, [LOCAL, IGW]),
            Associations: [
              {
                RouteTableAssociationId: 'rtbassoc-0c0c0c0c0c0c0c0c1',
                RouteTableId: ID,
                SubnetId: 'subnet-0b0b0b0b0b0b0b0b1',
              },
            ],
          },
        ],
      });
      const env = PUBLIC_TIER_ENV;

      // Act
      await evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps(env));

      // Assess
      expect(put()[0]?.Evaluations?.[0]).toMatchObject({
        ComplianceType: 'NON_COMPLIANT',
        ComplianceResourceId: ID,
      });
    });

    it.each([
      [
        'the resource left the scope',
        invocation(CHANGE, undefined, { eventLeftScope: true }),
        "left the rule's scope",
      ],
      [
        'the item says the resource was deleted',
        invocation(CHANGE, {
          resourceType: 'AWS::EC2::RouteTable',
          resourceId: ID,
          configurationItemStatus: 'ResourceDeleted',
        }),
        'ResourceDeleted',
      ],
    ])('reports NOT_APPLICABLE without reading the table when %s', async (_name, event, note) => {
      // Act
      await evaluateConfigRule(event, evaluateRouteTables, deps());

      // Assess
      expect(ec2.calls()).toHaveLength(0);
      expect(put()[0]?.Evaluations).toEqual([
        expect.objectContaining({
          ComplianceResourceId: ID,
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: expect.stringContaining(note),
        }),
      ]);
    });

    it('reports NOT_APPLICABLE when the table no longer exists live', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).rejects(awsError('InvalidRouteTableID.NotFound'));

      // Act
      await evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps());

      // Assess
      expect(put()[0]?.Evaluations?.[0]).toMatchObject({
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: 'the resource no longer exists',
      });
    });

    it('reports NOT_APPLICABLE for a resource of another type (the real security-group payload, as published)', async () => {
      // Prepare
      const event = loadRealWorld(
        `${FOLDER}/custodian__config-rule-invocation__security-group-ssh-0.0.0.0-0.json`,
      );

      // Act
      await evaluateConfigRule(event, evaluateRouteTables, deps());

      // Assess
      expect(ec2.calls()).toHaveLength(0);
      expect(put()[0]?.Evaluations).toEqual([
        expect.objectContaining({
          ComplianceResourceType: 'AWS::EC2::SecurityGroup',
          ComplianceResourceId: 'sg-e2fb6999',
          ComplianceType: 'NOT_APPLICABLE',
        }),
      ]);
    });

    it('fetches the item of an oversized notification with GetResourceConfigHistory, then reads the table live', async () => {
      // Prepare
      config.on(GetResourceConfigHistoryCommand).resolves({
        configurationItems: [
          {
            resourceType: 'AWS::EC2::RouteTable',
            resourceId: ID,
            configurationItemStatus: 'OK',
            configurationItemCaptureTime: new Date('2016-10-06T16:46:17.000Z'),
          },
        ],
      });
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, IGW])] });

      // Act
      await evaluateConfigRule(invocation(OVERSIZED), evaluateRouteTables, deps());

      // Assess
      expect(config.commandCalls(GetResourceConfigHistoryCommand)[0]?.args[0].input).toEqual({
        resourceType: 'AWS::EC2::RouteTable',
        resourceId: ID,
        limit: 1,
      });
      expect(put()[0]?.Evaluations).toEqual([
        expect.objectContaining({
          ComplianceType: 'NON_COMPLIANT',
          OrderingTimestamp: new Date('2016-10-06T16:46:17.000Z'),
        }),
      ]);
    });

    it('reports NOT_APPLICABLE when the history of an oversized item says it was deleted', async () => {
      // Prepare
      config.on(GetResourceConfigHistoryCommand).resolves({
        configurationItems: [
          {
            configurationItemStatus: 'ResourceDeleted',
            configurationItemCaptureTime: new Date('2016-10-06T16:46:17.000Z'),
          },
        ],
      });

      // Act
      await evaluateConfigRule(invocation(OVERSIZED), evaluateRouteTables, deps());

      // Assess
      expect(ec2.calls()).toHaveLength(0);
      expect(put()[0]?.Evaluations?.[0]).toMatchObject({ ComplianceType: 'NOT_APPLICABLE' });
    });

    it('keeps the annotation within 256 characters when many routes are wrong', async () => {
      // Prepare
      const many = Array.from(
        { length: 30 },
        (_, i): Route => ({
          DestinationCidrBlock: `52.${i}.0.0/16`,
          GatewayId: 'igw-0123456789abcdef0',
          Origin: 'CreateRoute',
          State: 'active',
        }),
      );
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, ...many])] });

      // Act
      await evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps());

      // Assess
      const note = put()[0]?.Evaluations?.[0]?.Annotation ?? '';
      expect(note.length).toBe(256);
      expect(
        note.startsWith('routes to the internet: 52.0.0.0/16 -> igw-0123456789abcdef0 (active); 52.1.0.0/16'),
      ).toBe(true);
      expect(note.endsWith('…')).toBe(true);
    });
  });

  describe('on a scheduled run', () => {
    it('evaluates every table over every page, reports vanished ones NOT_APPLICABLE, and puts in batches of 100', async () => {
      // Prepare: 250 tables over three pages, every fifth with a NAT route
      const tables = Array.from({ length: 250 }, (_, i) =>
        table(`rtb-${i.toString(16).padStart(17, '0')}`, i % 5 === 0 ? [LOCAL, NAT] : [LOCAL]),
      );
      ec2.on(DescribeRouteTablesCommand).callsFake(async (input: { NextToken?: string }) => {
        const start = Number(input.NextToken ?? 0);
        const next = start + 100;
        return {
          RouteTables: tables.slice(start, next),
          ...(next < tables.length ? { NextToken: String(next) } : {}),
        };
      });
      const previous = (id: string, type = 'AWS::EC2::RouteTable') => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ConfigRuleName: 'x', ResourceType: type, ResourceId: id },
        },
        ComplianceType: 'NON_COMPLIANT' as const,
      });
      config
        .on(GetComplianceDetailsByConfigRuleCommand)
        .resolvesOnce({
          EvaluationResults: [previous(tables[0]!.RouteTableId!), previous('rtb-0deaddeaddeaddead')],
          NextToken: 'p2',
        })
        .resolvesOnce({
          EvaluationResults: [
            previous('rtb-0feedfeedfeedfeed'),
            previous('sg-0123456789abcdef0', 'AWS::EC2::SecurityGroup'),
          ],
        });
      const event = invocation(SCHEDULED);

      // Act
      const report = await evaluateConfigRule(event, evaluateRouteTables, deps());

      // Assess
      expect(ec2.commandCalls(DescribeRouteTablesCommand).map((c) => c.args[0].input)).toEqual([
        { MaxResults: 100 },
        { MaxResults: 100, NextToken: '100' },
        { MaxResults: 100, NextToken: '200' },
      ]);
      expect(
        config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input),
      ).toEqual([
        {
          ConfigRuleName: 'airlock-private-route-tables-no-internet-route',
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
          Limit: 100,
        },
        {
          ConfigRuleName: 'airlock-private-route-tables-no-internet-route',
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
          Limit: 100,
          NextToken: 'p2',
        },
      ]);
      const batches = put();
      expect(batches.map((b) => b.Evaluations?.length)).toEqual([100, 100, 52]);
      for (const b of batches) expect(b.ResultToken).toBe(event.resultToken);
      const all = batches.flatMap((b) => b.Evaluations ?? []);
      expect(all.filter((e) => e.ComplianceType === 'NON_COMPLIANT')).toHaveLength(50);
      expect(all.filter((e) => e.ComplianceType === 'COMPLIANT')).toHaveLength(200);
      expect(
        all.filter((e) => e.ComplianceType === 'NOT_APPLICABLE').map((e) => e.ComplianceResourceId),
      ).toEqual(['rtb-0deaddeaddeaddead', 'rtb-0feedfeedfeedfeed']);
      for (const e of all) expect(e.OrderingTimestamp).toEqual(new Date('2023-04-27T13:26:17.741Z'));
      expect(report).toMatchObject({ trigger: 'periodic', unreadable: [] });
    });

    it('fails, so that Config retries, when it refuses evaluations', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL])] });
      config.on(PutEvaluationsCommand).resolves({
        FailedEvaluations: [
          {
            ComplianceResourceType: 'AWS::EC2::RouteTable',
            ComplianceResourceId: ID,
            ComplianceType: 'COMPLIANT',
            OrderingTimestamp: new Date(),
          },
        ],
      });

      // Act
      const run = evaluateConfigRule(invocation(SCHEDULED), evaluateRouteTables, deps());

      // Assess
      await expect(run).rejects.toBeInstanceOf(EvaluationIncompleteError);
    });

    it('lets a Config error through, so that the invocation is retried', async () => {
      // Prepare
      ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
      config.on(GetComplianceDetailsByConfigRuleCommand).rejects(
        new ConfigServiceServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: {},
          message: 'slow down',
        }),
      );

      // Act / Assess
      await expect(evaluateConfigRule(invocation(SCHEDULED), evaluateRouteTables, deps())).rejects.toThrow(
        'slow down',
      );
      expect(put()).toHaveLength(0);
    });
  });

  describe('on junk', () => {
    const scheduled = () => invocation(SCHEDULED);
    it.each([
      ['null', null, /not a Config rule invocation/],
      ['an empty object', {}, /not a Config rule invocation/],
      [
        'an EventBridge compliance event',
        complianceEvent({ resourceType: 'AWS::EC2::RouteTable', resourceId: ID, rule: 'x' }),
        /not a Config rule invocation/,
      ],
      [
        'a published payload with its 13-digit placeholder account',
        loadRealWorld(`${FOLDER}/${SCHEDULED}`),
        /configRuleArn: must be a Config rule ARN/,
      ],
      ['an invoking event that is not JSON', { ...scheduled(), invokingEvent: '{oops' }, /not JSON/],
      [
        'an unknown message type',
        { ...scheduled(), invokingEvent: JSON.stringify({ messageType: 'Surprise' }) },
        /invokingEvent/,
      ],
      [
        'a route table id that is not one',
        invocation(CHANGE, { resourceType: 'AWS::EC2::RouteTable', resourceId: 'rtb-../../etc' }),
        /is not a route table id/,
      ],
      [
        'an item from another account',
        invocation(CHANGE, {
          resourceType: 'AWS::EC2::RouteTable',
          resourceId: ID,
          awsAccountId: '210987654321',
        }),
        /account 210987654321/,
      ],
      [
        'an item from another region',
        invocation(CHANGE, { resourceType: 'AWS::EC2::RouteTable', resourceId: ID, awsRegion: 'eu-west-1' }),
        /eu-west-1/,
      ],
      ['a proactive evaluation', { ...scheduled(), evaluationMode: 'PROACTIVE' }, /proactive/],
      [
        'a rule ARN from another account',
        { ...scheduled(), configRuleArn: 'arn:aws:config:us-east-1:210987654321:config-rule/config-rule-x' },
        /account/,
      ],
    ])('rejects %s with a clear error and zero AWS calls', async (_name, input, message) => {
      // Act
      const run = evaluateConfigRule(input, evaluateRouteTables, deps());

      // Assess
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toBeInstanceOf(EventRejectedError);
      expect(ec2.calls().length + config.calls().length + ssm.calls().length).toBe(0);
    });

    it.each([
      [
        'an account outside the allowlist',
        { AIRLOCK_ALLOWED_ACCOUNTS: '210987654321' },
        /account 123456789012 is not in this deployment's allowlist/,
      ],
      [
        'a region this function cannot reach',
        { AIRLOCK_REACHABLE_REGIONS: 'eu-west-2', AIRLOCK_DEPLOYMENT_REGIONS: 'eu-west-2' },
        /region us-east-1 cannot be reached from this function, which reaches eu-west-2 only/,
      ],
    ])('refuses an invocation from %s before any call', async (_name, env, message) => {
      // Act
      const run = evaluateConfigRule(invocation(CHANGE), evaluateRouteTables, deps(env));

      // Assess
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toBeInstanceOf(EventRejectedError);
      expect(ec2.calls().length + config.calls().length + ssm.calls().length).toBe(0);
    });
  });

  it('calls only the IAM actions it declares', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(ID, [LOCAL, NAT])] });
    config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
    const handler = createEvaluatorHandler(evaluateRouteTables, {
      env: { AIRLOCK_ALLOWED_ACCOUNTS: ACCOUNT },
    });

    // Act
    for (const event of [invocation(CHANGE), invocation(OVERSIZED), invocation(SCHEDULED)])
      await handler(event);

    // Assess
    const named = (service: string, calls: { args: unknown[] }[]) =>
      calls.map((c) => `${service}:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`);
    const actions = [...named('ec2', ec2.calls()), ...named('config', config.calls())];
    expect(new Set(actions)).toEqual(
      new Set([
        'ec2:DescribeRouteTables',
        'config:GetResourceConfigHistory',
        'config:GetComplianceDetailsByConfigRule',
        'config:PutEvaluations',
      ]),
    );
    for (const action of actions) expect(evaluateRouteTables.permissions).toContain(action);
  });
});
