import { createHash } from 'node:crypto';
import type { IpPermission } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseCidr } from '../../../shared/cidr.js';
import { cidrText, tagSchema } from './schema-parts.js';

/** Security group rules: their schema, and the conversions between rules and `IpPermissions`. */

export const ruleSchema = z
  .object({
    SecurityGroupRuleId: z.string().regex(/^sgr-[0-9a-zA-Z]+$/, 'expected sgr-…'),
    GroupId: z.string().optional(),
    IsEgress: z.boolean(),
    IpProtocol: z.string(),
    FromPort: z.number().int().optional(),
    ToPort: z.number().int().optional(),
    CidrIpv4: cidrText.optional(),
    CidrIpv6: cidrText.optional(),
    PrefixListId: z.string().optional(),
    ReferencedGroupInfo: z.object({ GroupId: z.string().optional() }).loose().optional(),
    Description: z.string().optional(),
    Tags: z.array(tagSchema).optional(),
  })
  .loose();

const permissionSchema = z
  .object({
    IpProtocol: z.string(),
    FromPort: z.number().int().optional(),
    ToPort: z.number().int().optional(),
    IpRanges: z.array(z.object({ CidrIp: cidrText }).loose()).optional(),
    Ipv6Ranges: z.array(z.object({ CidrIpv6: cidrText }).loose()).optional(),
    PrefixListIds: z.array(z.object({ PrefixListId: z.string() }).loose()).optional(),
    UserIdGroupPairs: z.array(z.object({ GroupId: z.string().optional() }).loose()).optional(),
  })
  .loose();

/** Accepted in a state file (DescribeSecurityGroups' shape) and turned into rules on load. */
export const permissionsSchema = z.array(permissionSchema);

/** A rule as DescribeSecurityGroupRules returns it (SDK `SecurityGroupRule`, id and direction required). */
export type SimRule = z.output<typeof ruleSchema>;

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

function source(rule: SimRule): string {
  if (rule.CidrIpv4) return `v4:${parseCidr(rule.CidrIpv4)?.text ?? rule.CidrIpv4}`;
  if (rule.CidrIpv6) return `v6:${parseCidr(rule.CidrIpv6)?.text ?? rule.CidrIpv6}`;
  if (rule.PrefixListId) return `pl:${rule.PrefixListId}`;
  if (rule.ReferencedGroupInfo?.GroupId) return `sg:${rule.ReferencedGroupInfo.GroupId}`;
  return 'none';
}

/** What makes two rules the same rule for EC2: direction, protocol, ports, source (not the description). */
export function ruleKey(rule: SimRule): string {
  const protocol = normalizeProtocol(rule.IpProtocol);
  const ports = protocol === '-1' ? '-1:-1' : `${rule.FromPort ?? -1}:${rule.ToPort ?? -1}`;
  return `${rule.IsEgress ? 'egress' : 'ingress'}|${protocol}|${ports}|${source(rule)}`;
}

/** Flattens `IpPermissions` into one rule per source (DescribeSecurityGroupRules' shape). */
export function permissionsToRules(
  group: { GroupId: string; OwnerId?: string | undefined },
  permissions: readonly IpPermission[],
  isEgress: boolean,
  nextId: (index: number) => string,
): SimRule[] {
  const rules: SimRule[] = [];
  for (const p of permissions) {
    const protocol = normalizeProtocol(p.IpProtocol);
    const base = {
      GroupId: group.GroupId,
      ...(group.OwnerId ? { GroupOwnerId: group.OwnerId } : {}),
      IsEgress: isEgress,
      IpProtocol: protocol,
      FromPort: protocol === '-1' ? -1 : p.FromPort,
      ToPort: protocol === '-1' ? -1 : p.ToPort,
    };
    const add = (extra: Partial<SimRule>, description?: string) =>
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
export function rulesToPermissions(rules: readonly SimRule[]): IpPermission[] {
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

/**
 * A loaded group's rules: its `Rules`, or its `IpPermissions` (DescribeSecurityGroups' shape) turned
 * into rules with stable ids; each rule completed with its group, owner and protocol name.
 */
export function rulesOfLoadedGroup(group: {
  GroupId: string;
  OwnerId?: string | undefined;
  Rules?: SimRule[] | undefined;
  IpPermissions?: IpPermission[] | undefined;
  IpPermissionsEgress?: IpPermission[] | undefined;
}): SimRule[] {
  const stable = (egress: boolean) => (i: number) =>
    `sgr-${createHash('sha256').update(`${group.GroupId}/${egress}/${i}`).digest('hex').slice(0, 17)}`;
  const rules = group.Rules ?? [
    ...permissionsToRules(group, group.IpPermissions ?? [], false, stable(false)),
    ...permissionsToRules(group, group.IpPermissionsEgress ?? [], true, stable(true)),
  ];
  for (const r of rules) {
    r.GroupId ??= group.GroupId;
    if (group.OwnerId) r.GroupOwnerId ??= group.OwnerId;
    r.IpProtocol = normalizeProtocol(r.IpProtocol);
  }
  return rules;
}
