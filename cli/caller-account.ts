import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type {
  ClientCtor,
  ClientFactory,
  ClientFactoryOptions,
  ClientScope,
  SdkClient,
} from '../shared/clients.js';
import { describeError } from '../shared/errors.js';
import { memberCredentials, partitionOf } from '../shared/member-roles.js';
import { CliError, ExitCode } from './errors.js';

/**
 * The CLI acts with an operator's credentials, and AWS acts in the account those credentials belong
 * to, whatever account a client's scope names. So a client for another account is handed out only
 * through that account's member role (`--assume-role-name`); without one, only the caller's own
 * account (as `sts:GetCallerIdentity` says) is reachable, and asking for another is refused, naming
 * both accounts.
 */

/** Makes a client factory with extra options (member-role credentials): `createClientFactory`, or the simulated account's. */
export type FactoryMaker = (extra: Partial<ClientFactoryOptions>) => ClientFactory;

export interface AccountBindingOptions {
  /** Where to ask STS. */
  readonly region: string;
  /** The member role assumed in every account but the caller's. */
  readonly assumeRoleName?: string;
  readonly externalId?: string;
}

export interface BoundClients {
  /** The account the credentials belong to. */
  readonly callerAccount: string;
  /** Clients that act only in the caller's account, or in another one through its member role. */
  readonly clients: ClientFactory;
  /** True when accounts other than the caller's are reached through a member role. */
  readonly assumesRoles: boolean;
}

/** The account a client factory's own credentials belong to (`sts:GetCallerIdentity`). */
export async function callerAccountOf(clients: ClientFactory, region: string): Promise<string> {
  try {
    const out = await clients.get(STSClient, { region }).send(new GetCallerIdentityCommand({}));
    if (!out.Account) throw new Error('GetCallerIdentity named no account');
    return out.Account;
  } catch (error) {
    const e = describeError(error);
    throw new CliError(
      `cannot tell which account the credentials belong to (sts:GetCallerIdentity): ${e.name}: ${e.message}`,
      ExitCode.FAILED,
      { cause: error },
    );
  }
}

/** The message of a refusal to act in `wanted` with the credentials of `caller`. */
export function wrongAccountMessage(caller: string, wanted: string, what = 'the resource'): string {
  return `the credentials belong to account ${caller}, but ${what} is in account ${wanted}: acting would touch account ${caller} instead; pass --assume-role-name (the member role of ${wanted}) or use credentials of ${wanted}`;
}

/**
 * Clients bound to proven accounts: the caller's account with its own credentials, any other through
 * the member role (AssumeRole names the account in the role ARN, so STS proves it), or a refusal.
 *
 * @example
 * ```ts
 * const bound = await bindToCallerAccount((extra) => createClientFactory({ ...options, ...extra }), { region: 'eu-west-2' });
 * bound.clients.get(EC2Client, { region, account: bound.callerAccount }); // fine
 * bound.clients.get(EC2Client, { region, account: '222233334444' }); // CliError naming both accounts
 * ```
 */
export async function bindToCallerAccount(
  make: FactoryMaker,
  o: AccountBindingOptions,
): Promise<BoundClients> {
  const own = make({});
  const callerAccount = await callerAccountOf(own, o.region);
  const role = o.assumeRoleName;
  const assumed = role
    ? make({
        credentialsFor: memberCredentials(() => own.get(STSClient, { region: o.region }), {
          roleName: role,
          homeAccount: callerAccount,
          partition: partitionOf(o.region),
          sessionName: 'airlock-operator',
          ...(o.externalId ? { externalId: o.externalId } : {}),
        }),
      })
    : undefined;
  const clients: ClientFactory = {
    get<C extends SdkClient>(ctor: ClientCtor<C>, scope: ClientScope): C {
      if (scope.account === undefined || scope.account === callerAccount) {
        // the credentials' own account: a scope that names it changes nothing AWS does
        return own.get(ctor, { region: scope.region });
      }
      if (assumed) return assumed.get(ctor, scope);
      throw new CliError(wrongAccountMessage(callerAccount, scope.account), ExitCode.FAILED);
    },
    destroy() {
      own.destroy();
      assumed?.destroy();
    },
  };
  return { callerAccount, clients, assumesRoles: assumed !== undefined };
}
