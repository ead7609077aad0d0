import {
  CONFIG_RULE_PERMISSIONS,
  type ConfigRuleEvaluator,
  type ScopedResource,
  SETTINGS_PARAMETER_PERMISSIONS,
} from '../../shared/config-rule-evaluator.js';
import { customRuleOf, GONE, type RemediationContext } from '../../shared/remediation.js';
import { describeSecurityGroup } from '../revoke-open-ssh/describe.js';
import { revokeOpenSsh } from '../revoke-open-ssh/index.js';
import { list as listSecurityGroups } from '../revoke-open-ssh/list.js';
import type { RevokeOpenSshSettings, SecurityGroupState } from '../revoke-open-ssh/plan.js';

/**
 * Every security group of the account and region (DescribeSecurityGroups, 1,000 a page), each read
 * as revoke-open-ssh reads it (its rules and the prefix lists they name). A group deleted between the
 * listing and the read is left out; a group whose rules cannot be read is reported as such.
 */
export async function* listSecurityGroupStates(
  ctx: RemediationContext,
): AsyncGenerator<ScopedResource<SecurityGroupState>> {
  for await (const id of listSecurityGroups.ids(ctx)) {
    try {
      const state = await describeSecurityGroup(id, ctx);
      if (state !== GONE) yield { resourceId: id, state };
    } catch (error) {
      yield { resourceId: id, error };
    }
  }
}

const ID = 'evaluate-security-groups';
// the rule's name and triggers, as revoke-open-ssh declares them
const RULE = customRuleOf(revokeOpenSsh, ID);

/**
 * evaluate-security-groups: the custom Config rule `airlock-ssh-closed-to-internet`. AWS's managed
 * `INCOMING_SSH_DISABLED` flags only a source of `0.0.0.0/0` or `::/0`; a set of sources that covers
 * every public address while skipping private space (eight CIDRs from `0.0.0.0/5` to `128.0.0.0/1`),
 * `2000::/3`, or a stricter `publicSourcePolicy` is judged here. A group is NON_COMPLIANT exactly
 * when revoke-open-ssh would plan steps for it.
 *
 * @example
 * ```ts
 * export const handler = createEvaluatorHandler(evaluateSecurityGroups);
 * ```
 */
export const evaluateSecurityGroups: ConfigRuleEvaluator<SecurityGroupState, RevokeOpenSshSettings> = {
  id: ID,
  ruleName: RULE.name,
  resourceType: revokeOpenSsh.resourceType,
  remediation: revokeOpenSsh,
  permissions: [
    ...revokeOpenSsh.permissions.read,
    ...CONFIG_RULE_PERMISSIONS,
    ...SETTINGS_PARAMETER_PERMISSIONS,
  ],
  periodic: RULE.periodic,
  configurationChange: RULE.configurationChange,
  violation: 'SSH open to the internet',
  listInScope: (ctx) => listSecurityGroupStates(ctx),
};
