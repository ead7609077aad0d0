import { defineRemediation } from '../../shared/remediation.js';
import { applySshStep } from './apply.js';
import { revokeOpenSshCloudTrail } from './cloudtrail.js';
import { describeSecurityGroup } from './describe.js';
import {
  planRevokeOpenSsh,
  type RevokeOpenSshSettings,
  RevokeOpenSshSettingsSchema,
  type SecurityGroupState,
  type SshStep,
  undoSshStep,
} from './plan.js';

/**
 * revoke-open-ssh: revokes security-group ingress rules that open tcp 22 to the world, by rule id.
 *
 * @example
 * ```ts
 * export const handler = createHandler(revokeOpenSsh);
 * ```
 */
export const revokeOpenSsh = defineRemediation<SecurityGroupState, RevokeOpenSshSettings, SshStep>({
  id: 'revoke-open-ssh',
  title: 'Revoke security-group ingress that opens SSH to the world',
  resourceType: 'AWS::EC2::SecurityGroup',
  ruleIdentifiers: ['INCOMING_SSH_DISABLED'],
  configRuleNames: ['restricted-ssh', 'airlock-restricted-ssh'],
  services: ['ec2'],
  permissions: {
    read: ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:GetManagedPrefixListEntries'],
    write: ['ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress'],
  },
  settingsSchema: RevokeOpenSshSettingsSchema,
  alreadyDoneErrors: [
    'InvalidPermission.NotFound',
    'InvalidSecurityGroupRuleId.NotFound',
    'InvalidGroup.NotFound',
    'InvalidPermission.Duplicate',
  ],
  describe: describeSecurityGroup,
  plan: planRevokeOpenSsh,
  apply: applySshStep,
  undo: undoSshStep,
  cloudTrail: revokeOpenSshCloudTrail,
});
