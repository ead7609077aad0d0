// Test support: what the registry-wide tests and plan.test.ts generate privatize-eks-endpoint's cases from.
import fc from 'fast-check';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import { type ClusterState, endpointAccess } from './plan.js';

export const STATUSES = ['ACTIVE', 'CREATING', 'UPDATING', 'DELETING', 'FAILED', 'PENDING'] as const;
export const clusterName = fc.stringMatching(/^[0-9A-Za-z][A-Za-z0-9_-]{0,30}$/);
const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, prefix]) => `${ip}/${prefix}`);
export const cidrs = fc.option(fc.array(cidr, { maxLength: 4 }), { nil: undefined });
const flag = fc.option(fc.boolean(), { nil: undefined });
/** Any state DescribeCluster can report (EKS never holds both off, defaults included); fields may be missing. */
export const clusterState = (status: fc.Arbitrary<string | undefined>): fc.Arbitrary<ClusterState> =>
  fc
    .record({
      name: clusterName,
      status,
      endpointPublicAccess: flag,
      endpointPrivateAccess: flag,
      publicAccessCidrs: cidrs,
    })
    .map(
      (s) =>
        Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as ClusterState,
    )
    .filter((s) => {
      const access = endpointAccess(s);
      return access.endpointPublicAccess || access.endpointPrivateAccess;
    });
export const anyStatus = fc.option(fc.constantFrom(...STATUSES), { nil: undefined });

export const fixtures: RemediationFixtures<ClusterState> = {
  state: clusterState(anyStatus),
  settings: fc.constant({}),
  validIds: ['a', 'Cluster_1', `c${'a'.repeat(99)}`],
  lookAlikeIds: ['-cluster', '_cluster', 'a'.repeat(101), 'cluster.prod', 'cluster/prod'],
  cloudTrailEvents: [
    { file: 'eks__CreateCluster__eks-user-guide.json', resourceId: 'test' },
    { file: 'eks__UpdateClusterConfig.json', resourceId: 'payments' },
  ],
};
