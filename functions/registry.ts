import type { AnyRemediation } from '../shared/remediation.js';
import { revokeOpenSsh } from './revoke-open-ssh/index.js';

/**
 * Every remediation airlock ships. The CLI, the CDK app and the registry-wide tests read this
 * list; adding a remediation is adding its module here.
 */
export const REMEDIATIONS: readonly AnyRemediation[] = [revokeOpenSsh];

/** The remediation with this id, or undefined. */
export function findRemediation(id: string): AnyRemediation | undefined {
  return REMEDIATIONS.find((r) => r.id === id);
}

/** The remediation that handles this Config resource type, or undefined. */
export function remediationForResourceType(resourceType: string): AnyRemediation | undefined {
  return REMEDIATIONS.find((r) => r.resourceType === resourceType);
}
