import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateTransitGatewayRouteCommand,
  DeleteRouteCommand,
  DeleteTransitGatewayRouteCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  RevokeSecurityGroupIngressCommand,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
  type SecurityGroup,
  type SecurityGroupRule,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { listRealWorld, loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { SimulatedCloud } from './cloud.js';
import type { SimRegion } from './state.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

async function ec2With(region: Partial<SimRegion>) {
  const sim = await SimulatedCloud.create(
    { accounts: { [ACCOUNT]: { regions: { [REGION]: region as never } } } },
    { dynamodb: false },
  );
  const ec2 = sim.clientFactory({ maxAttempts: 1 }).get(EC2Client, { account: ACCOUNT, region: REGION });
  return { sim, ec2 };
}

/** Drops empty lists and metadata so that recorded and simulated responses compare by content. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return new Date(value).toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(
          ([k, v]) => k !== 'ResponseMetadata' && k !== '$metadata' && !(Array.isArray(v) && v.length === 0),
        )
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

const errorOf = (p: Promise<unknown>) => p.then(() => undefined).catch((e) => e as Error & { name: string });

describe('Function: simulated EC2', () => {
  describe('security groups', () => {
    const recordings = listRealWorld('api/ec2/describe-security-groups');

    it.each(recordings)('returns the groups it was seeded with from %s', async (file) => {
      // Prepare
      const recorded = loadPlacebo<{ SecurityGroups: SecurityGroup[] }>(
        `api/ec2/describe-security-groups/${file}`,
      );
      const { sim, ec2 } = await ec2With({ securityGroups: recorded.SecurityGroups as never });

      // Act
      const out = await ec2.send(new DescribeSecurityGroupsCommand({}));
      await sim.close();

      // Assess
      expect(normalize(out.SecurityGroups)).toEqual(normalize(recorded.SecurityGroups));
    });

    it('returns the rules it was seeded with (DescribeSecurityGroupRules shape)', async () => {
      // Prepare
      const recorded = loadRealWorld<{ SecurityGroupRules: SecurityGroupRule[] }>(
        'api/ec2/describe-security-group-rules/awscli__example1__sg-ref-all-traffic__egress-0.0.0.0-0__egress-ipv6-::-0.json',
      );
      const { sim, ec2 } = await ec2With({
        securityGroups: [
          {
            GroupId: 'sg-1234567890abcdef0',
            OwnerId: '111122223333',
            Rules: recorded.SecurityGroupRules,
          } as never,
        ],
      });

      // Act
      const out = await ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'group-id', Values: ['sg-1234567890abcdef0'] }],
        }),
      );
      await sim.close();

      // Assess
      expect(out.SecurityGroupRules).toEqual(recorded.SecurityGroupRules);
    });

    it('flattens a recording into one rule per source, filtered by group and paginated', async () => {
      // Prepare
      const recorded = loadPlacebo<{ SecurityGroups: SecurityGroup[] }>(
        'api/ec2/describe-security-groups/placebo__42-groups__mixed__incl-tcp-0-65535-world__ssh-world__sg-refs.json',
      );
      const sources = (g: SecurityGroup) =>
        [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])].reduce(
          (n, p) =>
            n +
            (p.IpRanges?.length ?? 0) +
            (p.Ipv6Ranges?.length ?? 0) +
            (p.PrefixListIds?.length ?? 0) +
            (p.UserIdGroupPairs?.length ?? 0),
          0,
        );
      const busiest = [...recorded.SecurityGroups].sort((a, b) => sources(b) - sources(a))[0]!;
      const { sim, ec2 } = await ec2With({ securityGroups: recorded.SecurityGroups as never });

      // Act
      const all: SecurityGroupRule[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const out = await ec2.send(
          new DescribeSecurityGroupRulesCommand({ MaxResults: 5, NextToken: token }),
        );
        all.push(...(out.SecurityGroupRules ?? []));
        token = out.NextToken;
        pages += 1;
      } while (token);
      const one = await ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'group-id', Values: [busiest.GroupId!] }],
        }),
      );
      await sim.close();

      // Assess
      const total = recorded.SecurityGroups.reduce((n, g) => n + sources(g), 0);
      expect(all).toHaveLength(total);
      expect(pages).toBe(Math.ceil(total / 5));
      expect(new Set(all.map((r) => r.SecurityGroupRuleId)).size).toBe(total);
      expect(one.SecurityGroupRules).toHaveLength(sources(busiest));
      expect(one.SecurityGroupRules?.every((r) => r.GroupId === busiest.GroupId)).toBe(true);
    });

    it('refuses a MaxResults outside 5 to 1000 like EC2', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({});

      // Act
      const error = await errorOf(ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 2 })));
      await sim.close();

      // Assess
      expect(error?.name).toBe('InvalidParameterValue');
    });

    it('fails with InvalidGroup.NotFound for a group that does not exist', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({});

      // Act
      const error = await errorOf(
        ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
      );
      await sim.close();

      // Assess
      expect(error?.name).toBe('InvalidGroup.NotFound');
      expect(error?.message).toBe("The security group 'sg-0123456789abcdef0' does not exist");
    });

    it('revokes by rule id, leaves the other rules, and refuses an unknown rule id', async () => {
      // Prepare
      const recorded = loadPlacebo<{ SecurityGroups: SecurityGroup[] }>(
        'api/ec2/describe-security-groups/placebo__ssh-22-open-0.0.0.0-0__and__ssh-22-restricted-32.json',
      );
      const { sim, ec2 } = await ec2With({ securityGroups: recorded.SecurityGroups as never });
      const groupId = recorded.SecurityGroups[0]!.GroupId!;
      const rules = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
      );
      const world = rules.SecurityGroupRules!.find((r) => !r.IsEgress && r.CidrIpv4 === '0.0.0.0/0')!;

      // Act
      const out = await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: groupId,
          SecurityGroupRuleIds: [world.SecurityGroupRuleId!],
        }),
      );
      const again = await errorOf(
        ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: groupId,
            SecurityGroupRuleIds: [world.SecurityGroupRuleId!],
          }),
        ),
      );
      const after = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
      );
      await sim.close();

      // Assess
      expect(out.Return).toBe(true);
      expect(out.RevokedSecurityGroupRules?.[0]).toMatchObject({
        SecurityGroupRuleId: world.SecurityGroupRuleId,
        CidrIpv4: '0.0.0.0/0',
      });
      expect(again?.name).toBe('InvalidSecurityGroupRuleId.NotFound');
      expect(after.SecurityGroupRules).toHaveLength(rules.SecurityGroupRules!.length - 1);
    });

    it('revokes by IpPermissions only on an exact match of protocol, ports and source', async () => {
      // Prepare
      const groupId = 'sg-0aaaaaaaaaaaaaaa1';
      const { sim, ec2 } = await ec2With({
        securityGroups: [
          {
            GroupId: groupId,
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 0,
                ToPort: 65535,
                IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'wide' }],
              },
            ],
          } as never,
        ],
      });
      const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
      const exact = { IpProtocol: '6', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

      // Act
      const inexact = await errorOf(
        ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] })),
      );
      const partial = await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [exact, ssh] }),
      );
      const after = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      await sim.close();

      // Assess
      expect(inexact?.name).toBe('InvalidPermission.NotFound');
      expect(partial.RevokedSecurityGroupRules).toHaveLength(1);
      expect(partial.UnknownIpPermissions).toEqual([ssh]);
      expect(after.SecurityGroups?.[0]?.IpPermissions).toEqual([]);
    });

    it('authorizes with new rule ids, normalises the protocol, and refuses a duplicate', async () => {
      // Prepare
      const recorded = loadRealWorld<{ SecurityGroupRules: SecurityGroupRule[] }>(
        'api/ec2/security-group-mutations/awscli__AuthorizeSecurityGroupIngress__tcp22-from-203.0.113.0-24.json',
      );
      const { sim, ec2 } = await ec2With({
        securityGroups: [{ GroupId: 'sg-1234567890abcdef0', OwnerId: '123456789012', Rules: [] } as never],
      });
      const input = {
        GroupId: 'sg-1234567890abcdef0',
        IpPermissions: [
          { IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
        ],
      };

      // Act
      const out = await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
      const duplicate = await errorOf(ec2.send(new AuthorizeSecurityGroupIngressCommand(input)));
      await sim.close();

      // Assess
      const { SecurityGroupRuleId: _id, ...shape } = recorded.SecurityGroupRules[0]!;
      expect(out.Return).toBe(true);
      expect(out.SecurityGroupRules?.[0]).toEqual({
        ...shape,
        SecurityGroupRuleId: expect.stringMatching(/^sgr-[0-9a-f]{17}$/),
      });
      expect(duplicate?.name).toBe('InvalidPermission.Duplicate');
    });

    it('reads prefix list entries and fails for an unknown prefix list', async () => {
      // Prepare
      const recorded = loadRealWorld<{ Entries: { Cidr: string; Description?: string }[] }>(
        'api/ec2/prefix-lists/awscli__GetManagedPrefixListEntries.json',
      );
      const { sim, ec2 } = await ec2With({
        prefixLists: [{ PrefixListId: 'pl-0123456abcabcabc1', Entries: recorded.Entries }],
      });

      // Act
      const out = await ec2.send(
        new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0123456abcabcabc1' }),
      );
      const missing = await errorOf(
        ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0000000000000000f' })),
      );
      await sim.close();

      // Assess
      expect(out.Entries).toEqual(recorded.Entries);
      expect(missing?.name).toBe('InvalidPrefixListID.NotFound');
    });
  });

  describe('route tables', () => {
    const recordings = listRealWorld('api/ec2/describe-route-tables');
    const tablesOf = (file: string) => {
      const raw = loadRealWorld<{ status_code?: number }>(`api/ec2/describe-route-tables/${file}`);
      return (
        'status_code' in raw
          ? loadPlacebo<{ RouteTables: RouteTable[] }>(`api/ec2/describe-route-tables/${file}`)
          : (raw as { RouteTables: RouteTable[] })
      ).RouteTables;
    };

    it.each(recordings)('returns the route tables it was seeded with from %s', async (file) => {
      // Prepare
      const tables = tablesOf(file);
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const out = await ec2.send(new DescribeRouteTablesCommand({}));
      await sim.close();

      // Assess
      expect(normalize(out.RouteTables)).toEqual(normalize(tables));
    });

    it('filters by route target and pages through the tables', async () => {
      // Prepare
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const nat = await ec2.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.nat-gateway-id', Values: ['nat-*'] }] }),
      );
      const first = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: 5 }));
      const second = await ec2.send(
        new DescribeRouteTablesCommand({ MaxResults: 5, NextToken: first.NextToken }),
      );
      await sim.close();

      // Assess
      const expected = tables.filter((t) => t.Routes?.some((r) => r.NatGatewayId)).map((t) => t.RouteTableId);
      expect(expected.length).toBeGreaterThan(0);
      expect(nat.RouteTables?.map((t) => t.RouteTableId)).toEqual(expected);
      expect(first.RouteTables).toHaveLength(5);
      expect(second.RouteTables?.[0]?.RouteTableId).toBe(tables[5]?.RouteTableId);
    });

    it('deletes a route by its exact destination, then reports it not found', async () => {
      // Prepare
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const withPl = tables.find((t) => t.Routes?.some((r) => r.DestinationPrefixListId))!;
      const pl = withPl.Routes!.find((r) => r.DestinationPrefixListId)!.DestinationPrefixListId!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      await ec2.send(
        new DeleteRouteCommand({ RouteTableId: withPl.RouteTableId, DestinationPrefixListId: pl }),
      );
      const again = await errorOf(
        ec2.send(new DeleteRouteCommand({ RouteTableId: withPl.RouteTableId, DestinationPrefixListId: pl })),
      );
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [withPl.RouteTableId!] }));
      await sim.close();

      // Assess
      expect(again?.name).toBe('InvalidRoute.NotFound');
      expect(after.RouteTables?.[0]?.Routes).toHaveLength(withPl.Routes!.length - 1);
    });

    it('deletes an IPv6 route by DestinationIpv6CidrBlock', async () => {
      // Prepare
      const id = 'rtb-0ipv6000000000001';
      const { sim, ec2 } = await ec2With({
        routeTables: [
          {
            RouteTableId: id,
            Routes: [
              {
                DestinationCidrBlock: '10.0.0.0/16',
                GatewayId: 'local',
                Origin: 'CreateRouteTable',
                State: 'active',
              },
              {
                DestinationIpv6CidrBlock: '::/0',
                EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0',
                Origin: 'CreateRoute',
                State: 'active',
              },
            ],
          },
        ] as never,
      });

      // Act
      const wrongFamily = await errorOf(
        ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationCidrBlock: '0.0.0.0/0' })),
      );
      await ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationIpv6CidrBlock: '::/0' }));
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
      await sim.close();

      // Assess
      expect(wrongFamily?.name).toBe('InvalidRoute.NotFound');
      expect(after.RouteTables?.[0]?.Routes?.map((r) => r.GatewayId)).toEqual(['local']);
    });

    it('never deletes the local route, and fails for an unknown table', async () => {
      // Prepare
      const tables = tablesOf('placebo__4-tables__igw-default-route__local.json');
      const table = tables[0]!;
      const local = table.Routes!.find((r) => r.GatewayId === 'local')!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const refused = await errorOf(
        ec2.send(
          new DeleteRouteCommand({
            RouteTableId: table.RouteTableId,
            DestinationCidrBlock: local.DestinationCidrBlock,
          }),
        ),
      );
      const unknown = await errorOf(
        ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0000000000000000f'] })),
      );
      await sim.close();

      // Assess
      expect(refused?.name).toBe('InvalidParameterValue');
      expect(unknown?.name).toBe('InvalidRouteTableID.NotFound');
    });

    it('creates a route, and refuses a second one for the same destination', async () => {
      // Prepare
      const tables = tablesOf('botocore-example__single-table__local-route-only.json');
      const id = tables[0]!.RouteTableId!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: id,
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: 'nat-0123456789abcdef0',
        }),
      );
      const duplicate = await errorOf(
        ec2.send(
          new CreateRouteCommand({
            RouteTableId: id,
            DestinationCidrBlock: '0.0.0.0/0',
            GatewayId: 'igw-0123456789abcdef0',
          }),
        ),
      );
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
      await sim.close();

      // Assess
      expect(duplicate?.name).toBe('RouteAlreadyExists');
      expect(after.RouteTables?.[0]?.Routes).toContainEqual({
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: 'nat-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'active',
      });
    });
  });

  describe('transit gateway route tables', () => {
    const described = loadRealWorld<{ TransitGatewayRouteTables: TransitGatewayRouteTable[] }>(
      'api/ec2/transit-gateway/awscli__DescribeTransitGatewayRouteTables.json',
    );
    const searched = loadRealWorld<{ Routes: TransitGatewayRoute[]; AdditionalRoutesAvailable: boolean }>(
      'api/ec2/transit-gateway/awscli__SearchTransitGatewayRoutes__static-routes__AdditionalRoutesAvailable-false.json',
    );
    const tableId = described.TransitGatewayRouteTables[0]!.TransitGatewayRouteTableId!;
    const attachment = searched.Routes[0]!.TransitGatewayAttachments![0]!;
    const propagated = (cidr: string): TransitGatewayRoute => ({
      DestinationCidrBlock: cidr,
      TransitGatewayAttachments: [attachment],
      Type: 'propagated',
      State: 'active',
    });
    const seeded = (extra: TransitGatewayRoute[] = []) =>
      ec2With({
        transitGatewayRouteTables: described.TransitGatewayRouteTables.map((t, i) => ({
          ...t,
          Routes: i === 0 ? [...searched.Routes, ...extra] : [],
        })) as never,
      });
    const search = (ec2: EC2Client, Filters: { Name: string; Values: string[] }[], MaxResults?: number) =>
      ec2.send(
        new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: tableId, Filters, MaxResults }),
      );

    it('describes the route tables it was seeded with, and fails for an unknown one', async () => {
      // Prepare
      const { sim, ec2 } = await seeded();

      // Act
      const out = await ec2.send(new DescribeTransitGatewayRouteTablesCommand({}));
      const missing = await errorOf(
        ec2.send(
          new DescribeTransitGatewayRouteTablesCommand({
            TransitGatewayRouteTableIds: ['tgw-rtb-0000000000000000f'],
          }),
        ),
      );
      await sim.close();

      // Assess
      expect(normalize(out.TransitGatewayRouteTables)).toEqual(
        normalize(described.TransitGatewayRouteTables),
      );
      expect(missing?.name).toBe('InvalidRouteTableID.NotFound');
    });

    it('returns the recorded search response for static routes', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([propagated('10.9.0.0/16')]);

      // Act
      const out = await search(ec2, [{ Name: 'type', Values: ['static'] }]);
      await sim.close();

      // Assess
      const { $metadata: _m, ...body } = out;
      expect(body).toEqual(searched);
    });

    it('applies exact, subnet-of, supernet-of and longest-prefix filters on the CIDR', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([
        propagated('10.0.0.0/8'),
        propagated('0.0.0.0/0'),
        propagated('10.0.2.128/25'),
      ]);
      const cidrs = (out: { Routes?: TransitGatewayRoute[] }) =>
        (out.Routes ?? []).map((r) => r.DestinationCidrBlock).sort();

      // Act
      const exact = await search(ec2, [{ Name: 'route-search.exact-match', Values: ['10.0.2.0/24'] }]);
      const subnets = await search(ec2, [{ Name: 'route-search.subnet-of-match', Values: ['10.0.0.0/16'] }]);
      const supernets = await search(ec2, [
        { Name: 'route-search.supernet-of-match', Values: ['10.0.2.0/24'] },
      ]);
      const longest = await search(ec2, [
        { Name: 'route-search.longest-prefix-match', Values: ['10.0.2.200/32'] },
      ]);
      const both = await search(ec2, [
        { Name: 'route-search.subnet-of-match', Values: ['10.0.0.0/8'] },
        { Name: 'type', Values: ['propagated'] },
      ]);
      await sim.close();

      // Assess
      expect(cidrs(exact)).toEqual(['10.0.2.0/24']);
      expect(cidrs(subnets)).toEqual(['10.0.2.0/24', '10.0.2.128/25']);
      expect(cidrs(supernets)).toEqual(['0.0.0.0/0', '10.0.0.0/8', '10.0.2.0/24']);
      expect(cidrs(longest)).toEqual(['10.0.2.128/25']);
      expect(cidrs(both)).toEqual(['10.0.0.0/8', '10.0.2.128/25']);
    });

    it('says when more routes are available than MaxResults', async () => {
      // Prepare
      const extra = ['100.64.0.0/16', '100.64.1.0/24', '100.64.2.0/24', '100.64.3.0/24', '100.64.4.0/24'].map(
        propagated,
      );
      const { sim, ec2 } = await seeded(extra);

      // Act
      const out = await search(ec2, [{ Name: 'state', Values: ['active'] }], 5);
      await sim.close();

      // Assess
      expect(out.Routes).toHaveLength(5);
      expect(out.AdditionalRoutesAvailable).toBe(true);
    });

    it('lets a static blackhole route override a propagated one, which returns once the static route is deleted', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([propagated('100.64.0.0/16')]);
      const pod = [{ Name: 'route-search.exact-match', Values: ['100.64.0.0/16'] }];

      // Act
      const refused = await errorOf(
        ec2.send(
          new DeleteTransitGatewayRouteCommand({
            TransitGatewayRouteTableId: tableId,
            DestinationCidrBlock: '100.64.0.0/16',
          }),
        ),
      );
      const created = await ec2.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '100.64.0.0/16',
          Blackhole: true,
        }),
      );
      const duplicate = await errorOf(
        ec2.send(
          new CreateTransitGatewayRouteCommand({
            TransitGatewayRouteTableId: tableId,
            DestinationCidrBlock: '100.64.0.0/16',
            Blackhole: true,
          }),
        ),
      );
      const overridden = await search(ec2, pod);
      const deleted = await ec2.send(
        new DeleteTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '100.64.0.0/16',
        }),
      );
      const restored = await search(ec2, pod);
      await sim.close();

      // Assess
      expect(refused?.name).toBe('InvalidParameterValue');
      expect(created.Route).toEqual({
        DestinationCidrBlock: '100.64.0.0/16',
        Type: 'static',
        State: 'blackhole',
      });
      expect(duplicate?.name).toBe('RouteAlreadyExists');
      expect(overridden.Routes).toEqual([created.Route]);
      expect(deleted.Route?.State).toBe('deleted');
      expect(restored.Routes).toEqual([propagated('100.64.0.0/16')]);
    });

    it('deletes a static route like the recorded response, then reports it not found', async () => {
      // Prepare
      const recorded = loadRealWorld<{ Route: TransitGatewayRoute }>(
        'api/ec2/transit-gateway/awscli__DeleteTransitGatewayRoute__static-route-state-deleted.json',
      );
      const { sim, ec2 } = await ec2With({
        transitGatewayRouteTables: [
          { TransitGatewayRouteTableId: tableId, Routes: [{ ...recorded.Route, State: 'active' }] },
        ] as never,
      });
      const input = { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: '10.0.2.0/24' };

      // Act
      const out = await ec2.send(new DeleteTransitGatewayRouteCommand(input));
      const again = await errorOf(ec2.send(new DeleteTransitGatewayRouteCommand(input)));
      await sim.close();

      // Assess
      expect(out.Route).toEqual(recorded.Route);
      expect(again?.name).toBe('InvalidRoute.NotFound');
    });

    it('creates a static route to a known attachment with its resource', async () => {
      // Prepare
      const { sim, ec2 } = await seeded();

      // Act
      const out = await ec2.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '10.5.0.0/16',
          TransitGatewayAttachmentId: attachment.TransitGatewayAttachmentId,
        }),
      );
      await sim.close();

      // Assess
      expect(out.Route).toEqual({
        DestinationCidrBlock: '10.5.0.0/16',
        TransitGatewayAttachments: [attachment],
        Type: 'static',
        State: 'active',
      });
    });
  });
});
