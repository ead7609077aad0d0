import { ANY_RESOURCE, type IamFacts, inAccount } from '../../shared/iam.js';
import type { RevokeOpenSshSettings } from './plan.js';

const GROUPS = inAccount('ec2', 'security-group/*', 'security-group-rule/*');

/** What `list` calls (`airlock scan`, with the operator's credentials): its resources are declared below. */
export const revokeOpenSshListActions = ['ec2:DescribeSecurityGroups'] as const;

/**
 * revoke-open-ssh's IAM facts: it reads rules and prefix lists, revokes by rule id, and authorises
 * the rest of a port range only when `portRangePolicy` is `reauthorize-remainder`. Undo authorises a
 * revoked rule again and revokes a re-authorised remainder.
 */
export const revokeOpenSshIam: IamFacts<RevokeOpenSshSettings> = {
  read: ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:GetManagedPrefixListEntries'],
  write: [
    'ec2:RevokeSecurityGroupIngress',
    {
      action: 'ec2:AuthorizeSecurityGroupIngress',
      when: (settings) => settings.portRangePolicy === 'reauthorize-remainder',
    },
  ],
  undo: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
  resources: {
    'ec2:DescribeSecurityGroupRules': ANY_RESOURCE,
    'ec2:DescribeSecurityGroups': ANY_RESOURCE,
    // AWS-managed prefix lists are owned by the account "aws", not ours
    'ec2:GetManagedPrefixListEntries': {
      arns: [{ service: 'ec2', resource: 'prefix-list/*', scope: 'any-account' }],
    },
    'ec2:RevokeSecurityGroupIngress': GROUPS,
    'ec2:AuthorizeSecurityGroupIngress': GROUPS,
  },
};
