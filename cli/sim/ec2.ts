import { createHash } from 'node:crypto';
import type {
  IpPermission,
  Route,
  RouteTable,
  SecurityGroupRule,
  TransitGatewayRoute,
} from '@aws-sdk/client-ec2';
import { type Cidr, cidrWithin, parseCidr } from '../../shared/cidr.js';
import type { SimCallContext } from './context.js';
import { SimApiError } from './errors.js';
import { applyFilters, type Filter, paginate, tagFilter } from './paging.js';
import type { SimRegion, SimSecurityGroup, SimTransitGatewayRouteTable } from './state.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Input = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);

// ---------- security groups ----------

const PROTOCOLS: Record<string, string> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  all: '-1',
};

/** EC2 stores `tcp` when given `6` (and so on); `-1` means all traffic. */
export function normalizeProtocol(protocol: unknown): string {
  const p = String(protocol ?? '').toLowerCase();
  return PROTOCOLS[p] ?? p;
}

function source(rule: SecurityGroupRule): string {
  if (rule.CidrIpv4) return `v4:${parseCidr(rule.CidrIpv4)?.text ?? rule.CidrIpv4}`;
  if (rule.CidrIpv6) return `v6:${parseCidr(rule.CidrIpv6)?.text ?? rule.CidrIpv6}`;
  if (rule.PrefixListId) return `pl:${rule.PrefixListId}`;
  if (rule.ReferencedGroupInfo?.GroupId) return `sg:${rule.ReferencedGroupInfo.GroupId}`;
  return 'none';
}

/** What makes two rules the same rule for EC2: direction, protocol, ports, source (not the description). */
export function ruleKey(rule: SecurityGroupRule): string {
  const protocol = normalizeProtocol(rule.IpProtocol);
  const ports = protocol === '-1' ? '-1:-1' : `${rule.FromPort ?? -1}:${rule.ToPort ?? -1}`;
  return `${rule.IsEgress ? 'egress' : 'ingress'}|${protocol}|${ports}|${source(rule)}`;
}

/** Flattens `IpPermissions` into one rule per source (DescribeSecurityGroupRules' shape). */
export function permissionsToRules(
  group: { GroupId: string; OwnerId?: string },
  permissions: readonly IpPermission[],
  isEgress: boolean,
  nextId: (index: number) => string,
): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const p of permissions) {
    const protocol = normalizeProtocol(p.IpProtocol);
    const base: SecurityGroupRule = {
      GroupId: group.GroupId,
      ...(group.OwnerId ? { GroupOwnerId: group.OwnerId } : {}),
      IsEgress: isEgress,
      IpProtocol: protocol,
      FromPort: protocol === '-1' ? -1 : p.FromPort,
      ToPort: protocol === '-1' ? -1 : p.ToPort,
    };
    const add = (extra: Partial<SecurityGroupRule>, description?: string) =>
      rules.push({
        ...base,
        SecurityGroupRuleId: nextId(rules.length),
        ...extra,
        ...(description ? { Description: description } : {}),
        Tags: [],
      });
    for (const r of p.IpRanges ?? []) add({ CidrIpv4: r.CidrIp }, r.Description);
    for (const r of p.Ipv6Ranges ?? []) add({ CidrIpv6: r.CidrIpv6 }, r.Description);
    for (const r of p.PrefixListIds ?? []) add({ PrefixListId: r.PrefixListId }, r.Description);
    for (const r of p.UserIdGroupPairs ?? []) {
      const info: Record<string, string> = {};
      for (const k of ['GroupId', 'UserId', 'VpcId', 'VpcPeeringConnectionId', 'PeeringStatus'] as const) {
        if (r[k]) info[k] = r[k] as string;
      }
      add({ ReferencedGroupInfo: info }, r.Description);
    }
  }
  return rules;
}

/** Groups rules back into `IpPermissions` by protocol and ports, in order of first appearance. */
export function rulesToPermissions(rules: readonly SecurityGroupRule[]): IpPermission[] {
  const byKey = new Map<string, IpPermission>();
  for (const r of rules) {
    const protocol = normalizeProtocol(r.IpProtocol);
    const key = protocol === '-1' ? '-1' : `${protocol}|${r.FromPort}|${r.ToPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = {
        IpProtocol: protocol,
        ...(protocol === '-1' ? {} : { FromPort: r.FromPort, ToPort: r.ToPort }),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      byKey.set(key, p);
    }
    const d = r.Description ? { Description: r.Description } : {};
    if (r.CidrIpv4) p.IpRanges!.push({ CidrIp: r.CidrIpv4, ...d });
    else if (r.CidrIpv6) p.Ipv6Ranges!.push({ CidrIpv6: r.CidrIpv6, ...d });
    else if (r.PrefixListId) p.PrefixListIds!.push({ PrefixListId: r.PrefixListId, ...d });
    else if (r.ReferencedGroupInfo) p.UserIdGroupPairs!.push({ ...d, ...r.ReferencedGroupInfo });
  }
  return [...byKey.values()];
}

/** Turns a loaded group's `IpPermissions` (DescribeSecurityGroups' shape) into `Rules`, with stable ids. */
export function normalizeSecurityGroup(group: SimSecurityGroup): void {
  const stable = (egress: boolean) => (i: number) =>
    `sgr-${createHash('sha256').update(`${group.GroupId}/${egress}/${i}`).digest('hex').slice(0, 17)}`;
  if (!group.Rules) {
    group.Rules = [
      ...permissionsToRules(group, group.IpPermissions ?? [], false, stable(false)),
      ...permissionsToRules(group, group.IpPermissionsEgress ?? [], true, stable(true)),
    ];
  }
  delete group.IpPermissions;
  delete group.IpPermissionsEgress;
  for (const r of group.Rules) {
    r.GroupId ??= group.GroupId;
    if (group.OwnerId) r.GroupOwnerId ??= group.OwnerId;
    r.IpProtocol = normalizeProtocol(r.IpProtocol);
  }
}

function findGroup(region: SimRegion, input: Input): SimSecurityGroup {
  const group = input.GroupId
    ? region.securityGroups.find((g) => g.GroupId === input.GroupId)
    : region.securityGroups.find((g) => g.GroupName === input.GroupName);
  if (!group) {
    throw new SimApiError(
      'InvalidGroup.NotFound',
      `The security group '${input.GroupId ?? input.GroupName}' does not exist`,
    );
  }
  return group;
}

function checkPermission(p: IpPermission): void {
  const protocol = normalizeProtocol(p.IpProtocol);
  if (!protocol)
    throw new SimApiError('MissingParameter', 'The request must contain the parameter ipProtocol');
  if ((protocol === 'tcp' || protocol === 'udp') && (p.FromPort === undefined || p.ToPort === undefined)) {
    throw new SimApiError(
      'InvalidParameterValue',
      "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange",
    );
  }
  if (
    (protocol === 'tcp' || protocol === 'udp') &&
    (p.FromPort! > p.ToPort! || p.FromPort! < 0 || p.ToPort! > 65535)
  ) {
    throw new SimApiError('InvalidParameterValue', `Invalid port range ${p.FromPort}-${p.ToPort}`);
  }
  for (const r of p.IpRanges ?? []) {
    if (parseCidr(r.CidrIp ?? '')?.family !== 4) {
      throw new SimApiError('InvalidParameterValue', `CIDR block ${r.CidrIp} is malformed`);
    }
  }
  for (const r of p.Ipv6Ranges ?? []) {
    if (parseCidr(r.CidrIpv6 ?? '')?.family !== 6) {
      throw new SimApiError('InvalidParameterValue', `CIDR block ${r.CidrIpv6} is malformed`);
    }
  }
}

function describeRulePeer(rule: SecurityGroupRule): string {
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId;
  const protocol = normalizeProtocol(rule.IpProtocol);
  return `peer: ${peer}, ${protocol === '-1' ? 'ALL' : protocol.toUpperCase()}, from port: ${rule.FromPort}, to port: ${rule.ToPort}, ALLOW`;
}

function describeSecurityGroupRules(ctx: SimCallContext, input: Input) {
  const region = ctx.region$();
  let rules = region.securityGroups.flatMap((g) => g.Rules.map((r) => ({ r, g })));
  if (input.SecurityGroupRuleIds?.length) {
    for (const id of input.SecurityGroupRuleIds as string[]) {
      if (!rules.some(({ r }) => r.SecurityGroupRuleId === id)) {
        throw new SimApiError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${id}' does not exist`,
        );
      }
    }
    rules = rules.filter(({ r }) =>
      (input.SecurityGroupRuleIds as string[]).includes(r.SecurityGroupRuleId!),
    );
  }
  if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
    throw new SimApiError(
      'InvalidParameterValue',
      `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  const filtered = applyFilters(rules, input.Filters as Filter[] | undefined, ({ r, g }, name) => {
    if (name === 'group-id') return [g.GroupId];
    if (name === 'security-group-rule-id') return [r.SecurityGroupRuleId];
    return tagFilter(r.Tags, name);
  });
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return { SecurityGroupRules: page.map(({ r }) => clone(r)), ...(next ? { NextToken: next } : {}) };
}

function toDescribedGroup(g: SimSecurityGroup) {
  const { Rules, IpPermissions: _a, IpPermissionsEgress: _b, ...rest } = g;
  return {
    ...clone(rest),
    IpPermissions: rulesToPermissions(Rules.filter((r) => !r.IsEgress)),
    IpPermissionsEgress: rulesToPermissions(Rules.filter((r) => r.IsEgress)),
  };
}

function describeSecurityGroups(ctx: SimCallContext, input: Input) {
  const region = ctx.region$();
  let groups = region.securityGroups;
  if (input.GroupIds?.length) {
    const missing = (input.GroupIds as string[]).filter((id) => !groups.some((g) => g.GroupId === id));
    if (missing.length) {
      throw new SimApiError(
        'InvalidGroup.NotFound',
        `The security group '${missing.join("', '")}' does not exist`,
      );
    }
    groups = groups.filter((g) => (input.GroupIds as string[]).includes(g.GroupId));
  }
  if (input.GroupNames?.length) {
    const missing = (input.GroupNames as string[]).filter((n) => !groups.some((g) => g.GroupName === n));
    if (missing.length) {
      throw new SimApiError(
        'InvalidGroup.NotFound',
        `The security group '${missing.join("', '")}' does not exist in default VPC`,
      );
    }
    groups = groups.filter((g) => (input.GroupNames as string[]).includes(g.GroupName ?? ''));
  }
  const filtered = applyFilters(groups, input.Filters as Filter[] | undefined, (g, name) => {
    if (name === 'group-id') return [g.GroupId];
    if (name === 'group-name') return [g.GroupName];
    if (name === 'vpc-id') return [g.VpcId];
    if (name === 'owner-id') return [g.OwnerId];
    return tagFilter(g.Tags, name);
  });
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return { SecurityGroups: page.map(toDescribedGroup), ...(next ? { NextToken: next } : {}) };
}

function getManagedPrefixListEntries(ctx: SimCallContext, input: Input) {
  const list = ctx.region$().prefixLists.find((p) => p.PrefixListId === input.PrefixListId);
  if (!list) {
    throw new SimApiError(
      'InvalidPrefixListID.NotFound',
      `The prefix list ID '${input.PrefixListId}' does not exist`,
    );
  }
  const { page, next } = paginate(list.Entries, input.MaxResults, input.NextToken, 100);
  return { Entries: clone(page), ...(next ? { NextToken: next } : {}) };
}

function describeManagedPrefixLists(ctx: SimCallContext, input: Input) {
  let lists = ctx.region$().prefixLists;
  if (input.PrefixListIds?.length) {
    for (const id of input.PrefixListIds as string[]) {
      if (!lists.some((p) => p.PrefixListId === id)) {
        throw new SimApiError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
      }
    }
    lists = lists.filter((p) => (input.PrefixListIds as string[]).includes(p.PrefixListId));
  }
  const { page, next } = paginate(lists, input.MaxResults, input.NextToken, 100);
  return {
    PrefixLists: page.map(({ Entries: _e, ...rest }) => clone(rest)),
    ...(next ? { NextToken: next } : {}),
  };
}

function revokeSecurityGroupIngress(ctx: SimCallContext, input: Input) {
  const group = findGroup(ctx.region$(), input);
  const ingress = group.Rules.filter((r) => !r.IsEgress);
  let revoked: SecurityGroupRule[] = [];
  const unknown: IpPermission[] = [];
  if (input.SecurityGroupRuleIds?.length) {
    for (const id of input.SecurityGroupRuleIds as string[]) {
      const rule = ingress.find((r) => r.SecurityGroupRuleId === id);
      if (!rule) {
        throw new SimApiError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${id}' does not exist`,
        );
      }
      revoked.push(rule);
    }
  } else if (input.IpPermissions?.length) {
    for (const p of input.IpPermissions as IpPermission[]) {
      const wanted = permissionsToRules(group, [p], false, () => 'sgr-0');
      for (const w of wanted) {
        const hit = ingress.find((r) => ruleKey(r) === ruleKey(w));
        if (hit) revoked.push(hit);
        else unknown.push(p);
      }
    }
    if (revoked.length === 0) {
      throw new SimApiError(
        'InvalidPermission.NotFound',
        'The specified rule does not exist in this security group.',
      );
    }
  } else {
    throw new SimApiError('MissingParameter', 'Either IpPermissions or SecurityGroupRuleIds must be given');
  }
  revoked = [...new Set(revoked)];
  group.Rules = group.Rules.filter((r) => !revoked.includes(r));
  return {
    Return: true,
    ...(unknown.length ? { UnknownIpPermissions: clone(unknown) } : {}),
    RevokedSecurityGroupRules: revoked.map((r) => {
      const { Tags: _t, GroupOwnerId: _o, ...rest } = clone(r);
      return rest;
    }),
  };
}

function authorizeSecurityGroupIngress(ctx: SimCallContext, input: Input) {
  const group = findGroup(ctx.region$(), input);
  const permissions = (input.IpPermissions ?? []) as IpPermission[];
  if (!permissions.length) {
    throw new SimApiError('MissingParameter', 'The request must contain the parameter IpPermissions');
  }
  permissions.forEach(checkPermission);
  const tags = ((input.TagSpecifications ?? []) as { Tags?: { Key: string; Value: string }[] }[]).flatMap(
    (t) => t.Tags ?? [],
  );
  const added = permissionsToRules(group, permissions, false, () => ctx.newId('sgr-')).map((r) => ({
    ...r,
    Tags: clone(tags),
  }));
  const keys = new Set(group.Rules.map(ruleKey));
  for (const r of added) {
    if (keys.has(ruleKey(r))) {
      throw new SimApiError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRulePeer(r)}" already exists`,
      );
    }
    keys.add(ruleKey(r));
  }
  group.Rules.push(...added);
  return {
    Return: true,
    SecurityGroupRules: clone(added).map(({ Tags, ...r }) => (Tags?.length ? { ...r, Tags } : r)),
  };
}

// ---------- route tables ----------

type Destination = {
  key: 'DestinationCidrBlock' | 'DestinationIpv6CidrBlock' | 'DestinationPrefixListId';
  value: string;
};

function destinationOf(input: Input): Destination {
  const given = (
    ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'] as const
  ).filter((k) => input[k]);
  if (given.length !== 1) {
    throw new SimApiError(
      'InvalidParameterCombination',
      'Exactly one of DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId is required',
    );
  }
  const key = given[0]!;
  return { key, value: String(input[key]) };
}

function sameDestination(route: Route, d: Destination): boolean {
  const have = route[d.key];
  if (!have) return false;
  if (d.key === 'DestinationPrefixListId') return have === d.value;
  return (parseCidr(have)?.text ?? have) === (parseCidr(d.value)?.text ?? d.value);
}

function findRouteTable(region: SimRegion, id: unknown): RouteTable {
  const table = region.routeTables.find((t) => t.RouteTableId === id);
  if (!table)
    throw new SimApiError('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`);
  return table;
}

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'EgressOnlyInternetGatewayId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'NetworkInterfaceId',
  'InstanceId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'CoreNetworkArn',
  'VpcEndpointId',
] as const;

function describeRouteTables(ctx: SimCallContext, input: Input) {
  const region = ctx.region$();
  let tables = region.routeTables;
  if (input.RouteTableIds?.length) {
    for (const id of input.RouteTableIds as string[]) findRouteTable(region, id);
    tables = tables.filter((t) => (input.RouteTableIds as string[]).includes(t.RouteTableId!));
  }
  const filtered = applyFilters(tables, input.Filters as Filter[] | undefined, (t, name) => {
    const routes = t.Routes ?? [];
    const assoc = t.Associations ?? [];
    switch (name) {
      case 'route-table-id':
        return [t.RouteTableId];
      case 'vpc-id':
        return [t.VpcId];
      case 'owner-id':
        return [t.OwnerId];
      case 'association.subnet-id':
        return assoc.map((a) => a.SubnetId);
      case 'association.gateway-id':
        return assoc.map((a) => a.GatewayId);
      case 'association.route-table-association-id':
        return assoc.map((a) => a.RouteTableAssociationId);
      case 'association.route-table-id':
        return assoc.map((a) => a.RouteTableId);
      case 'association.main':
        return assoc.map((a) => String(Boolean(a.Main)));
      case 'route.destination-cidr-block':
        return routes.map((r) => r.DestinationCidrBlock);
      case 'route.destination-ipv6-cidr-block':
        return routes.map((r) => r.DestinationIpv6CidrBlock);
      case 'route.destination-prefix-list-id':
        return routes.map((r) => r.DestinationPrefixListId);
      case 'route.gateway-id':
        return routes.map((r) => r.GatewayId);
      case 'route.nat-gateway-id':
        return routes.map((r) => r.NatGatewayId);
      case 'route.egress-only-internet-gateway-id':
        return routes.map((r) => r.EgressOnlyInternetGatewayId);
      case 'route.transit-gateway-id':
        return routes.map((r) => r.TransitGatewayId);
      case 'route.vpc-peering-connection-id':
        return routes.map((r) => r.VpcPeeringConnectionId);
      case 'route.origin':
        return routes.map((r) => r.Origin);
      case 'route.state':
        return routes.map((r) => r.State);
      default:
        return tagFilter(t.Tags, name);
    }
  });
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return { RouteTables: clone(page), ...(next ? { NextToken: next } : {}) };
}

function deleteRoute(ctx: SimCallContext, input: Input) {
  const table = findRouteTable(ctx.region$(), input.RouteTableId);
  const d = destinationOf(input);
  const routes = table.Routes ?? [];
  const route = routes.find((r) => sameDestination(r, d));
  if (!route) {
    throw new SimApiError(
      'InvalidRoute.NotFound',
      `There is no route defined for '${d.value}' in the route table. Use DescribeRouteTables to see the routes in this route table.`,
    );
  }
  if (route.GatewayId === 'local' || route.Origin === 'CreateRouteTable') {
    throw new SimApiError(
      'InvalidParameterValue',
      `cannot remove local route ${d.value} in route table ${table.RouteTableId}`,
    );
  }
  if (route.Origin === 'EnableVgwRoutePropagation') {
    throw new SimApiError(
      'InvalidParameterValue',
      `route ${d.value} in route table ${table.RouteTableId} is propagated by a virtual private gateway and cannot be deleted`,
    );
  }
  table.Routes = routes.filter((r) => r !== route);
  return {};
}

function createRoute(ctx: SimCallContext, input: Input) {
  const table = findRouteTable(ctx.region$(), input.RouteTableId);
  const d = destinationOf(input);
  if (d.key !== 'DestinationPrefixListId' && !parseCidr(d.value)) {
    throw new SimApiError(
      'InvalidParameterValue',
      `Value (${d.value}) for parameter destinationCidrBlock is invalid.`,
    );
  }
  const targets = ROUTE_TARGETS.filter((k) => input[k]);
  if (targets.length !== 1) {
    throw new SimApiError('InvalidParameterCombination', 'Exactly one route target is required');
  }
  table.Routes ??= [];
  const routes = table.Routes;
  if (routes.some((r) => sameDestination(r, d))) {
    throw new SimApiError('RouteAlreadyExists', `The route identified by ${d.value} already exists.`);
  }
  const target = targets[0]!;
  routes.push({
    [d.key]: d.value,
    [target]: input[target],
    Origin: 'CreateRoute',
    State: 'active',
  } as Route);
  return { Return: true };
}

// ---------- transit gateway route tables ----------

function findTgwTable(region: SimRegion, id: unknown): SimTransitGatewayRouteTable {
  const table = region.transitGatewayRouteTables.find((t) => t.TransitGatewayRouteTableId === id);
  if (!table) {
    throw new SimApiError(
      'InvalidRouteTableID.NotFound',
      `Transit Gateway Route Table ${id} was deleted or does not exist.`,
    );
  }
  return table;
}

function dest(route: TransitGatewayRoute): string {
  return route.DestinationCidrBlock
    ? (parseCidr(route.DestinationCidrBlock)?.text ?? route.DestinationCidrBlock)
    : `pl:${route.PrefixListId}`;
}

/** The routes in effect: a static route (active or blackhole) hides the propagated ones for the same destination. */
export function effectiveTgwRoutes(table: SimTransitGatewayRouteTable): TransitGatewayRoute[] {
  const statics = new Set(table.Routes.filter((r) => r.Type === 'static').map(dest));
  return table.Routes.filter((r) => r.Type === 'static' || !statics.has(dest(r)));
}

function describeTransitGatewayRouteTables(ctx: SimCallContext, input: Input) {
  const region = ctx.region$();
  let tables = region.transitGatewayRouteTables;
  if (input.TransitGatewayRouteTableIds?.length) {
    for (const id of input.TransitGatewayRouteTableIds as string[]) findTgwTable(region, id);
    tables = tables.filter((t) =>
      (input.TransitGatewayRouteTableIds as string[]).includes(t.TransitGatewayRouteTableId),
    );
  }
  const filtered = applyFilters(tables, input.Filters as Filter[] | undefined, (t, name) => {
    if (name === 'transit-gateway-route-table-id') return [t.TransitGatewayRouteTableId];
    if (name === 'transit-gateway-id') return [t.TransitGatewayId];
    if (name === 'state') return [t.State];
    if (name === 'default-association-route-table') return [String(Boolean(t.DefaultAssociationRouteTable))];
    if (name === 'default-propagation-route-table') return [String(Boolean(t.DefaultPropagationRouteTable))];
    return tagFilter(t.Tags, name);
  });
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return {
    TransitGatewayRouteTables: page.map(({ Routes: _r, ...rest }) => {
      const out: Record<string, unknown> = clone(rest);
      if (rest.CreationTime !== undefined)
        out.CreationTime = new Date(rest.CreationTime as unknown as string);
      return out;
    }),
    ...(next ? { NextToken: next } : {}),
  };
}

const SEARCH_FILTERS = new Set([
  'attachment.transit-gateway-attachment-id',
  'attachment.resource-id',
  'attachment.resource-type',
  'prefix-list-id',
  'route-search.exact-match',
  'route-search.longest-prefix-match',
  'route-search.subnet-of-match',
  'route-search.supernet-of-match',
  'state',
  'type',
]);

function cidrsOf(values: readonly string[] | undefined, filter: string): Cidr[] {
  return (values ?? []).map((v) => {
    const c = parseCidr(v);
    if (!c) throw new SimApiError('InvalidParameterValue', `Invalid CIDR '${v}' for filter ${filter}`);
    return c;
  });
}

function searchTransitGatewayRoutes(ctx: SimCallContext, input: Input) {
  const table = findTgwTable(ctx.region$(), input.TransitGatewayRouteTableId);
  const filters = (input.Filters ?? []) as Filter[];
  if (!filters.length)
    throw new SimApiError('MissingParameter', 'The request must contain the parameter Filters');
  const max = input.MaxResults ?? 1000;
  if (max < 5 || max > 1000) {
    throw new SimApiError('InvalidParameterValue', `MaxResults ${max} is out of range: 5 to 1000.`);
  }
  let routes = effectiveTgwRoutes(table);
  for (const f of filters) {
    if (!f.Name || !SEARCH_FILTERS.has(f.Name)) {
      throw new SimApiError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
    const values = f.Values ?? [];
    const cidrOf = (r: TransitGatewayRoute) =>
      r.DestinationCidrBlock ? parseCidr(r.DestinationCidrBlock) : undefined;
    switch (f.Name) {
      case 'route-search.exact-match': {
        const wanted = cidrsOf(values, f.Name).map((c) => c.text);
        routes = routes.filter((r) => wanted.includes(cidrOf(r)?.text ?? ''));
        break;
      }
      case 'route-search.subnet-of-match': {
        const outer = cidrsOf(values, f.Name);
        routes = routes.filter((r) => {
          const c = cidrOf(r);
          return c !== undefined && outer.some((o) => cidrWithin(c, o));
        });
        break;
      }
      case 'route-search.supernet-of-match': {
        const inner = cidrsOf(values, f.Name);
        routes = routes.filter((r) => {
          const c = cidrOf(r);
          return c !== undefined && inner.some((i) => cidrWithin(i, c));
        });
        break;
      }
      case 'route-search.longest-prefix-match': {
        const targets = cidrsOf(values, f.Name);
        const best = new Set<TransitGatewayRoute>();
        for (const t of targets) {
          let winner: TransitGatewayRoute | undefined;
          let prefix = -1;
          for (const r of routes) {
            const c = cidrOf(r);
            if (c && cidrWithin(t, c) && c.prefix > prefix) {
              winner = r;
              prefix = c.prefix;
            }
          }
          if (winner) best.add(winner);
        }
        routes = routes.filter((r) => best.has(r));
        break;
      }
      case 'state':
        routes = routes.filter((r) => values.includes(r.State ?? ''));
        break;
      case 'type':
        routes = routes.filter((r) => values.includes(r.Type ?? ''));
        break;
      case 'prefix-list-id':
        routes = routes.filter((r) => values.includes(r.PrefixListId ?? ''));
        break;
      case 'attachment.transit-gateway-attachment-id':
        routes = routes.filter((r) =>
          (r.TransitGatewayAttachments ?? []).some((a) =>
            values.includes(a.TransitGatewayAttachmentId ?? ''),
          ),
        );
        break;
      case 'attachment.resource-id':
        routes = routes.filter((r) =>
          (r.TransitGatewayAttachments ?? []).some((a) => values.includes(a.ResourceId ?? '')),
        );
        break;
      case 'attachment.resource-type':
        routes = routes.filter((r) =>
          (r.TransitGatewayAttachments ?? []).some((a) => values.includes(a.ResourceType ?? '')),
        );
        break;
    }
  }
  return {
    Routes: clone(routes.slice(0, max)),
    AdditionalRoutesAvailable: routes.length > max,
  };
}

function deleteTransitGatewayRoute(ctx: SimCallContext, input: Input) {
  const table = findTgwTable(ctx.region$(), input.TransitGatewayRouteTableId);
  const wanted = input.DestinationCidrBlock
    ? (parseCidr(String(input.DestinationCidrBlock))?.text ?? String(input.DestinationCidrBlock))
    : undefined;
  if (!wanted)
    throw new SimApiError('MissingParameter', 'The request must contain the parameter DestinationCidrBlock');
  const matching = table.Routes.filter((r) => r.DestinationCidrBlock && dest(r) === wanted);
  const route = matching.find((r) => r.Type === 'static');
  if (!route) {
    if (matching.length) {
      throw new SimApiError(
        'InvalidParameterValue',
        `Route ${wanted} in ${table.TransitGatewayRouteTableId} is propagated and cannot be deleted; disable the propagation or override it with a static route`,
      );
    }
    throw new SimApiError(
      'InvalidRoute.NotFound',
      `No route found for ${wanted} in Transit Gateway Route Table ${table.TransitGatewayRouteTableId}.`,
    );
  }
  table.Routes = table.Routes.filter((r) => r !== route);
  return { Route: { ...clone(route), State: 'deleted' } };
}

function createTransitGatewayRoute(ctx: SimCallContext, input: Input) {
  const region = ctx.region$();
  const table = findTgwTable(region, input.TransitGatewayRouteTableId);
  const cidr = parseCidr(String(input.DestinationCidrBlock ?? ''));
  if (!cidr) {
    throw new SimApiError(
      'InvalidParameterValue',
      `Invalid destination CIDR '${input.DestinationCidrBlock}'.`,
    );
  }
  if (!input.Blackhole && !input.TransitGatewayAttachmentId) {
    throw new SimApiError('MissingParameter', 'Either TransitGatewayAttachmentId or Blackhole is required');
  }
  if (table.Routes.some((r) => r.Type === 'static' && dest(r) === cidr.text)) {
    throw new SimApiError(
      'RouteAlreadyExists',
      `Route ${cidr.text} already exists in Transit Gateway Route Table ${table.TransitGatewayRouteTableId}.`,
    );
  }
  let route: TransitGatewayRoute;
  if (input.Blackhole) {
    route = { DestinationCidrBlock: input.DestinationCidrBlock, Type: 'static', State: 'blackhole' };
  } else {
    const id = String(input.TransitGatewayAttachmentId);
    const known =
      region.transitGatewayAttachments.find((a) => a.TransitGatewayAttachmentId === id) ??
      region.transitGatewayRouteTables
        .flatMap((t) => t.Routes.flatMap((r) => r.TransitGatewayAttachments ?? []))
        .find((a) => a.TransitGatewayAttachmentId === id);
    if (!known) {
      throw new SimApiError(
        'InvalidTransitGatewayAttachmentID.NotFound',
        `Transit Gateway Attachment ${id} was not found.`,
      );
    }
    route = {
      DestinationCidrBlock: input.DestinationCidrBlock,
      TransitGatewayAttachments: [
        {
          TransitGatewayAttachmentId: id,
          ...(known.ResourceId ? { ResourceId: known.ResourceId } : {}),
          ...(known.ResourceType ? { ResourceType: known.ResourceType } : {}),
        } as never,
      ],
      Type: 'static',
      State: 'active',
    };
  }
  table.Routes.push(route);
  return { Route: clone(route) };
}

/** The simulated EC2 APIs, by API name. */
export const EC2_APIS: Record<string, (ctx: SimCallContext, input: Input) => unknown> = {
  DescribeSecurityGroupRules: describeSecurityGroupRules,
  DescribeSecurityGroups: describeSecurityGroups,
  GetManagedPrefixListEntries: getManagedPrefixListEntries,
  DescribeManagedPrefixLists: describeManagedPrefixLists,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  DescribeRouteTables: describeRouteTables,
  DeleteRoute: deleteRoute,
  CreateRoute: createRoute,
  DescribeTransitGatewayRouteTables: describeTransitGatewayRouteTables,
  SearchTransitGatewayRoutes: searchTransitGatewayRoutes,
  DeleteTransitGatewayRoute: deleteTransitGatewayRoute,
  CreateTransitGatewayRoute: createTransitGatewayRoute,
};
