import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { PrivatizeEksEndpointSettings } from './plan.js';

const CLUSTERS = inAccount('eks', 'cluster/*');

/**
 * What `list` calls (`airlock scan`, with the operator's credentials, never the function's): listing
 * clusters supports no resource-level permission.
 */
export const privatizeEksEndpointListActions = ['eks:ListClusters'] as const;

/** privatize-eks-endpoint's IAM facts: one read, one write; undo restores with the same write. */
export const privatizeEksEndpointIam: IamFacts<PrivatizeEksEndpointSettings> = {
  read: ['eks:DescribeCluster'],
  write: ['eks:UpdateClusterConfig'],
  undo: ['eks:UpdateClusterConfig'],
  resources: {
    'eks:DescribeCluster': CLUSTERS,
    'eks:UpdateClusterConfig': CLUSTERS,
    'eks:ListClusters': ANY_RESOURCE,
  },
};
