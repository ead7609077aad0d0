import { type IamFacts, inAccount } from '../../shared/iam.js';
import type { PrivatizeEksEndpointSettings } from './plan.js';

const CLUSTERS = inAccount('eks', 'cluster/*');

/** privatize-eks-endpoint's IAM facts: one read, one write; undo restores with the same write. */
export const privatizeEksEndpointIam: IamFacts<PrivatizeEksEndpointSettings> = {
  read: ['eks:DescribeCluster'],
  write: ['eks:UpdateClusterConfig'],
  undo: ['eks:UpdateClusterConfig'],
  resources: {
    'eks:DescribeCluster': CLUSTERS,
    'eks:UpdateClusterConfig': CLUSTERS,
  },
};
