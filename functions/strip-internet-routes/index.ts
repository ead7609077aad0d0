import { defineRemediation } from '../../shared/remediation.js';
import { applyRouteStep } from './apply.js';
import { stripInternetRoutesCloudTrail } from './cloudtrail.js';
import { describeRouteTable } from './describe.js';
import { stripInternetRoutesIam } from './permissions.js';
import {
  planStripInternetRoutes,
  type RouteStep,
  type RouteTableState,
  routeStepTable,
  routeUndoConflict,
  type StripInternetRoutesSettings,
  StripInternetRoutesSettingsSchema,
  undoRouteStep,
} from './plan.js';
import { routeTableKind } from './resource-kind.js';

/**
 * strip-internet-routes: deletes the routes of a private route table that lead to an internet
 * gateway, a NAT gateway, an egress-only internet gateway or a carrier gateway, by their exact
 * destination, and takes the subnets outside the public tier off a public-tier table.
 *
 * @example
 * ```ts
 * export const handler = createHandler(stripInternetRoutes);
 * ```
 */
export const stripInternetRoutes = defineRemediation<RouteTableState, StripInternetRoutesSettings, RouteStep>(
  {
    id: 'strip-internet-routes',
    cloudTrail: stripInternetRoutesCloudTrail,
    title: 'Delete routes to internet, NAT and egress-only internet gateways from private route tables',
    resourceKind: routeTableKind,
    configRules: {
      // no managed rule covers NAT routes: our evaluator decides with this remediation's plan
      custom: [
        {
          identifier: 'AIRLOCK_PRIVATE_ROUTE_TABLE_NO_INTERNET_ROUTE',
          name: 'airlock-private-route-tables-no-internet-route',
          evaluator: 'evaluate-route-tables',
          periodic: 'TwentyFour_Hours',
          configurationChange: true,
        },
      ],
    },
    services: ['ec2'],
    iam: stripInternetRoutesIam,
    settingsSchema: StripInternetRoutesSettingsSchema,
    alreadyDoneErrors: [
      'InvalidRoute.NotFound',
      'RouteAlreadyExists',
      'InvalidRouteTableID.NotFound',
      'InvalidAssociationID.NotFound',
    ],
    describe: describeRouteTable,
    plan: planStripInternetRoutes,
    apply: applyRouteStep,
    undo: undoRouteStep,
    targetOf: routeStepTable,
    undoConflict: routeUndoConflict,
  },
);
