import { defineRemediation } from '../../shared/remediation.js';
import { applyEksStep, isAlreadyAtDesiredConfiguration } from './apply.js';
import { privatizeEksEndpointCloudTrail } from './cloudtrail.js';
import { describeEksCluster } from './describe.js';
import {
  type ClusterState,
  type EksStep,
  eksUndoConflict,
  type PrivatizeEksEndpointSettings,
  PrivatizeEksEndpointSettingsSchema,
  planPrivatizeEksEndpoint,
  undoEksStep,
} from './plan.js';

/**
 * privatize-eks-endpoint: turns an EKS cluster's public API endpoint off and its private endpoint on
 * (one `UpdateClusterConfig`), keeping the previous access and `publicAccessCidrs` for undo.
 *
 * @example
 * ```ts
 * export const handler = createHandler(privatizeEksEndpoint);
 * ```
 */
export const privatizeEksEndpoint = defineRemediation<ClusterState, PrivatizeEksEndpointSettings, EksStep>({
  id: 'privatize-eks-endpoint',
  cloudTrail: privatizeEksEndpointCloudTrail,
  title: "Make an EKS cluster's API endpoint private only",
  resourceType: 'AWS::EKS::Cluster',
  ruleIdentifiers: ['EKS_ENDPOINT_NO_PUBLIC_ACCESS'],
  configRuleNames: ['eks-endpoint-no-public-access', 'airlock-eks-endpoint-no-public-access'],
  services: ['eks'],
  permissions: {
    read: ['eks:DescribeCluster'],
    write: ['eks:UpdateClusterConfig'],
  },
  settingsSchema: PrivatizeEksEndpointSettingsSchema,
  // the cluster was deleted meanwhile: no endpoint is public (the verification then finds it gone)
  alreadyDoneErrors: ['ResourceNotFoundException'],
  // another update is in progress, or the cluster is not ACTIVE
  retryLaterErrors: ['ResourceInUseException'],
  alreadyDone: isAlreadyAtDesiredConfiguration,
  describe: describeEksCluster,
  plan: planPrivatizeEksEndpoint,
  apply: applyEksStep,
  undo: undoEksStep,
  undoConflict: eksUndoConflict,
});
