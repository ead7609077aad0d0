import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import type { SubnetState } from './plan.js';

/**
 * Reads the subnet live (DescribeSubnets by id): its launch addressing, IPv6 blocks, tags, VPC.
 * `InvalidSubnetID.NotFound` (or an empty answer) is GONE.
 */
export async function describeSubnet(subnetId: string, ctx: RemediationContext): Promise<SubnetState | Gone> {
  const ec2 = ctx.client(EC2Client);
  try {
    const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
    return (out.Subnets ?? []).find((s) => s.SubnetId === subnetId) ?? GONE;
  } catch (error) {
    if (errorCode(error) === 'InvalidSubnetID.NotFound') return GONE;
    throw error;
  }
}
