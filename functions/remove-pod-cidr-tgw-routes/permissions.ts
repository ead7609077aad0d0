import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { RemovePodCidrTgwRoutesSettings } from './plan.js';

const TABLES = inAccount('ec2', 'transit-gateway-route-table/*');

/** What `list` calls (`airlock scan`, with the operator's credentials): its resources are declared below. */
export const removePodCidrTgwRoutesListActions = ['ec2:DescribeTransitGatewayRouteTables'] as const;

/**
 * remove-pod-cidr-tgw-routes' IAM facts: it reads the table and searches its routes, deletes static
 * routes and creates static blackholes over propagated ones. Undo does the inverse of each.
 */
export const removePodCidrTgwRoutesIam: IamFacts<RemovePodCidrTgwRoutesSettings> = {
  read: ['ec2:DescribeTransitGatewayRouteTables', 'ec2:SearchTransitGatewayRoutes'],
  write: ['ec2:DeleteTransitGatewayRoute', 'ec2:CreateTransitGatewayRoute'],
  undo: ['ec2:CreateTransitGatewayRoute', 'ec2:DeleteTransitGatewayRoute'],
  resources: {
    'ec2:DescribeTransitGatewayRouteTables': ANY_RESOURCE,
    'ec2:SearchTransitGatewayRoutes': TABLES,
    'ec2:DeleteTransitGatewayRoute': TABLES,
    'ec2:CreateTransitGatewayRoute': TABLES,
  },
};
