import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { accountSlot, defineKind, type SimFragment, type SimInput } from '../kind.js';

/** IAM roles an account lets `sts:AssumeRole` assume (names or ARNs), and the STS APIs. */

const slot = accountSlot({ roles: z.array(z.string()).default(() => []) });

function getCallerIdentity(ctx: SimCallContext) {
  return {
    UserId: 'AROASIMULATEDAIRLOCK:airlock',
    Account: ctx.account,
    Arn: `arn:aws:sts::${ctx.account}:assumed-role/airlock-simulated/airlock`,
  };
}

function assumeRole(ctx: SimCallContext, input: SimInput) {
  const arn = String(input.RoleArn ?? '');
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  const denied = () =>
    new SimApiError(
      'AccessDenied',
      `User: arn:aws:sts::${ctx.account}:assumed-role/airlock-simulated/airlock is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      403,
    );
  if (!match) throw new SimApiError('ValidationError', `${arn} is not a valid role ARN`, 400);
  const [, account, name] = match;
  const roles = slot.of(ctx.state, account!)?.roles;
  if (!roles || !(roles.includes(name!) || roles.includes(arn))) throw denied();
  const session = String(input.RoleSessionName ?? 'airlock');
  const id = ctx.newId('', 16).toUpperCase();
  return {
    Credentials: {
      AccessKeyId: `ASIA${id}`,
      SecretAccessKey: `simulated${id}`,
      SessionToken: `simulated-session-${account}-${id}`,
      Expiration: new Date(ctx.now + (input.DurationSeconds ?? 3600) * 1000),
    },
    AssumedRoleUser: {
      AssumedRoleId: `AROA${id}:${session}`,
      Arn: `arn:aws:sts::${account}:assumed-role/${name}/${session}`,
    },
  };
}

/** A role (name or ARN) the account it is placed in lets `sts:AssumeRole` assume. */
export function role(name: string): SimFragment {
  return slot.fragment((view) => {
    view.roles.push(name);
  });
}

/** The roles kind: what `sts:AssumeRole` may assume; `sts:GetCallerIdentity` names the call's account. */
export const roles = defineKind('roles', slot, {
  apis: { sts: { GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole } },
  sample: () => [role('airlock-remediation')],
});
