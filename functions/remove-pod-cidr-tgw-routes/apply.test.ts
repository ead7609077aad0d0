import {
  CreateTransitGatewayRouteCommand,
  DeleteTransitGatewayRouteCommand,
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  EC2ServiceException,
  ReplaceTransitGatewayRouteCommand,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRoute,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  placeResources,
  SimulatedCloud,
  simState,
  tgwAttachment,
  tgwRoute,
  tgwRouteTable,
} from '../../cli/sim/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { removePodCidrTgwRoutes } from './index.js';

const ID = 'tgw-rtb-0123456789abcdef0';
const ATTACH = 'tgw-attach-0aaaaaaaaaaaaaaaa';
const route = (
  cidr: string,
  type: 'static' | 'propagated',
  state: 'active' | 'blackhole' = 'active',
): TransitGatewayRoute => ({
  DestinationCidrBlock: cidr,
  Type: type,
  State: state,
  ...(state === 'active'
    ? {
        TransitGatewayAttachments: [
          { TransitGatewayAttachmentId: ATTACH, ResourceId: 'vpc-0123456789abcdef0', ResourceType: 'vpc' },
        ],
      }
    : {}),
});
const POD_STATIC = route('100.64.1.0/24', 'static');
const POD_PROPAGATED = route('100.64.2.0/24', 'propagated');
const NODE = route('10.0.0.0/16', 'propagated');
const DEFAULT = route('0.0.0.0/0', 'static');

const ec2 = mockClient(EC2Client);
const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

/**
 * EC2 holding one transit gateway route table. The search ignores its filters and returns every
 * route in effect (a static route hides propagated ones for its prefix): the planner must filter.
 */
function statefulTgw(initial: TransitGatewayRoute[], additional = false) {
  let routes = [...initial];
  ec2.on(DescribeTransitGatewayRouteTablesCommand).resolves({
    TransitGatewayRouteTables: [
      { TransitGatewayRouteTableId: ID, TransitGatewayId: 'tgw-0123456789abcdef0', State: 'available' },
    ],
  });
  ec2.on(SearchTransitGatewayRoutesCommand).callsFake(async () => {
    const statics = new Set(routes.filter((r) => r.Type === 'static').map((r) => r.DestinationCidrBlock));
    return {
      Routes: routes.filter((r) => r.Type === 'static' || !statics.has(r.DestinationCidrBlock)),
      AdditionalRoutesAvailable: additional,
    };
  });
  ec2.on(DeleteTransitGatewayRouteCommand).callsFake(async (input: { DestinationCidrBlock: string }) => {
    const at = (r: TransitGatewayRoute) =>
      r.Type === 'static' && r.DestinationCidrBlock === input.DestinationCidrBlock;
    if (!routes.some(at)) throw awsError('InvalidRoute.NotFound');
    routes = routes.filter((r) => !at(r));
    return { Route: { DestinationCidrBlock: input.DestinationCidrBlock, Type: 'static', State: 'deleted' } };
  });
  ec2
    .on(ReplaceTransitGatewayRouteCommand)
    .callsFake(async (input: { DestinationCidrBlock: string; Blackhole?: boolean }) => {
      const at = (r: TransitGatewayRoute) =>
        r.Type === 'static' && r.DestinationCidrBlock === input.DestinationCidrBlock;
      if (!routes.some(at)) throw awsError('InvalidRoute.NotFound');
      const replaced = route(input.DestinationCidrBlock, 'static', input.Blackhole ? 'blackhole' : 'active');
      routes = routes.map((r) => (at(r) ? replaced : r));
      return { Route: replaced };
    });
  ec2
    .on(CreateTransitGatewayRouteCommand)
    .callsFake(async (input: { DestinationCidrBlock: string; Blackhole?: boolean }) => {
      if (routes.some((r) => r.Type === 'static' && r.DestinationCidrBlock === input.DestinationCidrBlock)) {
        throw awsError('RouteAlreadyExists');
      }
      const created = route(input.DestinationCidrBlock, 'static', input.Blackhole ? 'blackhole' : 'active');
      routes.push(created);
      return { Route: created };
    });
  return {
    routes: () => routes,
    add: (r: TransitGatewayRoute) => routes.push(r),
    remove: (r: TransitGatewayRoute) => (routes = routes.filter((x) => x !== r)),
  };
}

function deps(records: AuditRecord[], settings: Record<string, unknown> = {}) {
  return createDeps('remove-pod-cidr-tgw-routes', {
    env: {},
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...settings },
    onRecord: (r) => records.push(r),
  });
}
const event = () =>
  complianceEvent({
    resourceType: 'AWS::EC2::TransitGatewayRouteTable',
    resourceId: ID,
    rule: 'airlock-tgw-route-tables-no-pod-cidr',
  });

beforeEach(() => {
  ec2.reset();
});

describe('Function: remove-pod-cidr-tgw-routes through the pipeline', () => {
  it('replaces the static pod route with a blackhole, blackholes the propagated one and the pod CIDR under the default route, verifies', async () => {
    // Prepare
    const tgw = statefulTgw([POD_STATIC, POD_PROPAGATED, NODE, DEFAULT]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(ec2.commandCalls(ReplaceTransitGatewayRouteCommand).map((c) => c.args[0].input)).toEqual([
      { TransitGatewayRouteTableId: ID, DestinationCidrBlock: '100.64.1.0/24', Blackhole: true },
    ]);
    expect(ec2.commandCalls(CreateTransitGatewayRouteCommand).map((c) => c.args[0].input)).toEqual([
      { TransitGatewayRouteTableId: ID, DestinationCidrBlock: '100.64.2.0/24', Blackhole: true },
      { TransitGatewayRouteTableId: ID, DestinationCidrBlock: '100.64.0.0/10', Blackhole: true },
    ]);
    expect(ec2.commandCalls(DeleteTransitGatewayRouteCommand)).toHaveLength(0);
    expect(tgw.routes()).toEqual(expect.arrayContaining([NODE, DEFAULT, POD_PROPAGATED]));
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      verification: { status: 'compliant' },
      steps: [
        {
          api: 'ReplaceTransitGatewayRoute',
          result: 'applied',
          before: { route: POD_STATIC },
          undo: [
            {
              api: 'ReplaceTransitGatewayRoute',
              input: { DestinationCidrBlock: '100.64.1.0/24', TransitGatewayAttachmentId: ATTACH },
            },
          ],
        },
        {
          api: 'CreateTransitGatewayRoute',
          result: 'applied',
          undo: [{ api: 'DeleteTransitGatewayRoute', input: { DestinationCidrBlock: '100.64.2.0/24' } }],
        },
        {
          api: 'CreateTransitGatewayRoute',
          result: 'applied',
          before: { overrides: [DEFAULT] },
          undo: [{ api: 'DeleteTransitGatewayRoute', input: { DestinationCidrBlock: '100.64.0.0/10' } }],
        },
      ],
    });
    expect(records[0]?.notes).toEqual([expect.stringContaining('0.0.0.0/0')]);
  });

  it('ends APPLIED in one run when the static route hides a propagated route for the same prefix', async () => {
    // Prepare: the search shows the static route only
    const hidden = route('100.64.1.0/24', 'propagated');
    const tgw = statefulTgw([POD_STATIC, hidden, NODE]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.verification).toEqual({ status: 'compliant' });
    expect(tgw.routes()).toEqual(
      expect.arrayContaining([route('100.64.1.0/24', 'static', 'blackhole'), hidden, NODE]),
    );
  });

  it('searches each pod CIDR for subnets and supernets, MaxResults 1000', async () => {
    // Prepare
    statefulTgw([NODE]);
    const records: AuditRecord[] = [];
    const settings = {
      remediations: {
        'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['100.64.0.0/10', '198.19.0.0/16'] } },
      },
    };

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records, settings));

    // Assess
    expect(result.outcome).toBe('NOOP');
    expect(ec2.commandCalls(DescribeTransitGatewayRouteTablesCommand)[0]?.args[0].input).toEqual({
      TransitGatewayRouteTableIds: [ID],
    });
    expect(ec2.commandCalls(SearchTransitGatewayRoutesCommand).map((c) => c.args[0].input)).toEqual(
      ['100.64.0.0/10', '198.19.0.0/16'].flatMap((cidr) =>
        ['route-search.subnet-of-match', 'route-search.supernet-of-match'].map((name) => ({
          TransitGatewayRouteTableId: ID,
          Filters: [{ Name: name, Values: [cidr] }],
          MaxResults: 1000,
        })),
      ),
    );
  });

  it('counts a static route already gone (InvalidRoute.NotFound) as done', async () => {
    // Prepare
    const tgw = statefulTgw([POD_STATIC]);
    ec2.on(ReplaceTransitGatewayRouteCommand).callsFake(async () => {
      tgw.remove(POD_STATIC);
      throw awsError('InvalidRoute.NotFound');
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'InvalidRoute.NotFound' },
    });
  });

  it('counts a blackhole created meanwhile (RouteAlreadyExists) as done', async () => {
    // Prepare
    const tgw = statefulTgw([POD_PROPAGATED]);
    ec2.on(CreateTransitGatewayRouteCommand).callsFake(async () => {
      tgw.add(route('100.64.2.0/24', 'static', 'blackhole'));
      throw awsError('RouteAlreadyExists');
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'RouteAlreadyExists' },
    });
    expect(records[0]?.verification).toEqual({ status: 'compliant' });
  });

  it('counts a route table deleted meanwhile (InvalidRouteTableID.NotFound) as done', async () => {
    // Prepare
    statefulTgw([POD_STATIC]);
    let deleted = false;
    ec2.on(ReplaceTransitGatewayRouteCommand).callsFake(async () => {
      deleted = true;
      throw awsError('InvalidRouteTableID.NotFound');
    });
    ec2
      .on(DescribeTransitGatewayRouteTablesCommand)
      .callsFake(async () =>
        deleted
          ? { TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: ID, State: 'deleted' }] }
          : { TransitGatewayRouteTables: [{ TransitGatewayRouteTableId: ID, State: 'available' }] },
      );
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({ result: 'already-done' });
    expect(records[0]?.verification).toMatchObject({ detail: 'the resource no longer exists' });
  });

  it('records NOOP when the route table does not exist', async () => {
    // Prepare
    ec2.on(DescribeTransitGatewayRouteTablesCommand).rejects(awsError('InvalidRouteTableID.NotFound'));
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
    expect(ec2.commandCalls(SearchTransitGatewayRoutesCommand)).toHaveLength(0);
  });

  it('fails, so that it is retried, when the search was cut and a route is left after apply', async () => {
    // Prepare: the search reports more routes than it returned; a second route shows up only later
    const tgw = statefulTgw([POD_STATIC], true);
    ec2.on(ReplaceTransitGatewayRouteCommand).callsFake(async () => {
      tgw.remove(POD_STATIC);
      tgw.add(route('100.64.9.0/24', 'static'));
      return {};
    });
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), removePodCidrTgwRoutes, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(records[0]).toMatchObject({ outcome: 'FAILED', verification: { status: 'non-compliant' } });
    expect(records[0]?.notes).toEqual(
      expect.arrayContaining([expect.stringContaining('AdditionalRoutesAvailable')]),
    );
  });
});

describe('Function: remove-pod-cidr-tgw-routes on the simulated account', () => {
  const ACCOUNT = '111122223333';
  const REGION = 'eu-west-2';
  const EKS = { id: 'tgw-attach-0e0e0e0e0e0e0e0e0', vpc: 'vpc-0e0e0e0e0e0e0e0e0' };
  const INSPECTION = { id: 'tgw-attach-0f0f0f0f0f0f0f0f0', vpc: 'vpc-0f0f0f0f0f0f0f0f0' };
  let sim: SimulatedCloud | undefined;
  afterEach(async () => {
    ec2.restore();
    await sim?.close();
    sim = undefined;
  });

  it('reaches the end state in one run: a static route hiding a propagated one, and 100.0.0.0/8 covering the pods', async () => {
    // Prepare: the static 100.64.1.0/24 hides a propagated route for the same prefix (the search shows one)
    ec2.restore();
    const state = placeResources(simState({ seed: 1 }), { account: ACCOUNT, region: REGION }, [
      tgwAttachment(EKS),
      tgwAttachment(INSPECTION),
      tgwRouteTable({
        id: ID,
        transitGateway: 'tgw-0e0e0e0e0e0e0e0e0',
        routes: [
          tgwRoute('100.64.1.0/24', EKS),
          tgwRoute('100.64.1.0/24', EKS, 'propagated'),
          tgwRoute('100.0.0.0/8', EKS),
          tgwRoute('10.0.0.0/16', EKS, 'propagated'),
          tgwRoute('0.0.0.0/0', INSPECTION),
        ],
      }),
    ]);
    sim = await SimulatedCloud.create(state, { dynamodb: false });
    const records: AuditRecord[] = [];
    const d = createDeps('remove-pod-cidr-tgw-routes', {
      env: {},
      clients: sim.clientFactory(),
      settings: { mode: 'enforce', allowedAccounts: ['*'] },
      onRecord: (r) => records.push(r),
    });

    // Act
    const result = await runPipeline(event(), removePodCidrTgwRoutes, d);

    // Assess: one run, verified; the propagated route stays behind its blackhole, the covering route stays
    expect(result.outcome, result.reason).toBe('APPLIED');
    expect(records).toHaveLength(1);
    expect(records[0]?.verification).toEqual({ status: 'compliant' });
    const table = sim
      .state()
      .accounts[ACCOUNT]!.regions[REGION]!.transitGatewayRouteTables.find(
        (t) => t.TransitGatewayRouteTableId === ID,
      )!;
    const summary = table.Routes.map(
      (r) =>
        `${r.DestinationCidrBlock} ${r.Type} ${r.State} ${r.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId ?? '-'}`,
    ).sort();
    expect(summary).toEqual(
      [
        '0.0.0.0/0 static active tgw-attach-0f0f0f0f0f0f0f0f0',
        '10.0.0.0/16 propagated active tgw-attach-0e0e0e0e0e0e0e0e0',
        '100.0.0.0/8 static active tgw-attach-0e0e0e0e0e0e0e0e0',
        '100.64.0.0/10 static blackhole -',
        '100.64.1.0/24 propagated active tgw-attach-0e0e0e0e0e0e0e0e0',
        '100.64.1.0/24 static blackhole -',
      ].sort(),
    );
    expect(
      sim
        .changes()
        .map((c) => c.api)
        .filter((a) => !a.startsWith('dynamodb:')),
    ).toEqual(['ec2:ReplaceTransitGatewayRoute', 'ec2:CreateTransitGatewayRoute']);
  });
});
