import { defineRemediation, inputString } from '../../shared/remediation.js';
import { applyTgwRouteStep } from './apply.js';
import { removePodCidrTgwRoutesCloudTrail } from './cloudtrail.js';
import { describeTgwRouteTable } from './describe.js';
import { listTgwRouteTables } from './list.js';
import { removePodCidrTgwRoutesIam } from './permissions.js';
import {
  planRemovePodCidrTgwRoutes,
  type RemovePodCidrTgwRoutesSettings,
  RemovePodCidrTgwRoutesSettingsSchema,
  type TgwRouteStep,
  type TgwRouteTableState,
  tgwUndoConflict,
  undoTgwRouteStep,
} from './plan.js';
import { transitGatewayRouteTableKind } from './resource-kind.js';

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
  list: listTgwRouteTables,
  cloudTrail: removePodCidrTgwRoutesCloudTrail,
  title: 'Remove transit gateway routes that make the pod CIDR reachable',
  resourceKind: transitGatewayRouteTableKind,
  configRules: {
    // Config's record of a TGW route table holds no routes: our evaluator reads them, hourly and on change
    custom: [
      {
        identifier: 'AIRLOCK_TGW_NO_POD_CIDR_ROUTE',
        name: 'airlock-tgw-route-tables-no-pod-cidr',
        evaluator: 'evaluate-tgw-routes',
        periodic: 'One_Hour',
        configurationChange: true,
      },
    ],
  },
  services: ['ec2'],
  iam: removePodCidrTgwRoutesIam,
  settingsSchema: RemovePodCidrTgwRoutesSettingsSchema,
  alreadyDoneErrors: ['InvalidRoute.NotFound', 'RouteAlreadyExists', 'InvalidRouteTableID.NotFound'],
  describe: describeTgwRouteTable,
  plan: planRemovePodCidrTgwRoutes,
  apply: applyTgwRouteStep,
  undo: undoTgwRouteStep,
  targetOf: (step) => inputString(step, 'TransitGatewayRouteTableId'),
  undoConflict: tgwUndoConflict,
});
