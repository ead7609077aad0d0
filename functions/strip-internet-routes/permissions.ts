import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { StripInternetRoutesSettings } from './plan.js';

const TABLES = inAccount('ec2', 'route-table/*');
const TABLES_AND_SUBNETS = inAccount('ec2', 'route-table/*', 'subnet/*');

/** What `list` calls (`airlock scan`, with the operator's credentials): its resources are declared below. */
export const stripInternetRoutesListActions = ['ec2:DescribeRouteTables'] as const;

/**
 * strip-internet-routes' IAM facts: it reads the table, deletes routes and, where a public tier is
 * named, takes other subnets off its tables. Re-creating a route (`CreateRoute`) and re-joining a
 * subnet (`AssociateRouteTable`) are undo only: the operator's rollback, never the function.
 */
export const stripInternetRoutesIam: IamFacts<StripInternetRoutesSettings> = {
  read: ['ec2:DescribeRouteTables'],
  write: [
    'ec2:DeleteRoute',
    {
      action: 'ec2:DisassociateRouteTable',
      when: (settings) =>
        settings.publicRouteTableIds.length > 0 || settings.publicRouteTableTag !== undefined,
    },
  ],
  undo: ['ec2:CreateRoute', 'ec2:AssociateRouteTable'],
  resources: {
    'ec2:DescribeRouteTables': ANY_RESOURCE,
    'ec2:DeleteRoute': TABLES,
    'ec2:CreateRoute': TABLES,
    'ec2:DisassociateRouteTable': TABLES_AND_SUBNETS,
    'ec2:AssociateRouteTable': TABLES_AND_SUBNETS,
  },
};
