import { defineRemediation } from '../../shared/remediation.js';
import { applyRouteStep } from './apply.js';
import { stripInternetRoutesCloudTrail } from './cloudtrail.js';
import { describeRouteTable } from './describe.js';
import {
  planStripInternetRoutes,
  type RouteStep,
  type RouteTableState,
  routeUndoConflict,
  type StripInternetRoutesSettings,
  StripInternetRoutesSettingsSchema,
  undoRouteStep,
} from './plan.js';

/**
 * strip-internet-routes: deletes the routes of a private route table that lead to an internet
 * gateway, a NAT gateway or an egress-only internet gateway, by their exact destination.
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
    resourceType: 'AWS::EC2::RouteTable',
    ruleIdentifiers: ['AIRLOCK_PRIVATE_ROUTE_TABLE_NO_INTERNET_ROUTE'],
    configRuleNames: ['airlock-private-route-tables-no-internet-route'],
    services: ['ec2'],
    permissions: {
      read: ['ec2:DescribeRouteTables'],
      write: ['ec2:DeleteRoute', 'ec2:CreateRoute'],
    },
    settingsSchema: StripInternetRoutesSettingsSchema,
    alreadyDoneErrors: ['InvalidRoute.NotFound', 'RouteAlreadyExists', 'InvalidRouteTableID.NotFound'],
    describe: describeRouteTable,
    plan: planStripInternetRoutes,
    apply: applyRouteStep,
    undo: undoRouteStep,
    undoConflict: routeUndoConflict,
  },
);
