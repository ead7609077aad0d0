import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { securityGroupKind } from './resource-kind.js';

/**
 * The calls that can open SSH to the world on a security group, as CloudTrail records them:
 *
 * - `AuthorizeSecurityGroupIngress` (EC2 query API: `requestParameters.groupId`; a default-VPC call
 *   may name the group by `groupName` only, then the response's `securityGroupRuleSet` has the id);
 * - `ModifySecurityGroupRules` (newer API: the request is wrapped in `ModifySecurityGroupRulesRequest`).
 *
 * Not listed: `UpdateSecurityGroupRuleDescriptionsIngress` (changes descriptions only),
 * `CreateSecurityGroup` (a new group has no ingress rule), the Revoke calls (they only remove).
 * `ModifyManagedPrefixList` can widen every group that names the list, but names no group: Config's
 * evaluation covers it.
 *
 * @example
 * ```ts
 * export const revokeOpenSsh = defineRemediation({ ..., cloudTrail: revokeOpenSshCloudTrail });
 * ```
 */
export const revokeOpenSshCloudTrail = defineCloudTrailTrigger({
  resourceType: securityGroupKind.type,
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'],
  resourceIds: (detail) => [
    ...idsAt(detail.requestParameters, [['groupId'], ['ModifySecurityGroupRulesRequest', 'GroupId']]),
    ...idsAt(detail.responseElements, [['securityGroupRuleSet', 'items', 'groupId']]),
  ],
});
