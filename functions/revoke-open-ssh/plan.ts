import type {
  AuthorizeSecurityGroupIngressCommandInput,
  IpPermission,
  RevokeSecurityGroupIngressCommandInput,
  SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { type Cidr, coversFamily, isNonPublic, parseCidr } from '../../shared/cidr.js';
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

export const RevokeOpenSshSettingsSchema = z.strictObject({
  /**
   * A world-open rule whose port range holds 22 and more (0-65535): `revoke-rule` (default)
   * revokes the whole rule; `reauthorize-remainder` first re-authorises the rest of the range
   * for the same source, then revokes the rule.
   */
  portRangePolicy: z._default(z.enum(['revoke-rule', 'reauthorize-remainder']), 'revoke-rule'),
});
export type RevokeOpenSshSettings = z.infer<typeof RevokeOpenSshSettingsSchema>;

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

/**
 * The ingress rules that open SSH to the world:
 * - a source of prefix length 0 (`0.0.0.0/0`, `::/0`), directly or as an entry of a prefix list;
 * - a world-equivalent set: when the SSH-permitting sources of an address family together cover the
 *   whole address space (`0.0.0.0/1` + `128.0.0.0/1`), every rule that contributes public addresses
 *   to that set (rules from private ranges stay).
 */
export function findOpenSshRules(state: SecurityGroupState): Finding[] {
  const ssh = state.rules.filter((r) => allowsSsh(r) && r.SecurityGroupRuleId);
  const findings = new Map<string, Finding>();
  const sources = ssh.map((rule) => ({ rule, cidrs: sourceCidrs(rule, state.prefixLists) }));
  for (const { rule, cidrs } of sources) {
    const world = cidrs.find((c) => c.prefix === 0);
    if (world) {
      findings.set(rule.SecurityGroupRuleId!, {
        rule,
        why: `${describePorts(rule)} open to ${world.text}${rule.PrefixListId ? ` (entry of ${rule.PrefixListId})` : ''}`,
      });
    }
  }
  for (const family of [4, 6] as const) {
    const rest = sources.filter((s) => !findings.has(s.rule.SecurityGroupRuleId!));
    const all = rest.flatMap((s) => s.cidrs);
    if (!coversFamily(all, family)) continue;
    for (const { rule, cidrs } of rest) {
      if (cidrs.some((c) => c.family === family && !isNonPublic(c))) {
        findings.set(rule.SecurityGroupRuleId!, {
          rule,
          why: `${describePorts(rule)} from ${describeSource(rule)}: part of a set of sources that together cover all IPv${family} addresses`,
        });
      }
    }
  }
  return [...findings.values()];
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
 * const plan = planRevokeOpenSsh(state, { portRangePolicy: 'revoke-rule' });
 * // { kind: 'steps', steps: [{ action: 'ec2:RevokeSecurityGroupIngress', input: { GroupId, SecurityGroupRuleIds: ['sgr-…', 'sgr-…'] }, … }] }
 * ```
 */
export function planRevokeOpenSsh(state: SecurityGroupState, settings: RevokeOpenSshSettings): Plan<SshStep> {
  const findings = findOpenSshRules(state);
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
