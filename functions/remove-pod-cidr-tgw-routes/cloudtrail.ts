import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { transitGatewayRouteTableKind } from './resource-kind.js';

/**
 * The calls that can add a route to a Transit Gateway route table, as CloudTrail records them
 * (newer EC2 APIs: the request is wrapped, `CreateTransitGatewayRouteRequest.TransitGatewayRouteTableId`;
 * AWS Config records no routes at all, so this is the only prompt signal):
 *
 * - `CreateTransitGatewayRoute`, `ReplaceTransitGatewayRoute`: a static route;
 * - `EnableTransitGatewayRouteTablePropagation`: the attachment's CIDRs (a VPC's secondary pod CIDR
 *   among them) are propagated into the table;
 * - `CreateTransitGatewayPrefixListReference`, `ModifyTransitGatewayPrefixListReference`: routes for
 *   every CIDR of a prefix list.
 *
 * Not listed: `AssociateTransitGatewayRouteTable` (chooses the table an attachment's traffic uses;
 * adds no route to it). Not covered here: propagation that follows from calls naming no route table
 * (a VPC attachment created with default propagation, a CIDR added to a propagating VPC, a prefix
 * list's entries changed): the periodic evaluator covers them.
 *
 * @example
 * ```ts
 * export const removePodCidrTgwRoutes = defineRemediation({ ..., cloudTrail: removePodCidrTgwRoutesCloudTrail });
 * ```
 */
export const removePodCidrTgwRoutesCloudTrail = defineCloudTrailTrigger({
  resourceType: transitGatewayRouteTableKind.type,
  eventSource: 'ec2.amazonaws.com',
  eventNames: [
    'CreateTransitGatewayRoute',
    'ReplaceTransitGatewayRoute',
    'EnableTransitGatewayRouteTablePropagation',
    'CreateTransitGatewayPrefixListReference',
    'ModifyTransitGatewayPrefixListReference',
  ],
  resourceIds: (detail) =>
    idsAt(detail.requestParameters, [
      ['CreateTransitGatewayRouteRequest', 'TransitGatewayRouteTableId'],
      ['ReplaceTransitGatewayRouteRequest', 'TransitGatewayRouteTableId'],
      ['EnableTransitGatewayRouteTablePropagationRequest', 'TransitGatewayRouteTableId'],
      ['CreateTransitGatewayPrefixListReferenceRequest', 'TransitGatewayRouteTableId'],
      ['ModifyTransitGatewayPrefixListReferenceRequest', 'TransitGatewayRouteTableId'],
      ['transitGatewayRouteTableId'],
    ]),
});
