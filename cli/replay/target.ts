import { STSClient } from '@aws-sdk/client-sts';
import { assumeRoleCredentials } from '../../shared/assume-role.js';
import { type ClientFactory, createClientFactory } from '../../shared/clients.js';
import { bindToCallerAccount, type FactoryMaker } from '../caller-account.js';
import { CliError } from '../errors.js';
import { CallCounter } from './call-counter.js';

/** Where a replay acts: the embedded simulated account, or AWS (or any AWS-compatible endpoint). */
export interface Target {
  readonly kind: 'sim' | 'aws';
  readonly clients: ClientFactory;
  /** Settings the target implies (the simulated account's idempotency table and accounts). */
  readonly settings: Record<string, unknown>;
  readonly homeRegion?: string;
  /** The account the credentials belong to (AWS targets: sts:GetCallerIdentity). */
  readonly callerAccount?: string;
  /** API calls made so far, per `service:Api`. */
  calls(): Record<string, number>;
  /** Persists what changed (the simulated account's state file) and releases resources. */
  close(save: boolean): Promise<string | undefined>;
}

export interface AwsTargetOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly roleArn?: string;
  /** Assume this role in each event's account (the account of the caller's credentials needs none). */
  readonly assumeRoleName?: string;
  readonly externalId?: string;
}

/**
 * AWS through the SDK's default credential chain (`--profile` sets AWS_PROFILE), optionally assuming a
 * role. The credentials' account is asked of STS first: events of that account are handled with
 * them; events of any other account only through `--assume-role-name` (the member role), else they
 * are refused (the allowlist defaults to the caller's account, and a client for another account is
 * never handed out), since AWS would act in the credentials' account whatever the event names.
 */
export async function awsTarget(o: AwsTargetOptions, make?: FactoryMaker): Promise<Target> {
  if (o.profile) process.env.AWS_PROFILE = o.profile;
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (o.endpointUrl && !/^https?:\/\/[^\s]+$/.test(o.endpointUrl)) {
    throw new CliError(`--endpoint-url ${JSON.stringify(o.endpointUrl)} must be an http(s) URL`);
  }
  const counter = new CallCounter();
  let credentials: ReturnType<typeof assumeRoleCredentials> | undefined;
  if (o.roleArn) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(o.roleArn)) {
      throw new CliError(`--role-arn ${JSON.stringify(o.roleArn)} is not an IAM role ARN`);
    }
    const sts = new STSClient({
      ...(region ? { region } : {}),
      ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
    });
    credentials = assumeRoleCredentials(sts, o.roleArn, o.externalId ? { externalId: o.externalId } : {});
  }
  const home = region ?? 'us-east-1';
  const maker: FactoryMaker =
    make ??
    ((extra) =>
      createClientFactory({
        ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
        ...(credentials ? { credentials } : {}),
        plugins: [counter.plugin()],
        ...extra,
      }));
  const bound = await bindToCallerAccount(maker, {
    region: home,
    ...(o.assumeRoleName ? { assumeRoleName: o.assumeRoleName } : {}),
    ...(o.externalId ? { externalId: o.externalId } : {}),
  });
  return {
    kind: 'aws',
    clients: bound.clients,
    // the caller's own account, or any account whose member role can be assumed (STS proves which)
    settings: { allowedAccounts: bound.assumesRoles ? ['*'] : [bound.callerAccount] },
    callerAccount: bound.callerAccount,
    ...(region ? { homeRegion: region } : {}),
    calls: () => counter.toJSON(),
    close: async () => {
      bound.clients.destroy();
      return undefined;
    },
  };
}
