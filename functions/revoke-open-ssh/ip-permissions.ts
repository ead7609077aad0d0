import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';

/**
 * One security-group rule as an `IpPermission` (the shape Authorize/Revoke by properties take):
 * what undo needs to re-create the rule exactly.
 */
export function ruleToIpPermission(rule: SecurityGroupRule): IpPermission {
  const permission: IpPermission = { IpProtocol: rule.IpProtocol };
  if (rule.IpProtocol !== '-1') {
    permission.FromPort = rule.FromPort;
    permission.ToPort = rule.ToPort;
  }
  const description = rule.Description ? { Description: rule.Description } : {};
  if (rule.CidrIpv4) permission.IpRanges = [{ CidrIp: rule.CidrIpv4, ...description }];
  else if (rule.CidrIpv6) permission.Ipv6Ranges = [{ CidrIpv6: rule.CidrIpv6, ...description }];
  else if (rule.PrefixListId)
    permission.PrefixListIds = [{ PrefixListId: rule.PrefixListId, ...description }];
  else if (rule.ReferencedGroupInfo?.GroupId) {
    permission.UserIdGroupPairs = [
      {
        GroupId: rule.ReferencedGroupInfo.GroupId,
        ...(rule.ReferencedGroupInfo.UserId ? { UserId: rule.ReferencedGroupInfo.UserId } : {}),
        ...description,
      },
    ];
  }
  return permission;
}

/**
 * Flattens `IpPermissions` (DescribeSecurityGroups' shape) into one rule per source, as
 * DescribeSecurityGroupRules returns them. `nextId` names the rules (`sgr-…`).
 */
export function ipPermissionsToRules(
  groupId: string,
  ownerId: string | undefined,
  permissions: readonly IpPermission[],
  isEgress: boolean,
  nextId: () => string,
): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const p of permissions) {
    const base: SecurityGroupRule = {
      GroupId: groupId,
      ...(ownerId ? { GroupOwnerId: ownerId } : {}),
      IsEgress: isEgress,
      IpProtocol: p.IpProtocol,
      FromPort: p.IpProtocol === '-1' ? -1 : p.FromPort,
      ToPort: p.IpProtocol === '-1' ? -1 : p.ToPort,
    };
    for (const r of p.IpRanges ?? []) {
      rules.push({
        ...base,
        SecurityGroupRuleId: nextId(),
        CidrIpv4: r.CidrIp,
        ...(r.Description ? { Description: r.Description } : {}),
      });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      rules.push({
        ...base,
        SecurityGroupRuleId: nextId(),
        CidrIpv6: r.CidrIpv6,
        ...(r.Description ? { Description: r.Description } : {}),
      });
    }
    for (const r of p.PrefixListIds ?? []) {
      rules.push({
        ...base,
        SecurityGroupRuleId: nextId(),
        PrefixListId: r.PrefixListId,
        ...(r.Description ? { Description: r.Description } : {}),
      });
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      rules.push({
        ...base,
        SecurityGroupRuleId: nextId(),
        ReferencedGroupInfo: { GroupId: r.GroupId, ...(r.UserId ? { UserId: r.UserId } : {}) },
        ...(r.Description ? { Description: r.Description } : {}),
      });
    }
  }
  return rules;
}
