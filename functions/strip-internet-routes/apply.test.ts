import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { testContext } from '../../test/helpers/context.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { applyRouteStep } from './apply.js';
import { stripInternetRoutes } from './index.js';
import type { RouteStep } from './plan.js';

const ID = 'rtb-0123456789abcdef0';
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
  State: 'blackhole',
};
const EIGW: Route = {
  DestinationIpv6CidrBlock: '::/0',
  EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0',
  Origin: 'CreateRoute',
  State: 'active',
};
const ENDPOINT: Route = {
  DestinationPrefixListId: 'pl-68a54001',
  GatewayId: 'vpce-036452b71622c1bf8',
  Origin: 'CreateRoute',
  State: 'active',
};

const ec2 = mockClient(EC2Client);

const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

/** EC2 holding one route table: DeleteRoute removes the route with that exact destination. */
function statefulTable(initial: Route[], extra: Partial<RouteTable> = {}) {
  let routes = [...initial];
  ec2.on(DescribeRouteTablesCommand).callsFake(async () => ({
    RouteTables: [
      {
        RouteTableId: ID,
        VpcId: 'vpc-0123456789abcdef0',
        Routes: routes,
        Associations: [],
        Tags: [],
        ...extra,
      },
    ],
  }));
  ec2.on(DeleteRouteCommand).callsFake(async (input: Record<string, string>) => {
    const same = (r: Route) =>
      (input.DestinationCidrBlock && r.DestinationCidrBlock === input.DestinationCidrBlock) ||
      (input.DestinationIpv6CidrBlock && r.DestinationIpv6CidrBlock === input.DestinationIpv6CidrBlock) ||
      (input.DestinationPrefixListId && r.DestinationPrefixListId === input.DestinationPrefixListId);
    if (!routes.some(same)) throw awsError('InvalidRoute.NotFound');
    routes = routes.filter((r) => !same(r));
    return {};
  });
  return { routes: () => routes, remove: (r: Route) => (routes = routes.filter((x) => x !== r)) };
}

function deps(records: AuditRecord[], settings: Record<string, unknown> = {}) {
  return createDeps('strip-internet-routes', {
    env: {},
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...settings },
    onRecord: (r) => records.push(r),
  });
}
const event = () =>
  complianceEvent({
    resourceType: 'AWS::EC2::RouteTable',
    resourceId: ID,
    rule: 'airlock-private-route-tables-no-internet-route',
  });

beforeEach(() => {
  ec2.reset();
});

describe('Function: strip-internet-routes through the pipeline', () => {
  it('deletes the NAT and egress-only routes by exact destination, verifies, and records undo', async () => {
    // Prepare
    const table = statefulTable([LOCAL, NAT, EIGW, ENDPOINT]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(table.routes()).toEqual([LOCAL, ENDPOINT]);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input).toEqual({ RouteTableIds: [ID] });
    expect(ec2.commandCalls(DeleteRouteCommand).map((c) => c.args[0].input)).toEqual([
      { RouteTableId: ID, DestinationCidrBlock: '0.0.0.0/0' },
      { RouteTableId: ID, DestinationIpv6CidrBlock: '::/0' },
    ]);
    expect(ec2.commandCalls(CreateRouteCommand)).toHaveLength(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      remediation: 'strip-internet-routes',
      resource: { type: 'AWS::EC2::RouteTable', id: ID },
      verification: { status: 'compliant' },
      steps: [
        {
          api: 'DeleteRoute',
          result: 'applied',
          before: { route: NAT },
          undo: [
            {
              api: 'CreateRoute',
              input: {
                RouteTableId: ID,
                DestinationCidrBlock: '0.0.0.0/0',
                NatGatewayId: 'nat-0123456789abcdef0',
              },
            },
          ],
        },
        { api: 'DeleteRoute', result: 'applied', before: { route: EIGW } },
      ],
    });
  });

  it('counts a route already deleted by someone else (InvalidRoute.NotFound) as done', async () => {
    // Prepare
    const table = statefulTable([LOCAL, NAT]);
    ec2.on(DeleteRouteCommand).callsFake(async () => {
      table.remove(NAT);
      throw awsError('InvalidRoute.NotFound');
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'InvalidRoute.NotFound' },
    });
    expect(records[0]?.verification).toEqual({ status: 'compliant' });
  });

  it('counts a route table deleted meanwhile (InvalidRouteTableID.NotFound) as done, and says it is gone', async () => {
    // Prepare
    statefulTable([LOCAL, NAT]);
    let deleted = false;
    ec2.on(DeleteRouteCommand).callsFake(async () => {
      deleted = true;
      throw awsError('InvalidRouteTableID.NotFound');
    });
    ec2.on(DescribeRouteTablesCommand).callsFake(async () => {
      if (deleted) throw awsError('InvalidRouteTableID.NotFound');
      return { RouteTables: [{ RouteTableId: ID, Routes: [LOCAL, NAT] }] };
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({ result: 'already-done' });
    expect(records[0]?.verification).toMatchObject({
      status: 'compliant',
      detail: 'the resource no longer exists',
    });
  });

  it('records NOOP when the route table does not exist', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).rejects(awsError('InvalidRouteTableID.NotFound'));
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
    expect(ec2.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  it('never touches a public-tier route table named in the settings', async () => {
    // Prepare
    statefulTable([
      LOCAL,
      {
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: 'igw-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ]);
    const records: AuditRecord[] = [];
    const settings = {
      remediations: {
        'strip-internet-routes': {
          settings: { publicRouteTableIds: [ID], publicSubnetIds: ['subnet-0a0a0a0a0a0a0a0a1'] },
        },
      },
    };

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records, settings));

    // Assess
    expect(result.outcome).toBe('NOOP');
    expect(result.reason).toContain('public-tier');
    expect(ec2.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  it('writes nothing and records PLANNED in dry-run mode', async () => {
    // Prepare
    const table = statefulTable([LOCAL, NAT]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), stripInternetRoutes, deps(records, { mode: 'dry-run' }));

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(table.routes()).toEqual([LOCAL, NAT]);
    expect(ec2.commandCalls(DeleteRouteCommand)).toHaveLength(0);
  });

  it('fails with a FAILED record when EC2 refuses the deletion', async () => {
    // Prepare
    statefulTable([LOCAL, NAT]);
    ec2.on(DeleteRouteCommand).rejects(awsError('UnauthorizedOperation'));
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), stripInternetRoutes, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      steps: [{ result: 'failed', error: { name: 'UnauthorizedOperation' } }],
    });
  });
});

describe('Function: applyRouteStep', () => {
  const ctx = () => testContext('strip-internet-routes');

  it('re-creates a route to its original target with exactly one CreateRoute (undo)', async () => {
    // Prepare
    ec2.on(CreateRouteCommand).resolves({ Return: true });
    const step: RouteStep = {
      action: 'ec2:CreateRoute',
      input: {
        RouteTableId: ID,
        DestinationIpv6CidrBlock: '::/0',
        EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0',
      },
      reason: 'undo',
      before: { route: EIGW },
    };

    // Act
    await applyRouteStep(step, ctx());

    // Assess
    expect(ec2.calls()).toHaveLength(1);
    expect(ec2.commandCalls(CreateRouteCommand)[0]?.args[0].input).toEqual(step.input);
  });

  it('declares RouteAlreadyExists (create) and InvalidRoute.NotFound (delete) as already done', async () => {
    // Prepare
    ec2.on(CreateRouteCommand).rejects(awsError('RouteAlreadyExists'));
    const step: RouteStep = {
      action: 'ec2:CreateRoute',
      input: { RouteTableId: ID, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' },
      reason: 'undo',
      before: { route: NAT },
    };

    // Act
    const error = await applyRouteStep(step, ctx()).catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe('RouteAlreadyExists');
    expect(stripInternetRoutes.alreadyDoneErrors).toEqual(
      expect.arrayContaining(['RouteAlreadyExists', 'InvalidRoute.NotFound']),
    );
  });
});
