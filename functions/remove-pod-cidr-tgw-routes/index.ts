import { defineRemediation } from '../../shared/remediation.js';
import { applyTgwRouteStep } from './apply.js';
import { removePodCidrTgwRoutesCloudTrail } from './cloudtrail.js';
import { describeTgwRouteTable } from './describe.js';
import {
  planRemovePodCidrTgwRoutes,
  type RemovePodCidrTgwRoutesSettings,
  RemovePodCidrTgwRoutesSettingsSchema,
  type TgwRouteStep,
  type TgwRouteTableState,
  tgwUndoConflict,
  undoTgwRouteStep,
} from './plan.js';

/**
 * remove-pod-cidr-tgw-routes: makes the non-routable pod CIDR unreachable through the transit
 * gateway: deletes static routes inside it and overrides propagated ones with static blackholes.
 *
 * @example
 * ```ts
 * export const handler = createHandler(removePodCidrTgwRoutes);
 * ```
 */
export const removePodCidrTgwRoutes = defineRemediation<
  TgwRouteTableState,
  RemovePodCidrTgwRoutesSettings,
  TgwRouteStep
>({
  id: 'remove-pod-cidr-tgw-routes',
  cloudTrail: removePodCidrTgwRoutesCloudTrail,
  title: 'Remove transit gateway routes that make the pod CIDR reachable',
  resourceType: 'AWS::EC2::TransitGatewayRouteTable',
  ruleIdentifiers: ['AIRLOCK_TGW_NO_POD_CIDR_ROUTE'],
  configRuleNames: ['airlock-tgw-route-tables-no-pod-cidr'],
  services: ['ec2'],
  permissions: {
    read: ['ec2:DescribeTransitGatewayRouteTables', 'ec2:SearchTransitGatewayRoutes'],
    write: ['ec2:DeleteTransitGatewayRoute', 'ec2:CreateTransitGatewayRoute'],
  },
  settingsSchema: RemovePodCidrTgwRoutesSettingsSchema,
  alreadyDoneErrors: ['InvalidRoute.NotFound', 'RouteAlreadyExists', 'InvalidRouteTableID.NotFound'],
  describe: describeTgwRouteTable,
  plan: planRemovePodCidrTgwRoutes,
  apply: applyTgwRouteStep,
  undo: undoTgwRouteStep,
  undoConflict: tgwUndoConflict,
});
