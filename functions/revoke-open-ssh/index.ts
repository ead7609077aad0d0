import { defineRemediation, inputString } from '../../shared/remediation.js';
import { applySshStep } from './apply.js';
import { revokeOpenSshCloudTrail } from './cloudtrail.js';
import { describeSecurityGroup } from './describe.js';
import { listSecurityGroups } from './list.js';
import { revokeOpenSshIam } from './permissions.js';
import {
  planRevokeOpenSsh,
  type RevokeOpenSshSettings,
  RevokeOpenSshSettingsSchema,
  type SecurityGroupState,
  type SshStep,
  undoSshStep,
} from './plan.js';
import { securityGroupKind } from './resource-kind.js';

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
  resourceKind: securityGroupKind,
  configRules: {
    managed: [
      {
        identifier: 'INCOMING_SSH_DISABLED',
        defaultName: 'restricted-ssh',
        resourceTypes: ['AWS::EC2::SecurityGroup'],
        trigger: 'change',
      },
    ],
  },
  services: ['ec2'],
  iam: revokeOpenSshIam,
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
  targetOf: (step) => inputString(step, 'GroupId'),
  list: listSecurityGroups,
  cloudTrail: revokeOpenSshCloudTrail,
});
