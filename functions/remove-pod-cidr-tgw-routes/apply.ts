import {
  CreateTransitGatewayRouteCommand,
  DeleteTransitGatewayRouteCommand,
  EC2Client,
  ReplaceTransitGatewayRouteCommand,
} from '@aws-sdk/client-ec2';
import type { RemediationContext } from '../../shared/remediation.js';
import type { TgwRouteStep } from './plan.js';

/** Sends exactly one EC2 write command for the step. */
export async function applyTgwRouteStep(step: TgwRouteStep, ctx: RemediationContext): Promise<unknown> {
  const ec2 = ctx.client(EC2Client);
  switch (step.action) {
    case 'ec2:DeleteTransitGatewayRoute':
      return ec2.send(new DeleteTransitGatewayRouteCommand(step.input));
    case 'ec2:CreateTransitGatewayRoute':
      return ec2.send(new CreateTransitGatewayRouteCommand(step.input));
    case 'ec2:ReplaceTransitGatewayRoute':
      return ec2.send(new ReplaceTransitGatewayRouteCommand(step.input));
  }
}
