import { matchesCloudTrailTrigger } from '../shared/cloudtrail.js';
import type { AnyRemediation } from '../shared/remediation.js';
import { blockPublicS3 } from './block-public-s3/index.js';
import { disableSubnetPublicIp } from './disable-subnet-public-ip/index.js';
import { privatizeEksEndpoint } from './privatize-eks-endpoint/index.js';
import { removePodCidrTgwRoutes } from './remove-pod-cidr-tgw-routes/index.js';
import { revokeOpenSsh } from './revoke-open-ssh/index.js';
import { stripInternetRoutes } from './strip-internet-routes/index.js';

/**
 * Every remediation airlock ships. The CLI, the CDK app and the registry-wide tests read this
 * list; adding a remediation is adding its module here.
 */
export const REMEDIATIONS: readonly AnyRemediation[] = [
  revokeOpenSsh,
  stripInternetRoutes,
  removePodCidrTgwRoutes,
  blockPublicS3,
  privatizeEksEndpoint,
  disableSubnetPublicIp,
];

/** The remediation with this id, or undefined. */
export function findRemediation(id: string): AnyRemediation | undefined {
  return REMEDIATIONS.find((r) => r.id === id);
}

/** The remediation that handles this Config resource type, or undefined. */
export function remediationForResourceType(resourceType: string): AnyRemediation | undefined {
  return REMEDIATIONS.find((r) => r.resourceType === resourceType);
}

/**
 * The remediation an event is for: by the resource type of a Config compliance change, or by the
 * API call of a CloudTrail event (each remediation lists the calls that can create its violation).
 */
export function routeEvent(event: unknown): AnyRemediation | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const detail = (event as { detail?: { resourceType?: unknown } }).detail;
  if (typeof detail?.resourceType === 'string') return remediationForResourceType(detail.resourceType);
  return REMEDIATIONS.find((r) => r.cloudTrail && matchesCloudTrailTrigger(r.cloudTrail, event));
}
