import type { StsPort } from './assume-role.js';
import { type ClientFactory, createClientFactory } from './clients.js';
import { memberCredentials, partitionOf } from './member-roles.js';
import type { Settings } from './settings.js';

/**
 * The client factory of a deployment: with a member role set, clients for another account than the
 * home account act with that account's member role (assumed through STS in the home region, the
 * credentials cached per account).
 *
 * @example
 * ```ts
 * const clients = deploymentClients(settings, { region: 'eu-west-2' });
 * ```
 */
export function deploymentClients(settings: Settings, home: { region: string }): ClientFactory {
  const role = settings.memberRole;
  if (!role) return createClientFactory();
  const factory: ClientFactory = createClientFactory({
    credentialsFor: memberCredentials(() => stsClient(factory, home), {
      roleName: role.name,
      ...(role.externalId ? { externalId: role.externalId } : {}),
      ...(settings.homeAccount ? { homeAccount: settings.homeAccount } : {}),
      partition: partitionOf(home.region),
    }),
  });
  return factory;
}

/** The STS client of the member roles, loaded at the first AssumeRole (a chunk of its own in a bundle). */
async function stsClient(clients: ClientFactory, home: { region: string }): Promise<StsPort> {
  return clients.get((await import('./sts-client.js')).STSClient, home);
}
