import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import type { RemediationContext } from '../../shared/remediation.js';
import type { SshStep } from './plan.js';

/** Sends exactly one EC2 write command for the step. */
export async function applySshStep(step: SshStep, ctx: RemediationContext): Promise<unknown> {
  const ec2 = ctx.client(EC2Client);
  switch (step.action) {
    case 'ec2:RevokeSecurityGroupIngress':
      return ec2.send(new RevokeSecurityGroupIngressCommand(step.input));
    case 'ec2:AuthorizeSecurityGroupIngress':
      return ec2.send(new AuthorizeSecurityGroupIngressCommand(step.input));
  }
}
