import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { AirlockContext } from './context.js';
import { resourcesFor, type Scope } from './permissions.js';

interface Grant {
  readonly actions: Set<string>;
  readonly resources: readonly string[];
  readonly condition?: Record<string, unknown>;
}

/**
 * Collects (action, resources) grants and emits one statement per distinct resource set, so that a
 * role's policy lists each action once. Wildcard resources are remembered with why they are needed,
 * for the cdk-nag suppressions that must name each of them.
 */
export class Grants {
  private readonly byScope = new Map<string, Grant>();
  readonly wildcards = new Map<string, string>();

  add(
    actions: readonly string[],
    resources: readonly string[],
    why: string,
    condition?: Record<string, unknown>,
  ): this {
    for (const action of actions) {
      if (action.includes('*')) throw new Error(`wildcard action ${action} is never granted`);
    }
    const key = JSON.stringify([resources, condition ?? null]);
    const grant = this.byScope.get(key) ?? {
      actions: new Set<string>(),
      resources,
      ...(condition ? { condition } : {}),
    };
    for (const action of actions) grant.actions.add(action);
    this.byScope.set(key, grant);
    for (const resource of resources) {
      if (resource.includes('*') && !this.wildcards.has(resource)) this.wildcards.set(resource, why);
    }
    return this;
  }

  /** Every action granted, sorted. */
  actions(): string[] {
    return [...new Set([...this.byScope.values()].flatMap((g) => [...g.actions]))].sort();
  }

  statements(): PolicyStatement[] {
    return [...this.byScope.values()].map(
      (g) =>
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...g.actions].sort(),
          resources: [...g.resources],
          ...(g.condition ? { conditions: g.condition } : {}),
        }),
    );
  }
}

/**
 * A descriptor's actions, each on the narrowest resources its API allows (`resourcesFor` in
 * infra/permissions.ts), with the reason a wildcard resource is needed.
 *
 * @example
 * ```ts
 * addDescriptorGrants(grants, remediation.permissions.write, { partition, account, region });
 * ```
 */
export function addDescriptorGrants(grants: Grants, actions: readonly string[], where: Scope): Grants {
  for (const action of actions) {
    const { resources, condition } = resourcesFor(action, where);
    const why =
      resources[0] === '*'
        ? `${action} supports no resource-level permission (AWS documents "*" only)`
        : `${action}: the resources are named by Config at run time; scoped to their type in this account and region`;
    grants.add([action], resources, why, condition);
  }
  return grants;
}

/**
 * With an organization: the member role of any account, inside the organization only. The role has
 * one name in every account (the StackSet creates it in accounts that join later); `aws:ResourceOrgID`
 * keeps the grant inside the organization.
 *
 * @example
 * ```ts
 * addMemberRoleGrant(grants, context); // + sts:AssumeRole on arn:aws:iam::*:role/airlock-member
 * ```
 */
export function addMemberRoleGrant(grants: Grants, c: AirlockContext): Grants {
  if (!c.organization) return grants;
  return grants.add(
    ['sts:AssumeRole'],
    [`arn:${c.partition}:iam::*:role/${c.organization.memberRoleName}`],
    'the member role has one name in every account of the organization (the StackSet creates it in accounts that join later); aws:ResourceOrgID keeps it inside the organization',
    { StringEquals: { 'aws:ResourceOrgID': c.organization.organizationId } },
  );
}
