import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { listRealWorld, loadPlacebo, loadRealWorld } from '../../../test/helpers/fixtures.js';
import { ec2With, errorOf, normalize } from '../../../test/helpers/simulated-ec2.js';

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
  });
});
