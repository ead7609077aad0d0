import { REGION } from '../shared/resource-id.js';
import type { OrganizationContext } from './context.js';
import { ContextError, type Get, list, optional, str } from './context-values.js';

/**
 * The organization keys; none of them unless `organizationId` is set (one account). `regions`: those
 * with a central stack, the primary first (the member regions' default).
 */
export function readOrganization(get: Get, regions: readonly string[]): OrganizationContext | undefined {
  const organizationId = optional(get, 'organizationId');
  if (!organizationId) return undefined;
  if (!/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    throw new ContextError('organizationId', `must be an organization id (o-…), got ${organizationId}`);
  }
  const externalId = optional(get, 'externalId');
  if (!externalId || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new ContextError(
      'externalId',
      'must be set (2-1224 characters of [\\w+=,.@:/-]) with organizationId',
    );
  }
  const memberRoleName = str(get, 'memberRoleName', 'airlock-member');
  if (!/^[\w+=,.@-]{1,64}$/.test(memberRoleName)) {
    throw new ContextError('memberRoleName', `is not an IAM role name: ${memberRoleName}`);
  }
  const memberOrganizationalUnitIds = list(get, 'memberOrganizationalUnitIds', []);
  if (
    memberOrganizationalUnitIds.length === 0 ||
    !memberOrganizationalUnitIds.every((ou) =>
      /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(ou),
    )
  ) {
    throw new ContextError('memberOrganizationalUnitIds', 'must list OU ids (ou-…) or the root (r-…)');
  }
  const { memberRegions, memberRoleRegion } = readMemberRegions(get, regions);
  const stackSetCallAs = str(get, 'stackSetCallAs', 'DELEGATED_ADMIN');
  if (stackSetCallAs !== 'SELF' && stackSetCallAs !== 'DELEGATED_ADMIN') {
    throw new ContextError('stackSetCallAs', `must be SELF or DELEGATED_ADMIN, got ${stackSetCallAs}`);
  }
  const busName = str(get, 'busName', 'airlock');
  if (!/^[\w.-]{1,256}$/.test(busName) || busName === 'default') {
    throw new ContextError('busName', `is not a custom event bus name: ${busName}`);
  }
  return {
    organizationId,
    externalId,
    memberRoleName,
    memberOrganizationalUnitIds,
    memberRegions,
    memberRoleRegion,
    busName,
    stackSetCallAs,
  };
}

function readMemberRegions(get: Get, regions: readonly string[]) {
  const region = regions[0]!;
  const memberRegions = list(get, 'memberRegions', regions);
  for (const r of memberRegions) {
    if (!REGION.test(r)) throw new ContextError('memberRegions', `holds ${r}, not a region`);
  }
  const memberRoleRegion = str(
    get,
    'memberRoleRegion',
    memberRegions.includes(region) ? region : memberRegions[0]!,
  );
  if (!memberRegions.includes(memberRoleRegion)) {
    throw new ContextError('memberRoleRegion', 'must be one of memberRegions');
  }
  return { memberRegions, memberRoleRegion };
}
