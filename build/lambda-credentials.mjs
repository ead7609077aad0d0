// Stand-in for `@aws-sdk/credential-provider-node` in the function bundles (see esbuild-plugins.mjs).
// In Lambda the runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the
// execution role: the default chain's other links (SSO, profiles, login, process, web identity,
// container and instance metadata) are never reached there, and with them go their nested STS/SSO
// clients. The CLI and the tests import the SDK unbundled and keep the full chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { CredentialsProviderError } from '@smithy/core/config';

/** The SDK clients' default credentials: the Lambda environment's, nothing else. */
export const defaultProvider =
  (init = {}) =>
  async () => {
    try {
      return await fromEnv(init)();
    } catch {
      throw new CredentialsProviderError(
        'no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment: the function bundle reads the credentials the Lambda runtime sets, and no other source',
        { logger: init.logger, tryNextLink: false },
      );
    }
  };

export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
