import { defineRemediation, inputString } from '../../shared/remediation.js';
import { applyEksStep, isAlreadyAtDesiredConfiguration } from './apply.js';
import { privatizeEksEndpointCloudTrail } from './cloudtrail.js';
import { describeEksCluster } from './describe.js';
import { listClusters } from './list.js';
import { privatizeEksEndpointIam } from './permissions.js';
import {
  type ClusterState,
  type EksStep,
  eksUndoConflict,
  type PrivatizeEksEndpointSettings,
  PrivatizeEksEndpointSettingsSchema,
  planPrivatizeEksEndpoint,
  undoEksStep,
} from './plan.js';
import { eksClusterKind } from './resource-kind.js';

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
  list: listClusters,
  cloudTrail: privatizeEksEndpointCloudTrail,
  title: "Make an EKS cluster's API endpoint private only",
  resourceKind: eksClusterKind,
  configRules: {
    managed: [
      {
        identifier: 'EKS_ENDPOINT_NO_PUBLIC_ACCESS',
        defaultName: 'eks-endpoint-no-public-access',
        // periodic only, without a scope: drift is seen at the rule's next run
        resourceTypes: null,
        trigger: 'periodic',
      },
    ],
  },
  services: ['eks'],
  iam: privatizeEksEndpointIam,
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
  targetOf: (step) => inputString(step, 'name'),
  undoConflict: eksUndoConflict,
});
