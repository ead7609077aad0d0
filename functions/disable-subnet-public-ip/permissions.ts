import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { DisableSubnetPublicIpSettings } from './plan.js';

/** What `list` calls (`airlock scan`, with the operator's credentials): its resources are declared below. */
export const disableSubnetPublicIpListActions = ['ec2:DescribeSubnets'] as const;

/**
 * disable-subnet-public-ip's IAM facts: it reads the subnet and turns its launch addressing off with
 * `ModifySubnetAttribute`, the same call undo uses to turn it back on (the operator's rollback).
 */
export const disableSubnetPublicIpIam: IamFacts<DisableSubnetPublicIpSettings> = {
  read: ['ec2:DescribeSubnets'],
  write: ['ec2:ModifySubnetAttribute'],
  undo: ['ec2:ModifySubnetAttribute'],
  resources: {
    'ec2:DescribeSubnets': ANY_RESOURCE,
    'ec2:ModifySubnetAttribute': inAccount('ec2', 'subnet/*'),
  },
};
