import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { eksClusterKind } from './resource-kind.js';

/**
 * The calls that can make a cluster's API endpoint public, as CloudTrail records them:
 *
 * - `CreateCluster`: public access is on unless the request turns it off. The cluster is CREATING
 *   for several minutes: the first attempts end "cannot act now" and are retried;
 * - `UpdateClusterConfig`: sets `resourcesVpcConfig.endpointPublicAccess`.
 *
 * The cluster is `requestParameters.name` (the EKS User Guide's 2018 example shows `clusterName`,
 * kept as a fallback), or the response's `cluster.name`.
 *
 * @example
 * ```ts
 * export const privatizeEksEndpoint = defineRemediation({ ..., cloudTrail: privatizeEksEndpointCloudTrail });
 * ```
 */
export const privatizeEksEndpointCloudTrail = defineCloudTrailTrigger({
  resourceType: eksClusterKind.type,
  eventSource: 'eks.amazonaws.com',
  eventNames: ['CreateCluster', 'UpdateClusterConfig'],
  resourceIds: (detail) => [
    ...idsAt(detail.requestParameters, [['name'], ['clusterName']]),
    ...idsAt(detail.responseElements, [
      ['cluster', 'name'],
      ['cluster', 'clusterName'],
    ]),
  ],
});
