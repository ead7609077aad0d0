import type {
  AuthorizeSecurityGroupIngressCommandInput,
  IpPermission,
  RevokeSecurityGroupIngressCommandInput,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { type Cidr, containsPublic, coversPublicSpace, parseCidr } from '../../shared/cidr.js';
import type { Plan, Step } from '../../shared/remediation.js';
import '../../shared/zod.js';
import { ruleToIpPermission } from './ip-permissions.js';

export const SSH_PORT = 22;

/** The security group as read live: its rules (ingress and egress) and the entries of the prefix lists they name. */
export interface SecurityGroupState {
  readonly groupId: string;
  readonly rules: readonly SecurityGroupRule[];
  /** Prefix-list id -> its entries' CIDRs (for the prefix lists ingress rules name). */
  readonly prefixLists: Readonly<Record<string, readonly string[]>>;
}

/** What counts as SSH "open to the world" (see the README's "Policy"). */
export const PUBLIC_SOURCE_POLICIES = ['world', 'wider-than', 'any-public'] as const;
export type PublicSourcePolicy = (typeof PUBLIC_SOURCE_POLICIES)[number];

/** The widest public source `wider-than` lets stand when the settings name none: an IPv4 /24, an IPv6 /48. */
export const DEFAULT_MAX_PUBLIC_PREFIX = { 4: 24, 6: 48 } as const;

const prefixLength = (max: number) => z.number().check(z.int(), z.gte(1), z.lte(max));

export const RevokeOpenSshSettingsSchema = z
  .strictObject({
    /**
     * A world-open rule whose port range holds 22 and more (0-65535): `revoke-rule` (default)
     * revokes the whole rule; `reauthorize-remainder` first re-authorises the rest of the range
     * for the same source, then revokes the rule.
     */
    portRangePolicy: z._default(z.enum(['revoke-rule', 'reauthorize-remainder']), 'revoke-rule'),
    /**
     * `world` (default): the SSH sources of an address family that together hold every public
     * address; `wider-than`: that, and any public source wider than `maxPublicPrefix`
     * (`maxPublicPrefixIpv6`); `any-public`: any source that holds a public address.
     */
    publicSourcePolicy: z._default(z.enum(PUBLIC_SOURCE_POLICIES), 'world'),
    /** With `wider-than`: the widest public IPv4 source allowed (default 24: a /23 is revoked, a /24 stays). */
    maxPublicPrefix: z.optional(prefixLength(32)),
    /** With `wider-than`: the widest public IPv6 source allowed (default 48). */
    maxPublicPrefixIpv6: z.optional(prefixLength(128)),
  })
  .check(
    z.refine(
      (s) =>
        s.publicSourcePolicy === 'wider-than' ||
        (s.maxPublicPrefix === undefined && s.maxPublicPrefixIpv6 === undefined),
      'maxPublicPrefix and maxPublicPrefixIpv6 apply only with publicSourcePolicy "wider-than"',
    ),
  );
export type RevokeOpenSshSettings = z.infer<typeof RevokeOpenSshSettingsSchema>;

/** The part of the settings that decides which rules are violations. */
export type SourcePolicy = Pick<
  RevokeOpenSshSettings,
  'publicSourcePolicy' | 'maxPublicPrefix' | 'maxPublicPrefixIpv6'
>;
/** The default policy: a set of sources that holds every public address of a family. */
export const WORLD_POLICY: SourcePolicy = { publicSourcePolicy: 'world' };

/** A rule as it was before it was revoked, and the permission that authorises it again. */
export interface RevokedRule {
  readonly rule: SecurityGroupRule;
  readonly permission: IpPermission;
}

/**
 * One revoke call: every world-open rule of the group by id (`revoked`, one entry per rule, each
 * undone on its own); a single rule as written by earlier versions; or an undo's remainder.
 */
export type RevokeStep = Step<RevokeSecurityGroupIngressCommandInput> & {
  readonly action: 'ec2:RevokeSecurityGroupIngress';
  readonly before:
    | { readonly revoked: readonly RevokedRule[] }
    | RevokedRule
    | { readonly permission: IpPermission };
};
export type AuthorizeStep = Step<AuthorizeSecurityGroupIngressCommandInput> & {
  readonly action: 'ec2:AuthorizeSecurityGroupIngress';
  readonly before: { readonly permission: IpPermission };
};
export type SshStep = RevokeStep | AuthorizeStep;

/** True when the ingress rule lets tcp 22 through: tcp (or 6) with a range holding 22, or all traffic (-1). */
export function allowsSsh(rule: SecurityGroupRule): boolean {
  if (rule.IsEgress) return false;
  const protocol = String(rule.IpProtocol ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = rule.FromPort ?? -1;
  const to = rule.ToPort ?? -1;
  if (from === -1 && to === -1) return true;
  return from <= SSH_PORT && SSH_PORT <= to;
}

/** The source CIDRs of a rule: its own CIDR, or the entries of the prefix list it names. */
function sourceCidrs(rule: SecurityGroupRule, prefixLists: SecurityGroupState['prefixLists']): Cidr[] {
  const texts = rule.CidrIpv4
    ? [rule.CidrIpv4]
    : rule.CidrIpv6
      ? [rule.CidrIpv6]
      : rule.PrefixListId
        ? [...(prefixLists[rule.PrefixListId] ?? [])]
        : [];
  return texts.map((t) => parseCidr(t)).filter((c): c is Cidr => c !== undefined);
}

interface Finding {
  readonly rule: SecurityGroupRule;
  readonly why: string;
}

function describeSource(rule: SecurityGroupRule): string {
  return (
    rule.CidrIpv4 ??
    rule.CidrIpv6 ??
    (rule.PrefixListId ? `prefix list ${rule.PrefixListId}` : 'another source')
  );
}

function describePorts(rule: SecurityGroupRule): string {
  const protocol = String(rule.IpProtocol);
  if (protocol === '-1') return 'all traffic';
  return rule.FromPort === rule.ToPort ? `tcp ${rule.FromPort}` : `tcp ${rule.FromPort}-${rule.ToPort}`;
}

/** The widest public source the policy lets stand in a family (a shorter prefix is a violation). */
function widestAllowed(policy: SourcePolicy, family: 4 | 6): number | undefined {
  if (policy.publicSourcePolicy === 'any-public') return family === 4 ? 32 : 128;
  if (policy.publicSourcePolicy !== 'wider-than') return undefined;
  const set = family === 4 ? policy.maxPublicPrefix : policy.maxPublicPrefixIpv6;
  return set ?? DEFAULT_MAX_PUBLIC_PREFIX[family];
}

/** Why one source of a rule breaks the policy on its own (`wider-than`, `any-public`), if it does. */
function sourceViolation(cidrs: readonly Cidr[], policy: SourcePolicy): string | undefined {
  for (const c of cidrs) {
    const widest = widestAllowed(policy, c.family);
    if (widest === undefined || !containsPublic(c)) continue;
    if (policy.publicSourcePolicy === 'any-public') return `${c.text} holds public addresses`;
    if (c.prefix < widest) return `${c.text} holds public addresses and is wider than /${widest}`;
  }
  return undefined;
}

/**
 * The ingress rules that open SSH to the world, under the policy (default `world`):
 * - in every policy, when the SSH-permitting sources of an address family together hold every
 *   public address of it (`0.0.0.0/0`, `::/0`, `2000::/3`, or a set such as the eight CIDRs from
 *   `0.0.0.0/5` to `128.0.0.0/1` that skip `10.0.0.0/8`), each rule that contributes public
 *   addresses to that set (rules whose sources are private or special-purpose stay);
 * - with `wider-than`, each rule with a public source wider than the allowed prefix;
 * - with `any-public`, each rule with a source that holds a public address.
 */
export function findOpenSshRules(state: SecurityGroupState, policy: SourcePolicy = WORLD_POLICY): Finding[] {
  const ssh = state.rules.filter((r) => allowsSsh(r) && r.SecurityGroupRuleId);
  const sources = ssh.map((rule) => ({ rule, cidrs: sourceCidrs(rule, state.prefixLists) }));
  const why = new Map<SecurityGroupRule, string>();
  for (const family of [4, 6] as const) {
    const all = sources.flatMap((s) => s.cidrs.filter((c) => c.family === family));
    if (!coversPublicSpace(all, family)) continue;
    for (const { rule, cidrs } of sources) {
      const own = cidrs.filter((c) => c.family === family);
      if (why.has(rule) || !own.some(containsPublic)) continue;
      const world = own.find((c) => coversPublicSpace([c], family));
      why.set(
        rule,
        world
          ? `${describePorts(rule)} open to ${world.text}${rule.PrefixListId ? ` (entry of ${rule.PrefixListId})` : ''}`
          : `${describePorts(rule)} from ${describeSource(rule)}: part of a set of sources that together cover every public IPv${family} address`,
      );
    }
  }
  for (const { rule, cidrs } of sources) {
    const violation = why.has(rule) ? undefined : sourceViolation(cidrs, policy);
    if (violation) {
      why.set(
        rule,
        `${describePorts(rule)} from ${describeSource(rule)}: ${violation} (publicSourcePolicy ${policy.publicSourcePolicy})`,
      );
    }
  }
  return ssh.filter((r) => why.has(r)).map((rule) => ({ rule, why: why.get(rule)! }));
}

function remainderPermissions(rule: SecurityGroupRule): IpPermission[] {
  const base = ruleToIpPermission(rule);
  const from = rule.FromPort ?? 0;
  const to = rule.ToPort ?? 65535;
  const parts: IpPermission[] = [];
  if (from < SSH_PORT) parts.push({ ...base, FromPort: from, ToPort: SSH_PORT - 1 });
  if (to > SSH_PORT) parts.push({ ...base, FromPort: SSH_PORT + 1, ToPort: to });
  return parts;
}

/**
 * Plans the revocation of every ingress rule that opens SSH to the world, by rule id, in one call
 * (after the re-authorised remainders, when the settings ask for them). Pure.
 *
 * @example
 * ```ts
 * const plan = planRevokeOpenSsh(state, { portRangePolicy: 'revoke-rule', publicSourcePolicy: 'world' });
 * // { kind: 'steps', steps: [{ action: 'ec2:RevokeSecurityGroupIngress', input: { GroupId, SecurityGroupRuleIds: ['sgr-…', 'sgr-…'] }, … }] }
 * ```
 */
export function planRevokeOpenSsh(state: SecurityGroupState, settings: RevokeOpenSshSettings): Plan<SshStep> {
  const findings = findOpenSshRules(state, settings);
  if (findings.length === 0) {
    return { kind: 'noop', reason: 'no ingress rule opens tcp 22 to the world' };
  }
  const steps: SshStep[] = [];
  const notes: string[] = [];
  const revoked: RevokedRule[] = [];
  const reasons: string[] = [];
  for (const { rule, why } of findings) {
    const permission = ruleToIpPermission(rule);
    const isRange =
      String(rule.IpProtocol) !== '-1' && (rule.FromPort !== SSH_PORT || rule.ToPort !== SSH_PORT);
    if (isRange && settings.portRangePolicy === 'reauthorize-remainder') {
      for (const part of remainderPermissions(rule)) {
        steps.push({
          action: 'ec2:AuthorizeSecurityGroupIngress',
          input: { GroupId: state.groupId, IpPermissions: [part] },
          reason: `keep ports ${part.FromPort}-${part.ToPort} of ${rule.SecurityGroupRuleId} open before revoking it`,
          before: { permission: part },
        });
      }
    } else if (String(rule.IpProtocol) === '-1' && settings.portRangePolicy === 'reauthorize-remainder') {
      notes.push(
        `${rule.SecurityGroupRuleId} allows all traffic: revoked whole, the remainder is not re-authorised`,
      );
    }
    revoked.push({ rule, permission });
    reasons.push(`${rule.SecurityGroupRuleId}: ${why}`);
  }
  steps.push({
    action: 'ec2:RevokeSecurityGroupIngress',
    input: { GroupId: state.groupId, SecurityGroupRuleIds: revoked.map((r) => r.rule.SecurityGroupRuleId!) },
    reason: reasons.join('; '),
    before: { revoked },
  });
  return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
}

/**
 * The inverse of a step: a revoke is undone by re-authorising each revoked rule as it was (one step
 * per rule), and an authorisation by revoking it.
 */
export function undoSshStep(step: SshStep): SshStep[] {
  if (step.action === 'ec2:RevokeSecurityGroupIngress') {
    const before = step.before;
    const permissions = 'revoked' in before ? before.revoked.map((r) => r.permission) : [before.permission];
    return permissions.map((permission) => ({
      action: 'ec2:AuthorizeSecurityGroupIngress',
      input: { GroupId: step.input.GroupId, IpPermissions: [permission] },
      reason: 'undo: re-authorise the revoked rule',
      before: { permission },
    }));
  }
  const permission = step.before.permission;
  return [
    {
      action: 'ec2:RevokeSecurityGroupIngress',
      input: { GroupId: step.input.GroupId, IpPermissions: [permission] },
      reason: 'undo: revoke the re-authorised remainder',
      before: { permission },
    },
  ];
}
