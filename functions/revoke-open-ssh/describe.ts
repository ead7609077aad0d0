import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import type { SecurityGroupState } from './plan.js';

export type Ec2Port = Pick<EC2Client, 'send'>;

async function listRules(ec2: Ec2Port, groupId: string): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [groupId] }],
        MaxResults: 1000,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    rules.push(
      ...(out.SecurityGroupRules ?? []).filter((r) => r.GroupId === undefined || r.GroupId === groupId),
    );
    token = out.NextToken;
  } while (token);
  return rules;
}

async function prefixListCidrs(ec2: Ec2Port, prefixListId: string): Promise<string[]> {
  const cidrs: string[] = [];
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new GetManagedPrefixListEntriesCommand({
        PrefixListId: prefixListId,
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const entry of out.Entries ?? []) if (entry.Cidr) cidrs.push(entry.Cidr);
    token = out.NextToken;
  } while (token);
  return cidrs;
}

/**
 * Reads the group's rules live (DescribeSecurityGroupRules) and the entries of the prefix lists its
 * ingress rules name. A group with no rules is checked for existence: gone is GONE.
 */
export async function describeSecurityGroup(
  groupId: string,
  ctx: RemediationContext,
): Promise<SecurityGroupState | Gone> {
  const ec2 = ctx.client(EC2Client);
  const rules = await listRules(ec2, groupId);
  if (rules.length === 0) {
    try {
      const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      if (!out.SecurityGroups?.length) return GONE;
    } catch (error) {
      if (errorCode(error) === 'InvalidGroup.NotFound') return GONE;
      throw error;
    }
  }
  const prefixLists: Record<string, string[]> = {};
  const ids = [...new Set(rules.filter((r) => !r.IsEgress && r.PrefixListId).map((r) => r.PrefixListId!))];
  for (const id of ids) prefixLists[id] = await prefixListCidrs(ec2, id);
  return { groupId, rules, prefixLists };
}
