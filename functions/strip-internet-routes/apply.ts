import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DisassociateRouteTableCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { RemediationContext } from '../../shared/remediation.js';
import type { RouteStep } from './plan.js';

/** Sends exactly one EC2 write command for the step. */
export async function applyRouteStep(step: RouteStep, ctx: RemediationContext): Promise<unknown> {
  const ec2 = ctx.client(EC2Client);
  switch (step.action) {
    case 'ec2:DeleteRoute':
      return ec2.send(new DeleteRouteCommand(step.input));
    case 'ec2:CreateRoute':
      return ec2.send(new CreateRouteCommand(step.input));
    case 'ec2:DisassociateRouteTable':
      return ec2.send(new DisassociateRouteTableCommand({ AssociationId: step.input.AssociationId }));
    case 'ec2:AssociateRouteTable':
      return ec2.send(
        new AssociateRouteTableCommand({
          RouteTableId: step.input.RouteTableId,
          SubnetId: step.input.SubnetId,
        }),
      );
  }
}
