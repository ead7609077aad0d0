import { defineRemediation, inputString } from '../../shared/remediation.js';
import { applySubnetStep } from './apply.js';
import { disableSubnetPublicIpCloudTrail } from './cloudtrail.js';
import { describeSubnet } from './describe.js';
import { listSubnets } from './list.js';
import { disableSubnetPublicIpIam } from './permissions.js';
import {
  type DisableSubnetPublicIpSettings,
  DisableSubnetPublicIpSettingsSchema,
  planDisableSubnetPublicIp,
  type SubnetState,
  type SubnetStep,
  subnetUndoConflict,
  undoSubnetStep,
} from './plan.js';
import { subnetKind } from './resource-kind.js';

/**
 * disable-subnet-public-ip: stops a private subnet from giving instances addresses that reach past the
 * platform on launch (public IPv4, public IPv6, customer-owned IPv4), one `ModifySubnetAttribute` per
 * attribute, keeping each previous value for undo. Public-tier subnets are never touched.
 *
 * @example
 * ```ts
 * export const handler = createHandler(disableSubnetPublicIp);
 * ```
 */
export const disableSubnetPublicIp = defineRemediation<
  SubnetState,
  DisableSubnetPublicIpSettings,
  SubnetStep
>({
  id: 'disable-subnet-public-ip',
  title: 'Stop private subnets from assigning public IP addresses on launch',
  resourceKind: subnetKind,
  configRules: {
    managed: [
      {
        identifier: 'SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED',
        defaultName: 'subnet-auto-assign-public-ip-disabled',
        resourceTypes: ['AWS::EC2::Subnet'],
        trigger: 'change',
      },
    ],
  },
  services: ['ec2'],
  iam: disableSubnetPublicIpIam,
  settingsSchema: DisableSubnetPublicIpSettingsSchema,
  // the subnet was deleted meanwhile: nothing in it can launch any more (the verification finds it gone)
  alreadyDoneErrors: ['InvalidSubnetID.NotFound'],
  describe: describeSubnet,
  plan: planDisableSubnetPublicIp,
  apply: applySubnetStep,
  undo: undoSubnetStep,
  undoConflict: subnetUndoConflict,
  targetOf: (step) => inputString(step, 'SubnetId'),
  list: listSubnets,
  cloudTrail: disableSubnetPublicIpCloudTrail,
});
