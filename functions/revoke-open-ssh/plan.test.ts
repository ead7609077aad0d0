import type { IpPermission, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Cidr,
  containsPublic,
  coversPublicSpace,
  parseCidr,
  SPECIAL_PURPOSE_CIDRS,
} from '../../shared/cidr.js';
import { loadPlacebo } from '../../test/helpers/fixtures.js';
import { ALL_BUT_TEN } from '../../test/helpers/security-group.js';
import {
  ANY_PUBLIC,
  anySettings,
  anyState,
  coverState,
  GROUP,
  REMAINDER,
  rule,
  state,
  tileExcept,
  WHOLE,
  WIDER_THAN_16,
} from './fixtures.js';
import { ipPermissionsToRules, ruleToIpPermission } from './ip-permissions.js';
import {
  allowsSsh,
  DEFAULT_MAX_PUBLIC_PREFIX,
  findOpenSshRules,
  planRevokeOpenSsh,
  type RevokeOpenSshSettings,
  RevokeOpenSshSettingsSchema,
  type SecurityGroupState,
  type SshStep,
  undoSshStep,
} from './plan.js';

/** DescribeSecurityGroups groups as DescribeSecurityGroupRules would return their rules. */
function statesFromFixture(path: string): SecurityGroupState[] {
  const data = loadPlacebo<{ SecurityGroups: SecurityGroup[] }>(path);
  return data.SecurityGroups.map((g) => {
    let n = 0;
    const id = () => `sgr-${(++n).toString(16).padStart(17, '0')}`;
    return {
      groupId: g.GroupId!,
      rules: [
        ...ipPermissionsToRules(g.GroupId!, g.OwnerId, g.IpPermissions ?? [], false, id),
        ...ipPermissionsToRules(g.GroupId!, g.OwnerId, g.IpPermissionsEgress ?? [], true, id),
      ],
      prefixLists: {},
    };
  });
}

/** A pure model of EC2: what the group's rules are after a step. */
function applyStep(s: SecurityGroupState, step: SshStep): SecurityGroupState {
  if (step.action === 'ec2:RevokeSecurityGroupIngress') {
    const ids = step.input.SecurityGroupRuleIds;
    if (ids) return { ...s, rules: s.rules.filter((r) => !ids.includes(r.SecurityGroupRuleId!)) };
    const perms = step.input.IpPermissions ?? [];
    const same = (r: SecurityGroupRule) =>
      !r.IsEgress && perms.some((p) => JSON.stringify(ruleToIpPermission(r)) === JSON.stringify(p));
    return { ...s, rules: s.rules.filter((r) => !same(r)) };
  }
  let n = 0;
  const added = ipPermissionsToRules(
    s.groupId,
    undefined,
    step.input.IpPermissions ?? [],
    false,
    () => `sgr-new${++n}${Math.random()}`,
  );
  return { ...s, rules: [...s.rules, ...added] };
}
const applyPlan = (s: SecurityGroupState, steps: readonly SshStep[]) => steps.reduce(applyStep, s);
const revokedIds = (plan: ReturnType<typeof planRevokeOpenSsh>) =>
  plan.kind === 'steps'
    ? plan.steps.flatMap((x) =>
        x.action === 'ec2:RevokeSecurityGroupIngress' ? (x.input.SecurityGroupRuleIds ?? []) : [],
      )
    : [];

/** The sources of a rule as CIDRs (its own, or its prefix list's entries). */
const sourcesOf = (s: SecurityGroupState, r: SecurityGroupRule) =>
  ((r.CidrIpv4 ?? r.CidrIpv6)
    ? [r.CidrIpv4 ?? r.CidrIpv6!]
    : r.PrefixListId
      ? (s.prefixLists[r.PrefixListId] ?? [])
      : []
  )
    .map((t) => parseCidr(t))
    .filter((c) => c !== undefined);

/** The oracle, written from the policy's words: which rules are violations. */
function violations(s: SecurityGroupState, settings: RevokeOpenSshSettings): Set<string> {
  const ssh = s.rules.filter((r) => allowsSsh(r) && r.SecurityGroupRuleId);
  const covered = ([4, 6] as const).filter((f) =>
    coversPublicSpace(
      ssh.flatMap((r) => sourcesOf(s, r)),
      f,
    ),
  );
  const widest = (f: 4 | 6) =>
    settings.publicSourcePolicy === 'any-public'
      ? 129
      : settings.publicSourcePolicy === 'wider-than'
        ? ((f === 4 ? settings.maxPublicPrefix : settings.maxPublicPrefixIpv6) ??
          DEFAULT_MAX_PUBLIC_PREFIX[f])
        : 0;
  return new Set(
    ssh
      .filter((r) =>
        sourcesOf(s, r).some(
          (c) => containsPublic(c) && (covered.includes(c.family) || c.prefix < widest(c.family)),
        ),
      )
      .map((r) => r.SecurityGroupRuleId!),
  );
}
/** An IPv4 address as dotted text. */
const ipv4 = (a: bigint) => [24n, 16n, 8n, 0n].map((s) => String((a >> s) & 0xffn)).join('.');

const signature = (s: SecurityGroupState) =>
  s.rules
    .map((r) => JSON.stringify(ruleToIpPermission(r)) + String(r.IsEgress))
    .sort()
    .join('\n');

describe('Function: planRevokeOpenSsh', () => {
  describe('over real DescribeSecurityGroups recordings', () => {
    it.each([
      ['placebo__19-groups__mixed__ssh-world__sg-refs.json', ['sg-0d40e803b8b644e79']],
      [
        'placebo__42-groups__mixed__incl-tcp-0-65535-world__ssh-world__sg-refs.json',
        [
          'sg-0026997c',
          'sg-0b3d3377',
          'sg-3d78bc42',
          'sg-45131239',
          'sg-5be15a24',
          'sg-5fd5dd21',
          'sg-6c269910',
          'sg-854645f9',
          'sg-8735b1f8',
          'sg-8a4b64f7',
          'sg-926a56e8',
          'sg-b8dd6dc7',
          'sg-bdbfb7c1',
          'sg-c67c7dba',
          'sg-d037b3af',
          'sg-dc1312a0',
          'sg-deafbda2',
          'sg-e281699e',
          'sg-f7117688',
          'sg-fc46c983',
        ],
      ],
      [
        'placebo__all-traffic-proto-minus1-from-0.0.0.0-0__sg-ref-egress__port-range-60000-62000.json',
        ['sg-065fad86f90aae701'],
      ],
      ['placebo__prefix-list-source__self-referencing-egress__udp-443.json', []],
      ['placebo__single-group__all-traffic-minus1-world.json', ['sg-03c0b84cdad91744f']],
      ['placebo__ssh-22-open-0.0.0.0-0__and__ssh-22-restricted-32.json', ['sg-926a56e8']],
    ])('plans exactly the world-open groups of %s', (file, expected) => {
      // Prepare
      const states = statesFromFixture(`api/ec2/describe-security-groups/${file}`);

      // Act
      const planned = states
        .filter((s) => planRevokeOpenSsh(s, WHOLE).kind === 'steps')
        .map((s) => s.groupId);

      // Assess
      expect(planned.sort()).toEqual([...expected].sort());
      for (const s of states) {
        const plan = planRevokeOpenSsh(s, WHOLE);
        if (plan.kind !== 'steps') continue;
        const after = applyPlan(s, plan.steps);
        expect(planRevokeOpenSsh(after, WHOLE).kind).toBe('noop');
        // only world-open ingress rules went away
        const gone = s.rules.filter((r) => !after.rules.includes(r));
        for (const r of gone) {
          expect(r.IsEgress).toBe(false);
          expect(r.CidrIpv4 === '0.0.0.0/0' || r.CidrIpv6 === '::/0').toBe(true);
        }
      }
    });
  });

  it('revokes by rule id, keeping undo information', () => {
    // Prepare
    const open = rule({ CidrIpv4: '0.0.0.0/0', Description: 'temp' });

    // Act
    const plan = planRevokeOpenSsh(state([open]), WHOLE);

    // Assess
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [
        {
          action: 'ec2:RevokeSecurityGroupIngress',
          input: { GroupId: GROUP, SecurityGroupRuleIds: [open.SecurityGroupRuleId] },
          before: {
            revoked: [
              {
                rule: open,
                permission: {
                  IpProtocol: 'tcp',
                  FromPort: 22,
                  ToPort: 22,
                  IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp' }],
                },
              },
            ],
          },
        },
      ],
    });
  });

  it('revokes every world-open rule of a group in one call, and undoes them one rule each', () => {
    // Prepare
    const open = Array.from({ length: 21 }, (_, i) =>
      rule({ CidrIpv4: '0.0.0.0/0', FromPort: 22 - (i % 3), ToPort: 22 + i }),
    );
    const kept = rule({ CidrIpv4: '10.0.0.0/8' });

    // Act
    const plan = planRevokeOpenSsh(state([...open, kept]), WHOLE);
    const steps = plan.kind === 'steps' ? plan.steps : [];
    const undo = steps.flatMap((s) => undoSshStep(s));

    // Assess
    expect(steps).toHaveLength(1);
    expect(steps[0]!.input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: open.map((r) => r.SecurityGroupRuleId),
    });
    expect(undo).toHaveLength(21);
    expect(undo.every((u) => u.action === 'ec2:AuthorizeSecurityGroupIngress')).toBe(true);
    expect(signature(applyPlan(applyPlan(state([...open, kept]), steps), undo))).toEqual(
      signature(state([...open, kept])),
    );
  });

  it('undoes a single-rule revoke recorded before revokes were grouped', () => {
    // Prepare
    const open = rule({ CidrIpv4: '0.0.0.0/0' });
    const permission = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

    // Act
    const undo = undoSshStep({
      action: 'ec2:RevokeSecurityGroupIngress',
      input: { GroupId: GROUP, SecurityGroupRuleIds: [open.SecurityGroupRuleId!] },
      reason: 'tcp 22 open to 0.0.0.0/0',
      before: { rule: open, permission },
    });

    // Assess
    expect(undo).toEqual([
      {
        action: 'ec2:AuthorizeSecurityGroupIngress',
        input: { GroupId: GROUP, IpPermissions: [permission] },
        reason: 'undo: re-authorise the revoked rule',
        before: { permission },
      },
    ]);
  });

  it.each([
    ['IPv6 ::/0', { CidrIpv6: '::/0' }],
    ['all traffic (-1)', { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }],
    ['protocol number 6', { IpProtocol: '6', CidrIpv4: '0.0.0.0/0' }],
    ['a range holding 22', { FromPort: 0, ToPort: 1024, CidrIpv4: '0.0.0.0/0' }],
    ['a world CIDR written with host bits (1.2.3.4/0)', { CidrIpv4: '1.2.3.4/0' }],
  ])('finds %s', (_name, fields) => {
    expect(findOpenSshRules(state([rule(fields)]))).toHaveLength(1);
  });

  it('finds a prefix-list source whose entries hold a world CIDR', () => {
    // Prepare
    const viaList = rule({ PrefixListId: 'pl-0123456789abcdef0' });
    const safeList = rule({ PrefixListId: 'pl-0fedcba9876543210' });

    // Act
    const findings = findOpenSshRules(
      state([viaList, safeList], {
        'pl-0123456789abcdef0': ['10.0.0.0/8', '0.0.0.0/0'],
        'pl-0fedcba9876543210': ['10.1.0.0/16'],
      }),
    );

    // Assess
    expect(findings.map((f) => f.rule.SecurityGroupRuleId)).toEqual([viaList.SecurityGroupRuleId]);
  });

  it('finds a world-equivalent set (0.0.0.0/1 + 128.0.0.0/1) and keeps a private-range rule beside it', () => {
    // Prepare
    const low = rule({ CidrIpv4: '0.0.0.0/1' });
    const high = rule({ CidrIpv4: '128.0.0.0/1' });
    const priv = rule({ CidrIpv4: '10.0.0.0/8' });

    // Act
    const plan = planRevokeOpenSsh(state([low, high, priv]), WHOLE);

    // Assess
    expect(plan.kind).toBe('steps');
    const ids =
      plan.kind === 'steps'
        ? plan.steps.flatMap((s) =>
            s.action === 'ec2:RevokeSecurityGroupIngress' ? (s.input.SecurityGroupRuleIds ?? []) : [],
          )
        : [];
    expect(ids.sort()).toEqual([low.SecurityGroupRuleId, high.SecurityGroupRuleId].sort());
  });

  it.each([
    ['SSH from 10.0.0.0/8', { CidrIpv4: '10.0.0.0/8' }],
    ['SSH from a /32', { CidrIpv4: '203.0.113.7/32' }],
    ['SSH from another security group', { ReferencedGroupInfo: { GroupId: 'sg-0fedcba9876543210' } }],
    ['port 2222 open to the world', { FromPort: 2222, ToPort: 2222, CidrIpv4: '0.0.0.0/0' }],
    ['tcp 80 open to the world', { FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0' }],
    ['udp 22 open to the world (not SSH)', { IpProtocol: 'udp', CidrIpv4: '0.0.0.0/0' }],
    ['an egress rule to the world', { IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }],
    ['half of the internet only (0.0.0.0/1)', { CidrIpv4: '0.0.0.0/1' }],
  ])('leaves the compliant look-alike alone: %s', (_name, fields) => {
    expect(planRevokeOpenSsh(state([rule(fields)]), WHOLE)).toEqual({
      kind: 'noop',
      reason: 'no ingress rule opens tcp 22 to the world',
    });
  });

  it('re-authorises the rest of a range before revoking it when the setting says so', () => {
    // Prepare
    const wide = rule({ FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0' });

    // Act
    const plan = planRevokeOpenSsh(state([wide]), REMAINDER);

    // Assess
    expect(plan.kind).toBe('steps');
    const steps = plan.kind === 'steps' ? plan.steps : [];
    expect(steps.map((s) => s.action)).toEqual([
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
    ]);
    const ranges = steps
      .slice(0, 2)
      .map((s) => (s.input as { IpPermissions: IpPermission[] }).IpPermissions[0]);
    expect(ranges.map((p) => [p?.FromPort, p?.ToPort])).toEqual([
      [0, 21],
      [23, 65535],
    ]);
    const after = applyPlan(state([wide]), steps);
    expect(planRevokeOpenSsh(after, REMAINDER).kind).toBe('noop');
    expect(after.rules).toHaveLength(2);
  });

  it('undoes a plan back to the original rules', () => {
    // Prepare
    const original = state([
      rule({ FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0', Description: 'wide' }),
      rule({ CidrIpv6: '::/0' }),
      rule({ CidrIpv4: '10.0.0.0/8' }),
    ]);
    const plan = planRevokeOpenSsh(original, REMAINDER);
    if (plan.kind !== 'steps') throw new Error('expected steps');

    // Act
    const after = applyPlan(original, plan.steps);
    const undone = applyPlan(
      after,
      [...plan.steps].reverse().flatMap((s) => undoSshStep(s)),
    );

    // Assess
    expect(signature(undone)).toEqual(signature(original));
  });

  describe('public space, whatever private space a set leaves out', () => {
    it('revokes the eight CIDRs that cover every public IPv4 address but skip 10.0.0.0/8, and keeps 10.0.0.0/8', () => {
      // Prepare
      const eight = ALL_BUT_TEN.map((c) => rule({ CidrIpv4: c }));
      const corporate = rule({ CidrIpv4: '10.0.0.0/8' });

      // Act
      const plan = planRevokeOpenSsh(state([...eight, corporate]), WHOLE);

      // Assess
      expect(revokedIds(plan).sort()).toEqual(eight.map((r) => r.SecurityGroupRuleId).sort());
      expect(plan.kind === 'steps' && plan.steps[0]?.reason).toContain('cover every public IPv4 address');
    });

    it('revokes 2000::/3, the whole IPv6 internet, and keeps unique-local and link-local sources', () => {
      const internet = rule({ CidrIpv6: '2000::/3' });
      const ula = rule({ CidrIpv6: 'fd00::/8' });
      const link = rule({ CidrIpv6: 'fe80::/10' });
      expect(revokedIds(planRevokeOpenSsh(state([internet, ula, link]), WHOLE))).toEqual([
        internet.SecurityGroupRuleId,
      ]);
    });

    it('revokes sources that cover every address but the limited broadcast 255.255.255.255', () => {
      // Prepare: 0.0.0.0/1, 128.0.0.0/2, ..., 255.255.255.254/32
      const pieces = Array.from({ length: 32 }, (_, i) => {
        const start = (0xffffffff - (2 ** (32 - i) - 1)) >>> 0;
        const text = [24, 16, 8, 0].map((b) => (start >>> b) & 0xff).join('.');
        return rule({ CidrIpv4: `${text}/${i + 1}` });
      });

      // Act
      const plan = planRevokeOpenSsh(state(pieces), WHOLE);

      // Assess: 0.0.0.0/1, 128.0.0.0/2 and 192.0.0.0/3 hold the public addresses; the rest lie in
      // multicast (224.0.0.0/4) and reserved (240.0.0.0/4) space and stay
      expect(revokedIds(plan)).toEqual(pieces.slice(0, 3).map((r) => r.SecurityGroupRuleId));
    });

    it('finds a cover split between CIDR rules and the entries of a prefix list', () => {
      const list = rule({ PrefixListId: 'pl-0aaaaaaaaaaaaaaaa' });
      const rest = ALL_BUT_TEN.slice(4).map((c) => rule({ CidrIpv4: c }));
      const s = state([list, ...rest], { 'pl-0aaaaaaaaaaaaaaaa': ALL_BUT_TEN.slice(0, 4) });
      expect(revokedIds(planRevokeOpenSsh(s, WHOLE)).sort()).toEqual(
        [list, ...rest].map((r) => r.SecurityGroupRuleId).sort(),
      );
    });

    it('does not count a set with a public hole as the world under the default policy', () => {
      const withHole = ALL_BUT_TEN.filter((c) => c !== '11.0.0.0/8').map((c) => rule({ CidrIpv4: c }));
      expect(planRevokeOpenSsh(state(withHole), WHOLE).kind).toBe('noop');
    });
  });

  describe('publicSourcePolicy', () => {
    it.each([
      ['wider-than /16 revokes a public /8', WIDER_THAN_16, { CidrIpv4: '11.0.0.0/8' }, true],
      ['wider-than /16 keeps a public /16', WIDER_THAN_16, { CidrIpv4: '11.1.0.0/16' }, false],
      ['wider-than /16 keeps a private /8', WIDER_THAN_16, { CidrIpv4: '10.0.0.0/8' }, false],
      [
        'wider-than /16 revokes 10.0.0.0/7 (it holds 11.0.0.0/8)',
        WIDER_THAN_16,
        { CidrIpv4: '10.0.0.0/7' },
        true,
      ],
      ['wider-than /32 (IPv6) revokes a public /16', WIDER_THAN_16, { CidrIpv6: '2a00::/16' }, true],
      [
        'wider-than /32 (IPv6) keeps documentation space',
        WIDER_THAN_16,
        { CidrIpv6: '2001:db8::/32' },
        false,
      ],
      ['any-public revokes one public address', ANY_PUBLIC, { CidrIpv4: '198.51.99.7/32' }, true],
      ['any-public keeps documentation space', ANY_PUBLIC, { CidrIpv4: '203.0.113.0/24' }, false],
      [
        'any-public keeps SSH from another group',
        ANY_PUBLIC,
        { ReferencedGroupInfo: { GroupId: 'sg-0fedcba9876543210' } },
        false,
      ],
      [
        'any-public keeps port 2222 from the world',
        ANY_PUBLIC,
        { FromPort: 2222, ToPort: 2222, CidrIpv4: '0.0.0.0/0' },
        false,
      ],
      ['world keeps a public /8', WHOLE, { CidrIpv4: '11.0.0.0/8' }, false],
    ] as const)('%s', (_name, settings, fields, revoked) => {
      // Prepare
      const r = rule(fields);

      // Act
      const plan = planRevokeOpenSsh(state([r]), settings);

      // Assess
      expect(revokedIds(plan)).toEqual(revoked ? [r.SecurityGroupRuleId] : []);
    });

    it('defaults to world, and rejects prefixes without wider-than, and prefixes out of range', () => {
      expect(RevokeOpenSshSettingsSchema.parse({})).toEqual({
        portRangePolicy: 'revoke-rule',
        publicSourcePolicy: 'world',
      });
      expect(
        RevokeOpenSshSettingsSchema.parse({ publicSourcePolicy: 'wider-than', maxPublicPrefix: 20 }),
      ).toMatchObject({ maxPublicPrefix: 20 });
      expect(() => RevokeOpenSshSettingsSchema.parse({ maxPublicPrefix: 16 })).toThrow(/only with/);
      expect(() =>
        RevokeOpenSshSettingsSchema.parse({ publicSourcePolicy: 'wider-than', maxPublicPrefix: 33 }),
      ).toThrow();
      expect(() =>
        RevokeOpenSshSettingsSchema.parse({ publicSourcePolicy: 'wider-than', maxPublicPrefixIpv6: 0 }),
      ).toThrow();
      expect(() => RevokeOpenSshSettingsSchema.parse({ publicSourcePolicy: 'public' })).toThrow();
    });
  });

  describe('properties', () => {
    it('revokes exactly the violations of each policy (covers of public space included), and leaves no public cover', () => {
      fc.assert(
        fc.property(fc.oneof(coverState, anyState), anySettings, (s, settings) => {
          // Act
          const plan = planRevokeOpenSsh(s, settings);
          const after = applyPlan(s, plan.kind === 'steps' ? plan.steps : []);

          // Assess: revoked iff a violation
          const expected = violations(s, settings);
          expect(new Set(revokedIds(plan))).toEqual(expected);
          expect(plan.kind).toBe(expected.size ? 'steps' : 'noop');
          // the result covers no public space, and holds no public source the policy forbids
          expect(violations(after, settings)).toEqual(new Set());
          const sources = after.rules.filter(allowsSsh).flatMap((r) => sourcesOf(after, r));
          expect(coversPublicSpace(sources, 4) || coversPublicSpace(sources, 6)).toBe(false);
          if (settings.publicSourcePolicy === 'any-public') {
            expect(sources.filter(containsPublic)).toEqual([]);
          }
          // look-alikes untouched: other ports and protocols, egress, groups, private sources
          const revoked = new Set(revokedIds(plan));
          for (const r of s.rules) {
            const lookAlike = !allowsSsh(r) || r.ReferencedGroupInfo || !sourcesOf(s, r).some(containsPublic);
            if (lookAlike) expect(revoked.has(r.SecurityGroupRuleId!)).toBe(false);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('revokes every rule of a cover of public space, whatever special-purpose blocks it skips', () => {
      fc.assert(
        fc.property(coverState, (s) => {
          const ssh = s.rules.filter(allowsSsh).flatMap((r) => sourcesOf(s, r));
          const covers = coversPublicSpace(ssh, 4) || coversPublicSpace(ssh, 6);
          const plan = planRevokeOpenSsh(s, WHOLE);
          expect(plan.kind).toBe(covers ? 'steps' : 'noop');
        }),
        { numRuns: 300 },
      );
    });

    it('counts every IPv4 address but any one special-purpose address as the world, and one public address as a hole', () => {
      const block = fc.constantFrom(...SPECIAL_PURPOSE_CIDRS[4]);
      const addressIn = (c: Cidr) => fc.bigInt(c.start, c.end).map((a) => parseCidr(`${ipv4(a)}/32`)!);
      fc.assert(
        fc.property(block.chain(addressIn), fc.bigInt(0n, 2n ** 32n - 1n), (reserved, any) => {
          // Prepare: all of IPv4 without one reserved address (up to 32 CIDRs)
          const all = parseCidr('0.0.0.0/0')!;
          const sources = tileExcept(all, [reserved]).map((c) => rule({ CidrIpv4: c.text }));
          const hole = parseCidr(`${ipv4(any)}/32`)!;
          const withHole = tileExcept(all, [hole]).map((c) => rule({ CidrIpv4: c.text }));

          // Act
          const plan = planRevokeOpenSsh(state(sources), WHOLE);
          const holed = planRevokeOpenSsh(state(withHole), WHOLE);

          // Assess: revoked are exactly the rules that hold public addresses; a public hole is no world
          const expected = sources.filter((r) => containsPublic(parseCidr(r.CidrIpv4!)!));
          expect(revokedIds(plan).sort()).toEqual(expected.map((r) => r.SecurityGroupRuleId).sort());
          expect(holed.kind).toBe(containsPublic(hole) ? 'noop' : 'steps');
        }),
        { numRuns: 200 },
      );
    });

    it('leaves a compliant group after the plan, and planning again gives noop', () => {
      fc.assert(
        fc.property(anyState, anySettings, (s, settings) => {
          const plan = planRevokeOpenSsh(s, settings);
          if (plan.kind !== 'steps') return;
          const after = applyPlan(s, plan.steps);
          expect(findOpenSshRules(after)).toEqual([]);
          expect(planRevokeOpenSsh(after, settings).kind).toBe('noop');
        }),
        { numRuns: 300 },
      );
    });

    it('never plans a revoke of a rule that is not a violation', () => {
      fc.assert(
        fc.property(anyState, anySettings, (s, settings) => {
          const violating = new Set(findOpenSshRules(s, settings).map((f) => f.rule.SecurityGroupRuleId));
          const plan = planRevokeOpenSsh(s, settings);
          const revoked =
            plan.kind === 'steps'
              ? plan.steps.flatMap((x) =>
                  x.action === 'ec2:RevokeSecurityGroupIngress' ? (x.input.SecurityGroupRuleIds ?? []) : [],
                )
              : [];
          for (const id of revoked) expect(violating.has(id)).toBe(true);
          for (const r of s.rules) {
            if (r.IsEgress || !['tcp', '6', '-1'].includes(String(r.IpProtocol)))
              expect(revoked).not.toContain(r.SecurityGroupRuleId);
            if (r.ReferencedGroupInfo) expect(revoked).not.toContain(r.SecurityGroupRuleId);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('undoes any plan back to the original rules', () => {
      fc.assert(
        fc.property(anyState, anySettings, (s, settings) => {
          const plan = planRevokeOpenSsh(s, settings);
          if (plan.kind !== 'steps') return;
          const undone = applyPlan(
            applyPlan(s, plan.steps),
            [...plan.steps].reverse().flatMap((x) => undoSshStep(x)),
          );
          expect(signature(undone)).toEqual(signature(s));
        }),
        { numRuns: 200 },
      );
    });
  });
});
