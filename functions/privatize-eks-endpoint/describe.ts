import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AirlockError, errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import { type ClusterState, clusterStateFrom } from './plan.js';

export type EksPort = Pick<EKSClient, 'send'>;

/**
 * Reads the cluster live (DescribeCluster): status and endpoint access. `ResourceNotFoundException`
 * is GONE; a response without a cluster is an error (its state is unknown, not absent).
 */
export async function describeEksCluster(
  name: string,
  ctx: RemediationContext,
): Promise<ClusterState | Gone> {
  const eks: EksPort = ctx.client(EKSClient);
  try {
    const out = await eks.send(new DescribeClusterCommand({ name }));
    if (!out.cluster) throw new AirlockError(`DescribeCluster returned no cluster for ${name}`);
    return clusterStateFrom(out.cluster, name);
  } catch (error) {
    if (errorCode(error) === 'ResourceNotFoundException') return GONE;
    throw error;
  }
}
