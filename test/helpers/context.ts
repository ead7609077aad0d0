import { Logger } from '@aws-lambda-powertools/logger';
import { createClientFactory } from '../../shared/clients.js';
import type { RemediationContext } from '../../shared/remediation.js';

/**
 * A remediation's context for calling `describe` or `apply` directly: real SDK clients (which
 * aws-sdk-client-mock intercepts) in eu-west-2, account 111122223333.
 */
export function testContext(serviceName = 'test'): RemediationContext {
  const clients = createClientFactory();
  return {
    client: (ctor) => clients.get(ctor, { region: 'eu-west-2' }),
    region: 'eu-west-2',
    accountId: '111122223333',
    logger: new Logger({ serviceName }),
  };
}
