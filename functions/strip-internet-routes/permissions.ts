import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { StripInternetRoutesSettings } from './plan.js';

const TABLES = inAccount('ec2', 'route-table/*');

/** What `list` calls (`airlock scan`, with the operator's credentials): its resources are declared below. */
export const stripInternetRoutesListActions = ['ec2:DescribeRouteTables'] as const;

/**
 * strip-internet-routes' IAM facts: it reads the table and deletes routes. Re-creating a route
 * (`CreateRoute`) is undo only: the operator's rollback, never the function.
 */
export const stripInternetRoutesIam: IamFacts<StripInternetRoutesSettings> = {
  read: ['ec2:DescribeRouteTables'],
  write: ['ec2:DeleteRoute'],
  undo: ['ec2:CreateRoute'],
  resources: {
    'ec2:DescribeRouteTables': ANY_RESOURCE,
    'ec2:DeleteRoute': TABLES,
    'ec2:CreateRoute': TABLES,
  },
};
