import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { assumeRoleCredentials, type StsSource } from './assume-role.js';
import { ACCOUNT_ID } from './resource-id.js';

/** How airlock reaches member accounts: the role it assumes in each, and the account it runs in. */
export interface MemberRoleOptions {
  /** The role's name in every member account (the member stack creates it). */
  readonly roleName: string;
  readonly externalId?: string;
  /** The account airlock itself runs in: events from it need no role. */
  readonly homeAccount?: string;
  readonly partition?: string;
  readonly sessionName?: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
 *
 * @example
 * ```ts
 * partitionOf('cn-north-1'); // 'aws-cn'
 * ```
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The ARN of the member role in `account`. */
export function memberRoleArn(account: string, o: Pick<MemberRoleOptions, 'roleName' | 'partition'>): string {
  if (!ACCOUNT_ID.test(account))
    throw new Error(`account ${JSON.stringify(account)} is not a 12-digit account id`);
  if (!ROLE_NAME.test(o.roleName))
    throw new Error(`role name ${JSON.stringify(o.roleName)} is not an IAM role name`);
  return `arn:${o.partition ?? 'aws'}:iam::${account}:role/${o.roleName}`;
}

/**
 * Credentials per account: the member role assumed in each account other than the home account,
 * one provider per account (credentials cached until near expiry and reused across events).
 *
 * @example
 * ```ts
 * const credentialsFor = memberCredentials(sts, { roleName: 'airlock-member', externalId: 'airlock', homeAccount: '111122223333' });
 * createClientFactory({ credentialsFor });
 * ```
 */
export function memberCredentials(
  sts: StsSource,
  o: MemberRoleOptions,
): (account: string) => AwsCredentialIdentityProvider | undefined {
  const providers = new Map<string, AwsCredentialIdentityProvider>();
  return (account) => {
    if (o.homeAccount && account === o.homeAccount) return undefined;
    let provider = providers.get(account);
    if (!provider) {
      provider = assumeRoleCredentials(sts, memberRoleArn(account, o), {
        ...(o.externalId ? { externalId: o.externalId } : {}),
        sessionName: o.sessionName ?? 'airlock',
      });
      providers.set(account, provider);
    }
    return provider;
  };
}
