import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { routeTableKind } from './resource-kind.js';

/**
 * The calls that can put a route to an internet, NAT or egress-only internet gateway into a private
 * route table, or a private subnet behind a table that has one, as CloudTrail records them (EC2
 * query API: `requestParameters.routeTableId`; the wrapped form of the newer APIs is read too):
 *
 * - `CreateRoute`, `ReplaceRoute`: the route itself;
 * - `AssociateRouteTable`, `ReplaceRouteTableAssociation`: a table (and its routes) now serves
 *   another subnet or gateway, or becomes the VPC's main table.
 *
 * Not covered here: `DisassociateRouteTable` (the subnet falls back to the main table, which the
 * call does not name) and tag changes to the public-tier tag; Config's evaluation covers them.
 *
 * @example
 * ```ts
 * export const stripInternetRoutes = defineRemediation({ ..., cloudTrail: stripInternetRoutesCloudTrail });
 * ```
 */
export const stripInternetRoutesCloudTrail = defineCloudTrailTrigger({
  resourceType: routeTableKind.type,
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['CreateRoute', 'ReplaceRoute', 'AssociateRouteTable', 'ReplaceRouteTableAssociation'],
  resourceIds: (detail) =>
    idsAt(detail.requestParameters, [
      ['routeTableId'],
      ['CreateRouteRequest', 'RouteTableId'],
      ['ReplaceRouteRequest', 'RouteTableId'],
      ['AssociateRouteTableRequest', 'RouteTableId'],
      ['ReplaceRouteTableAssociationRequest', 'RouteTableId'],
    ]),
});
