import { DescribeTransitGatewayRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CONFIG_RULE_PERMISSIONS,
  type ConfigRuleEvaluator,
  type ScopedResource,
  SETTINGS_PARAMETER_PERMISSIONS,
} from '../../shared/config-rule-evaluator.js';
import { customRuleOf, type RemediationContext } from '../../shared/remediation.js';
import { searchPodCidrRoutes } from '../remove-pod-cidr-tgw-routes/describe.js';
import { removePodCidrTgwRoutes } from '../remove-pod-cidr-tgw-routes/index.js';
import type {
  RemovePodCidrTgwRoutesSettings,
  TgwRouteTableState,
} from '../remove-pod-cidr-tgw-routes/plan.js';

/**
 * Every transit gateway route table of the account and region (DescribeTransitGatewayRouteTables,
 * 100 a page; tables being deleted are left out), each with its routes around the pod CIDRs, read
 * as remove-pod-cidr-tgw-routes reads them. A table whose routes cannot be read is reported as such.
 */
export async function* listTgwRouteTables(
  ctx: RemediationContext,
  settings: RemovePodCidrTgwRoutesSettings,
): AsyncGenerator<ScopedResource<TgwRouteTableState>> {
  const ec2 = ctx.client(EC2Client);
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeTransitGatewayRouteTablesCommand({
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const table of out.TransitGatewayRouteTables ?? []) {
      const id = table.TransitGatewayRouteTableId;
      if (!id || table.State === 'deleted' || table.State === 'deleting') continue;
      try {
        yield { resourceId: id, state: await searchPodCidrRoutes(ec2, table, settings.podCidrs) };
      } catch (error) {
        yield { resourceId: id, error };
      }
    }
    token = out.NextToken;
  } while (token);
}

const ID = 'evaluate-tgw-routes';
// the rule's name and triggers, as remove-pod-cidr-tgw-routes declares them
const RULE = customRuleOf(removePodCidrTgwRoutes, ID);

/**
 * evaluate-tgw-routes: the custom Config rule `airlock-tgw-route-tables-no-pod-cidr`. Config's record
 * of a transit gateway route table holds no routes, so the routes are read live, periodically and
 * on change. A table is NON_COMPLIANT exactly when remove-pod-cidr-tgw-routes would plan steps for it.
 *
 * @example
 * ```ts
 * export const handler = createEvaluatorHandler(evaluateTgwRoutes);
 * ```
 */
export const evaluateTgwRoutes: ConfigRuleEvaluator<TgwRouteTableState, RemovePodCidrTgwRoutesSettings> = {
  id: ID,
  ruleName: RULE.name,
  resourceType: removePodCidrTgwRoutes.resourceType,
  remediation: removePodCidrTgwRoutes,
  permissions: [
    ...removePodCidrTgwRoutes.permissions.read,
    ...CONFIG_RULE_PERMISSIONS,
    ...SETTINGS_PARAMETER_PERMISSIONS,
  ],
  periodic: RULE.periodic,
  configurationChange: RULE.configurationChange,
  violation: 'routes into the pod CIDR',
  listInScope: listTgwRouteTables,
};
