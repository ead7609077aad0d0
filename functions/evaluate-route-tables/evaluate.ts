import { DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CONFIG_RULE_PERMISSIONS,
  type ConfigRuleEvaluator,
  type ScopedResource,
  SETTINGS_PARAMETER_PERMISSIONS,
} from '../../shared/config-rule-evaluator.js';
import { customRuleOf, type RemediationContext } from '../../shared/remediation.js';
import { stripInternetRoutes } from '../strip-internet-routes/index.js';
import type { RouteTableState, StripInternetRoutesSettings } from '../strip-internet-routes/plan.js';

/**
 * Every route table of the account and region (DescribeRouteTables, 100 a page): the answer is the
 * very state strip-internet-routes plans on, so no second read per table.
 */
export async function* listRouteTables(
  ctx: RemediationContext,
): AsyncGenerator<ScopedResource<RouteTableState>> {
  const ec2 = ctx.client(EC2Client);
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeRouteTablesCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    for (const table of out.RouteTables ?? []) {
      if (table.RouteTableId) yield { resourceId: table.RouteTableId, state: table };
    }
    token = out.NextToken;
  } while (token);
}

const ID = 'evaluate-route-tables';
// the rule's name and triggers, as strip-internet-routes declares them
const RULE = customRuleOf(stripInternetRoutes, ID);

/**
 * evaluate-route-tables: the custom Config rule `airlock-private-route-tables-no-internet-route`.
 * A route table is NON_COMPLIANT exactly when strip-internet-routes would plan steps for it.
 *
 * @example
 * ```ts
 * export const handler = createEvaluatorHandler(evaluateRouteTables);
 * ```
 */
export const evaluateRouteTables: ConfigRuleEvaluator<RouteTableState, StripInternetRoutesSettings> = {
  id: ID,
  ruleName: RULE.name,
  resourceType: stripInternetRoutes.resourceType,
  remediation: stripInternetRoutes,
  permissions: [
    ...stripInternetRoutes.permissions.read,
    ...CONFIG_RULE_PERMISSIONS,
    ...SETTINGS_PARAMETER_PERMISSIONS,
  ],
  periodic: RULE.periodic,
  configurationChange: RULE.configurationChange,
  violation: 'routes to the internet',
  listInScope: (ctx) => listRouteTables(ctx),
};
