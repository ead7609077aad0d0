import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { AirlockContext } from './context.js';
import { PIPELINE_ACTIONS, RUNTIME_ACTIONS } from './permissions.js';

/** Who calls AWS through the endpoints, and what its role may do there. */
export interface EndpointUser {
  /** Conditions that name the principal (`aws:PrincipalArn`, `aws:PrincipalOrgID`). */
  readonly principal: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly statements: readonly PolicyStatement[];
}

/**
 * Actions performed with a function's role outside the VPC: by Lambda (its logs, its network
 * interfaces), and by S3, DynamoDB and SQS, which call KMS for the data keys of what they encrypt.
 */
const NOT_THROUGH_THE_VPC: ReadonlySet<string> = new Set([
  ...Object.values(RUNTIME_ACTIONS).flat(),
  ...PIPELINE_ACTIONS.key,
]);

/**
 * A function of this account as an endpoint user: its role, by ARN (roles are named after their
 * function, so the ARN is known without a reference).
 *
 * @example
 * ```ts
 * functionUser('airlock-sweep', sweep.grants.statements(), context);
 * ```
 */
export function functionUser(
  roleName: string,
  statements: readonly PolicyStatement[],
  c: AirlockContext,
): EndpointUser {
  return {
    principal: { ArnEquals: { 'aws:PrincipalArn': `arn:${c.partition}:iam::${c.account}:role/${roleName}` } },
    statements,
  };
}

/** The member role of every account of the organization (its own policy scopes the resources). */
export function memberRoleUser(actions: readonly string[], c: AirlockContext): EndpointUser | undefined {
  const org = c.organization;
  if (!org) return undefined;
  return {
    principal: {
      ArnLike: { 'aws:PrincipalArn': `arn:${c.partition}:iam::*:role/${org.memberRoleName}` },
      StringEquals: { 'aws:PrincipalOrgID': org.organizationId },
    },
    statements: [new PolicyStatement({ actions: [...actions], resources: ['*'] })],
  };
}

/**
 * The statements of an endpoint's policy: for each user, its role's statements cut down to the
 * service's actions, each allowed only for that principal. Anyone else, any other action or resource,
 * is refused by the endpoint: it opens no path for the platform's other workloads. None when no
 * function calls the service (its endpoint is not needed).
 *
 * @example
 * ```ts
 * for (const statement of endpointStatements('s3', users)) endpoint.addToPolicy(statement);
 * ```
 */
export function endpointStatements(service: string, users: readonly EndpointUser[]): PolicyStatement[] {
  const prefix = `${service}:`;
  const out: PolicyStatement[] = [];
  for (const user of users) {
    for (const statement of user.statements) {
      const actions = statement.actions.filter((a) => a.startsWith(prefix) && !NOT_THROUGH_THE_VPC.has(a));
      if (actions.length === 0) continue;
      out.push(
        new PolicyStatement({
          principals: [new AnyPrincipal()],
          actions,
          resources: statement.resources,
          conditions: mergeConditions(statement.conditions, user.principal),
        }),
      );
    }
  }
  return out;
}

function mergeConditions(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [operator, keys] of [...Object.entries(a), ...Object.entries(b)]) {
    out[operator] = { ...(out[operator] ?? {}), ...(keys as Record<string, unknown>) };
  }
  return out;
}
