import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseCidr } from '../../../shared/cidr.js';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import {
  defineKind,
  firstString,
  regionSlot,
  type SimFragment,
  type SimInput,
  type SimSnapshotReader,
} from '../kind.js';
import { applyFilters, type Filter, paginate, tagFilter } from '../paging.js';
import { type SimTag, tagSchema } from './schema-parts.js';
import {
  normalizeProtocol,
  permissionsSchema,
  permissionsToRules,
  ruleKey,
  ruleSchema,
  rulesOfLoadedGroup,
  rulesToPermissions,
  type SimRule,
} from './security-group-rules.js';

/** Security groups and their rules (EC2). */

const securityGroupSchema = z
  .object({
    GroupId: z.string().regex(/^sg-[0-9a-zA-Z]+$/, 'expected sg-…'),
    GroupName: z.string().optional(),
    Description: z.string().optional(),
    VpcId: z.string().optional(),
    OwnerId: z.string().optional(),
    Tags: z.array(tagSchema).optional(),
    Rules: z.array(ruleSchema).optional(),
    IpPermissions: permissionsSchema.optional(),
    IpPermissionsEgress: permissionsSchema.optional(),
  })
  .loose()
  .transform(({ IpPermissions, IpPermissionsEgress, ...group }) => ({
    ...group,
    Rules: rulesOfLoadedGroup({ ...group, IpPermissions, IpPermissionsEgress } as Parameters<
      typeof rulesOfLoadedGroup
    >[0]),
  }));

/** A security group: DescribeSecurityGroups' fields, its rules as DescribeSecurityGroupRules returns them. */
export type SimSecurityGroup = z.output<typeof securityGroupSchema>;
export type { SimRule } from './security-group-rules.js';

const slot = regionSlot({ securityGroups: z.array(securityGroupSchema).default(() => []) });

const clone = <T>(v: T): T => structuredClone(v);

function findGroup(ctx: SimCallContext, input: SimInput): SimSecurityGroup {
  const groups = slot.in(ctx).securityGroups;
  const group = input.GroupId
    ? groups.find((g) => g.GroupId === input.GroupId)
    : groups.find((g) => g.GroupName === input.GroupName);
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

function describeRulePeer(rule: SimRule): string {
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId;
  const protocol = normalizeProtocol(rule.IpProtocol);
  return `peer: ${peer}, ${protocol === '-1' ? 'ALL' : protocol.toUpperCase()}, from port: ${rule.FromPort}, to port: ${rule.ToPort}, ALLOW`;
}

function describeSecurityGroupRules(ctx: SimCallContext, input: SimInput) {
  let rules = slot.in(ctx).securityGroups.flatMap((g) => g.Rules.map((r) => ({ r, g })));
  if (input.SecurityGroupRuleIds?.length) {
    for (const id of input.SecurityGroupRuleIds as string[]) {
      if (!rules.some(({ r }) => r.SecurityGroupRuleId === id)) {
        throw new SimApiError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${id}' does not exist`,
        );
      }
    }
    rules = rules.filter(({ r }) => (input.SecurityGroupRuleIds as string[]).includes(r.SecurityGroupRuleId));
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
  const { Rules, ...rest } = g;
  return {
    ...clone(rest),
    IpPermissions: rulesToPermissions(Rules.filter((r) => !r.IsEgress)),
    IpPermissionsEgress: rulesToPermissions(Rules.filter((r) => r.IsEgress)),
  };
}

function describeSecurityGroups(ctx: SimCallContext, input: SimInput) {
  let groups = slot.in(ctx).securityGroups;
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

function revokeSecurityGroupIngress(ctx: SimCallContext, input: SimInput) {
  const group = findGroup(ctx, input);
  const ingress = group.Rules.filter((r) => !r.IsEgress);
  let revoked: SimRule[] = [];
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

function authorizeSecurityGroupIngress(ctx: SimCallContext, input: SimInput) {
  const group = findGroup(ctx, input);
  const permissions = (input.IpPermissions ?? []) as IpPermission[];
  if (!permissions.length) {
    throw new SimApiError('MissingParameter', 'The request must contain the parameter IpPermissions');
  }
  permissions.forEach(checkPermission);
  const tags = ((input.TagSpecifications ?? []) as { Tags?: SimTag[] }[]).flatMap((t) => t.Tags ?? []);
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

const isWorld = (cidr: string | undefined) => cidr !== undefined && parseCidr(cidr)?.prefix === 0;

function summarizeGroup(g: SimSecurityGroup) {
  const ingress = g.Rules.filter((x) => !x.IsEgress);
  const open = ingress.filter((x) => isWorld(x.CidrIpv4) || isWorld(x.CidrIpv6)).length;
  return {
    kind: 'security group',
    id: g.GroupId,
    detail:
      `${g.GroupName ?? ''} ${ingress.length} ingress / ${g.Rules.length - ingress.length} egress rule(s)${open ? `, ${open} ingress from the world` : ''}`.trim(),
  };
}

// ---------- scenario builders ----------

/** A rule of the {@link securityGroup} builder: ingress, tcp, unless said otherwise. */
export interface RuleSpec {
  readonly id: string;
  readonly egress?: boolean;
  /** `tcp` (default), `udp`, `icmp`, or `-1` for all traffic (ports -1). */
  readonly protocol?: string;
  /** One port, or `[from, to]`. */
  readonly ports?: number | readonly [number, number];
  /** The source (or destination): one of a CIDR, a prefix list, or another group. */
  readonly cidr?: string;
  readonly cidrV6?: string;
  readonly prefixList?: string;
  readonly group?: { readonly GroupId: string; readonly UserId?: string };
  readonly description?: string;
  readonly tags?: readonly SimTag[];
}

/** A security group for a scenario; its owner is the account it is placed in. */
export interface SecurityGroupSpec {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly vpc?: string;
  readonly tags?: readonly SimTag[];
  readonly rules: readonly RuleSpec[];
}

function buildRule(spec: RuleSpec, groupId: string, owner: string): SimRule {
  const protocol = spec.protocol ?? 'tcp';
  const [from, to] =
    protocol === '-1'
      ? [-1, -1]
      : typeof spec.ports === 'number'
        ? [spec.ports, spec.ports]
        : (spec.ports ?? []);
  return {
    SecurityGroupRuleId: spec.id,
    GroupId: groupId,
    GroupOwnerId: owner,
    IsEgress: spec.egress ?? false,
    IpProtocol: protocol,
    ...(from !== undefined ? { FromPort: from, ToPort: to } : {}),
    ...(spec.cidr ? { CidrIpv4: spec.cidr } : {}),
    ...(spec.cidrV6 ? { CidrIpv6: spec.cidrV6 } : {}),
    ...(spec.prefixList ? { PrefixListId: spec.prefixList } : {}),
    ...(spec.group ? { ReferencedGroupInfo: { ...spec.group } } : {}),
    ...(spec.description ? { Description: spec.description } : {}),
    ...(spec.tags ? { Tags: structuredClone([...spec.tags]) } : {}),
  };
}

/**
 * A security group with its rules, for a scenario.
 *
 * @example
 * ```ts
 * securityGroup({ id: 'sg-0a1b2c3d4e5f60718', name: 'bastion', rules: [{ id: 'sgr-01', ports: 22, cidr: '0.0.0.0/0' }] });
 * ```
 */
export function securityGroup(spec: SecurityGroupSpec): SimFragment {
  return slot.fragment((view, where) => {
    view.securityGroups.push({
      GroupId: spec.id,
      ...(spec.name !== undefined ? { GroupName: spec.name } : {}),
      ...(spec.description !== undefined ? { Description: spec.description } : {}),
      ...(spec.vpc !== undefined ? { VpcId: spec.vpc } : {}),
      OwnerId: where.account,
      ...(spec.tags ? { Tags: structuredClone([...spec.tags]) } : {}),
      Rules: spec.rules.map((r) => buildRule(r, spec.id, where.account)),
    });
  });
}

function sampleGroups(): SimFragment[] {
  return [
    securityGroup({
      id: 'sg-0a1b2c3d4e5f60718',
      name: 'bastion',
      description: 'bastion hosts',
      vpc: 'vpc-0123456789abcdef0',
      tags: [{ Key: 'Name', Value: 'bastion' }],
      rules: [
        {
          id: 'sgr-0000000000000a001',
          ports: 22,
          cidr: '0.0.0.0/0',
          description: 'ssh from anywhere (the violation)',
          tags: [],
        },
        {
          id: 'sgr-0000000000000a002',
          ports: 22,
          cidr: '10.0.0.0/8',
          description: 'ssh from the corporate network',
          tags: [],
        },
        { id: 'sgr-0000000000000a003', egress: true, protocol: '-1', cidr: '0.0.0.0/0', tags: [] },
      ],
    }),
  ];
}

// ---------- snapshot ----------

async function snapshotGroups(read: SimSnapshotReader) {
  const ec2 = read.clients.get(EC2Client, read.scope);
  const groups: SecurityGroup[] = [];
  const rules: SecurityGroupRule[] = [];
  await read.attempt('ec2:DescribeSecurityGroups', async () => {
    const all = await read.pages(async (NextToken) => {
      const page = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken }));
      return { items: page.SecurityGroups, next: page.NextToken };
    });
    groups.push(...all);
  });
  await read.attempt('ec2:DescribeSecurityGroupRules', async () => {
    const all = await read.pages(async (NextToken) => {
      const page = await ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 1000, NextToken }));
      return { items: page.SecurityGroupRules, next: page.NextToken };
    });
    rules.push(...all);
  });
  return {
    securityGroups: groups.map((g) => {
      const { IpPermissions: _i, IpPermissionsEgress: _e, ...rest } = read.plain(g);
      return {
        ...rest,
        GroupId: g.GroupId!,
        Rules: read.plain(rules.filter((r) => r.GroupId === g.GroupId)),
      } as SimSecurityGroup;
    }),
  };
}

/** The security groups kind: groups and their rules, the EC2 APIs on them. */
export const securityGroups = defineKind('security groups', slot, {
  apis: {
    ec2: {
      DescribeSecurityGroupRules: describeSecurityGroupRules,
      DescribeSecurityGroups: describeSecurityGroups,
      RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
      AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
    },
  },
  resourceId: (_api, input) => firstString(input, ['GroupId', 'GroupName']),
  summarize: (view) => view.securityGroups.map(summarizeGroup),
  sample: sampleGroups,
  snapshot: snapshotGroups,
});
