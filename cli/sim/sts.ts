import type { SimCallContext } from './context.js';
import { SimApiError } from './errors.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Input = Record<string, any>;

function getCallerIdentity(ctx: SimCallContext) {
  return {
    UserId: 'AROASIMULATEDAIRLOCK:airlock',
    Account: ctx.account,
    Arn: `arn:aws:sts::${ctx.account}:assumed-role/airlock-simulated/airlock`,
  };
}

function assumeRole(ctx: SimCallContext, input: Input) {
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
  const target = ctx.state.accounts[account!];
  if (!target || !(target.roles.includes(name!) || target.roles.includes(arn))) throw denied();
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

/** The simulated STS APIs, by API name. */
export const STS_APIS: Record<string, (ctx: SimCallContext, input: Input) => unknown> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
};
