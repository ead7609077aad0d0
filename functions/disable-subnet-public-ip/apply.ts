import { EC2Client, ModifySubnetAttributeCommand } from '@aws-sdk/client-ec2';
import type { RemediationContext } from '../../shared/remediation.js';
import type { SubnetStep } from './plan.js';

/** Sends exactly one `ModifySubnetAttribute` for the step: one attribute. */
export async function applySubnetStep(step: SubnetStep, ctx: RemediationContext): Promise<unknown> {
  return ctx.client(EC2Client).send(new ModifySubnetAttributeCommand(step.input));
}
