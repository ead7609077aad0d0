import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type StsPort = Pick<STSClient, 'send'>;

/** An STS client, or how to get one when first needed (the STS client is loaded on first use). */
export type StsSource = StsPort | (() => StsPort | Promise<StsPort>);

/** Refresh credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Credentials of an assumed role, cached until shortly before they expire (one AssumeRole per
 * role per hour, not per event). The STS client module is imported at the first AssumeRole: a
 * deployment without member roles never loads it (a separate chunk in the function bundles).
 *
 * @example
 * ```ts
 * const credentials = assumeRoleCredentials(sts, 'arn:aws:iam::222233334444:role/airlock-member', { externalId: 'airlock' });
 * new EC2Client({ region, credentials });
 * ```
 */
export function assumeRoleCredentials(
  sts: StsSource,
  roleArn: string,
  options: { externalId?: string; sessionName?: string; durationSeconds?: number; now?: () => number } = {},
): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS > now()) return cached;
    pending ??= (async () => {
      try {
        const [{ AssumeRoleCommand }, port] = await Promise.all([
          import('./sts-client.js'),
          typeof sts === 'function' ? sts() : sts,
        ]);
        const out = await port.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: options.sessionName ?? 'airlock',
            DurationSeconds: options.durationSeconds ?? 3600,
            ...(options.externalId ? { ExternalId: options.externalId } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error(`AssumeRole ${roleArn} returned no credentials`);
        cached = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
          expiration: c.Expiration ? new Date(c.Expiration) : new Date(now() + 3600_000),
        };
        return cached;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
