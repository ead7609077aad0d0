import { type ClientFactory, type ClientFactoryOptions, createClientFactory } from '../../shared/clients.js';
import { CliError, ExitCode } from '../errors.js';

/** The AWS flags every command that may talk to AWS takes. */
export interface AwsFlags {
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
}

/** The region to use: the flag, else AWS_REGION / AWS_DEFAULT_REGION; bad input when none. */
export function resolveRegion(flags: AwsFlags, env: NodeJS.ProcessEnv = process.env): string {
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CliError('no AWS region: pass --region (or set AWS_REGION)', ExitCode.BAD_INPUT);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) {
    throw new CliError(
      `--region ${JSON.stringify(region)} is not a region name (eu-west-2)`,
      ExitCode.BAD_INPUT,
    );
  }
  return region;
}

/**
 * A client factory for real AWS (or an AWS-compatible endpoint): the named profile is read from the
 * shared config and credentials files by the SDK's own provider chain (client option `profile`),
 * otherwise the usual environment and instance credentials apply.
 */
export function awsClientFactory(flags: AwsFlags): ClientFactory {
  return createClientFactory(awsClientOptions(flags));
}

/** The client factory options the AWS flags give (endpoint, profile, a few standard retries). */
export function awsClientOptions(flags: AwsFlags): ClientFactoryOptions {
  if (flags.endpointUrl && !/^https?:\/\/[^\s]+$/.test(flags.endpointUrl)) {
    throw new CliError(
      `--endpoint-url ${JSON.stringify(flags.endpointUrl)} is not an http(s) URL`,
      ExitCode.BAD_INPUT,
    );
  }
  return {
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    maxAttempts: 3,
    retryMode: 'standard',
    ...(flags.profile ? { extra: { profile: flags.profile } } : {}),
  };
}
