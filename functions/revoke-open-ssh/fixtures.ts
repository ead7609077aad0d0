// Test support: what the registry-wide tests and plan.test.ts generate revoke-open-ssh's cases from.
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import type { RevokeOpenSshSettings, SecurityGroupState } from './plan.js';

export const WHOLE: RevokeOpenSshSettings = { portRangePolicy: 'revoke-rule' };
export const REMAINDER: RevokeOpenSshSettings = { portRangePolicy: 'reauthorize-remainder' };
export const GROUP = 'sg-0123456789abcdef0';

let counter = 0;
/** An ingress rule of GROUP (tcp 22 unless told), with a fresh rule id. */
export const rule = (r: Partial<SecurityGroupRule>): SecurityGroupRule => ({
  SecurityGroupRuleId: `sgr-${(++counter).toString(16).padStart(17, '0')}`,
  GroupId: GROUP,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  ...r,
});

/** GROUP as describe reads it: its rules, and the entries of the prefix lists they name. */
export const state = (
  rules: SecurityGroupRule[],
  prefixLists: Record<string, string[]> = {},
): SecurityGroupState => ({
  groupId: GROUP,
  rules,
  prefixLists,
});

const cidr4 = fc.oneof(
  fc.constantFrom(
    '0.0.0.0/0',
    '0.0.0.0/1',
    '128.0.0.0/1',
    '10.0.0.0/8',
    '192.168.1.0/24',
    '203.0.113.0/24',
    '172.16.0.0/12',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 32 }),
    )
    .map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
);

/** Any rule: ingress or egress, any protocol and port range, from a CIDR, a group or a prefix list. */
const anyRule = fc
  .record({
    IsEgress: fc.boolean(),
    IpProtocol: fc.constantFrom('tcp', 'udp', 'icmp', '-1', '6'),
    // ranges that start at or below 22 often, so that port ranges holding 22 are frequent
    FromPort: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(0, 21, 22)),
    span: fc.integer({ min: 0, max: 70000 }),
    source: fc.oneof(
      cidr4.map((c) => ({ CidrIpv4: c })),
      fc.constantFrom('::/0', '2001:db8::/32', 'fc00::/7').map((c) => ({ CidrIpv6: c })),
      fc.constant({ ReferencedGroupInfo: { GroupId: 'sg-0fedcba9876543210' } }),
      fc.constant({ PrefixListId: 'pl-0123456789abcdef0' }),
    ),
  })
  .map(({ FromPort, span, source, ...r }) =>
    rule({
      ...r,
      FromPort: r.IpProtocol === '-1' ? -1 : FromPort,
      ToPort: r.IpProtocol === '-1' ? -1 : Math.min(65535, FromPort + span),
      ...source,
    }),
  );

/** Any group of up to 8 rules, with a prefix list of up to 3 entries. */
export const anyState: fc.Arbitrary<SecurityGroupState> = fc
  .tuple(fc.array(anyRule, { maxLength: 8 }), fc.array(cidr4, { maxLength: 3 }))
  .map(([rules, pl]) => state(rules, { 'pl-0123456789abcdef0': pl }));

export const anySettings = fc.constantFrom(WHOLE, REMAINDER);

export const fixtures: RemediationFixtures<SecurityGroupState> = {
  state: anyState,
  settings: fc.constantFrom<Record<string, unknown>>({}, WHOLE, REMAINDER),
  validIds: ['sg-12345678', 'sg-0a1b2c3d4e5f60718'],
  lookAlikeIds: [
    'sg-0123456789ABCDEF0',
    'sg-123',
    'sg-123456789',
    'rtb-12345678',
    'sg-g2345678',
    'SG-12345678',
  ],
  cloudTrailEvents: [
    { file: 'ec2__AuthorizeSecurityGroupIngress__stratus-red-team.json', resourceId: 'sg-003dc7f1f1c686164' },
    { file: 'ec2__AuthorizeSecurityGroupIngress.json', resourceId: 'sg-0123456789abcdef0' },
    { file: 'ec2__AuthorizeSecurityGroupIngress__failed.json', resourceId: 'sg-0123456789abcdef0' },
    { file: 'ec2__AuthorizeSecurityGroupIngress__airlock-own-role.json', resourceId: 'sg-0123456789abcdef0' },
    { file: 'ec2__ModifySecurityGroupRules.json', resourceId: 'sg-0123456789abcdef0' },
  ],
};
