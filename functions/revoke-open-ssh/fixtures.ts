// Test support: what the registry-wide tests and plan.test.ts generate revoke-open-ssh's cases from.
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import {
  type Cidr,
  cidrOverlaps,
  cidrWithin,
  INTERNET_SPACE,
  parseCidr,
  SPECIAL_PURPOSE_CIDRS,
} from '../../shared/cidr.js';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import type { RevokeOpenSshSettings, SecurityGroupState } from './plan.js';

export const WHOLE: RevokeOpenSshSettings = { portRangePolicy: 'revoke-rule', publicSourcePolicy: 'world' };
export const REMAINDER: RevokeOpenSshSettings = {
  portRangePolicy: 'reauthorize-remainder',
  publicSourcePolicy: 'world',
};
export const WIDER_THAN_16: RevokeOpenSshSettings = {
  portRangePolicy: 'revoke-rule',
  publicSourcePolicy: 'wider-than',
  maxPublicPrefix: 16,
  maxPublicPrefixIpv6: 32,
};
export const ANY_PUBLIC: RevokeOpenSshSettings = {
  portRangePolicy: 'revoke-rule',
  publicSourcePolicy: 'any-public',
};
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

const width = (family: 4 | 6) => (family === 4 ? 32 : 128);
const half = (c: Cidr, high: boolean): Cidr => {
  const size = 1n << BigInt(width(c.family) - c.prefix - 1);
  const start = c.start + (high ? size : 0n);
  const text =
    c.family === 4
      ? [24n, 16n, 8n, 0n].map((s) => String((start >> s) & 0xffn)).join('.')
      : Array.from({ length: 8 }, (_, i) => ((start >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(
          ':',
        );
  return parseCidr(`${text}/${c.prefix + 1}`)!;
};

/** The fewest CIDRs that hold `space` without `holes`: what someone writes to open all but those. */
export function tileExcept(space: Cidr, holes: readonly Cidr[]): Cidr[] {
  if (holes.some((h) => cidrWithin(space, h))) return [];
  if (!holes.some((h) => cidrOverlaps(space, h))) return [space];
  return [...tileExcept(half(space, false), holes), ...tileExcept(half(space, true), holes)];
}

/**
 * Sources that cover public space while leaving out special-purpose blocks (and, sometimes, one
 * public piece, so that they cover it no more), in any order: the sidestep attempts.
 */
export const coverSources: fc.Arbitrary<string[]> = fc
  .constantFrom<4 | 6>(4, 4, 6)
  .chain((family) =>
    fc.tuple(
      fc.constant(family),
      fc.subarray([...SPECIAL_PURPOSE_CIDRS[family]], { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      fc.boolean(),
      fc.nat(),
    ),
  )
  .chain(([family, holes, fromInternet, dropOne, drop]) => {
    const space =
      family === 6 && fromInternet ? INTERNET_SPACE[6] : parseCidr(family === 4 ? '0.0.0.0/0' : '::/0')!;
    const pieces = tileExcept(space, holes);
    const kept = dropOne ? pieces.filter((_, i) => i !== drop % pieces.length) : pieces;
    return fc.shuffledSubarray(
      kept.map((c) => c.text),
      { minLength: kept.length, maxLength: kept.length },
    );
  });

/** A rule that lets tcp 22 through from one source: tcp 22, a range holding it, or all traffic. */
const sshFrom = (source: Partial<SecurityGroupRule>) =>
  fc
    .constantFrom(
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 },
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 },
      { IpProtocol: '6', FromPort: 20, ToPort: 23 },
      { IpProtocol: '-1', FromPort: -1, ToPort: -1 },
    )
    .map((ports) => rule({ ...ports, ...source }));

const cidrSource = (c: string): Partial<SecurityGroupRule> =>
  c.includes(':') ? { CidrIpv6: c } : { CidrIpv4: c };

/** The look-alikes a careless fix would touch: SSH from private ranges and other groups, other ports, udp, egress. */
export const lookAlikeRule: fc.Arbitrary<SecurityGroupRule> = fc.oneof(
  fc
    .constantFrom('10.0.0.0/8', '172.16.0.0/12', '192.168.10.0/24', '100.64.0.0/10', 'fd00::/8', 'fe80::/10')
    .chain((c) => sshFrom(cidrSource(c))),
  sshFrom({ ReferencedGroupInfo: { GroupId: 'sg-0fedcba9876543210' } }),
  fc
    .constantFrom('0.0.0.0/0', '::/0', '0.0.0.0/1')
    .map((c) => rule({ FromPort: 2222, ToPort: 2222, ...cidrSource(c) })),
  fc.constantFrom('0.0.0.0/0', '::/0').map((c) => rule({ IpProtocol: 'udp', ...cidrSource(c) })),
  fc
    .constantFrom('0.0.0.0/0', '::/0')
    .map((c) => rule({ IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, ...cidrSource(c) })),
);

/**
 * A group holding a sidestep attempt: cover pieces as SSH rules (some of them as the entries of a
 * prefix list), beside look-alikes and a narrow public source.
 */
export const coverState: fc.Arbitrary<SecurityGroupState> = fc
  .tuple(coverSources, fc.nat(), fc.array(lookAlikeRule, { maxLength: 4 }), fc.boolean())
  .chain(([sources, split, lookAlikes, narrow]) => {
    const listed = sources.slice(0, split % 3);
    const own = sources.slice(split % 3);
    return fc.tuple(
      fc.tuple(...own.map((c) => sshFrom(cidrSource(c)))),
      fc.constant({ listed, lookAlikes, narrow }),
    );
  })
  .map(([own, { listed, lookAlikes, narrow }]) =>
    state(
      [
        ...own,
        ...(listed.length ? [rule({ PrefixListId: 'pl-0aaaaaaaaaaaaaaaa' })] : []),
        ...(narrow ? [rule({ CidrIpv4: '198.51.99.7/32' })] : []),
        ...lookAlikes,
      ],
      listed.length ? { 'pl-0aaaaaaaaaaaaaaaa': listed } : {},
    ),
  );

/** Any group of up to 8 rules, with a prefix list of up to 3 entries; or a sidestep attempt. */
export const anyState: fc.Arbitrary<SecurityGroupState> = fc.oneof(
  fc
    .tuple(fc.array(anyRule, { maxLength: 8 }), fc.array(cidr4, { maxLength: 3 }))
    .map(([rules, pl]) => state(rules, { 'pl-0123456789abcdef0': pl })),
  coverState,
);

export const anySettings = fc.constantFrom(WHOLE, REMAINDER, WIDER_THAN_16, ANY_PUBLIC);

export const fixtures: RemediationFixtures<SecurityGroupState> = {
  state: anyState,
  settings: fc.constantFrom<Record<string, unknown>>({}, WHOLE, REMAINDER, WIDER_THAN_16, ANY_PUBLIC),
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
