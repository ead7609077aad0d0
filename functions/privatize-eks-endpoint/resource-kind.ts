import { defineResourceKind } from '../../shared/resource-kind.js';

/** EKS clusters, by name. */
export const eksClusterKind = defineResourceKind({
  type: 'AWS::EKS::Cluster',
  pattern: '^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$',
  words:
    'an EKS cluster name (1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit)',
  example: 'platform-prod',
});
