import { parseCidr } from '../../shared/cidr.js';
import { effectiveTgwRoutes } from './ec2.js';
import type { SimState } from './state.js';

/** One line per resource kind and where it lives: what `airlock sim show` prints. */
export interface SimSummaryRow {
  readonly account: string;
  readonly region: string;
  readonly kind: string;
  readonly id: string;
  readonly detail: string;
}

const WORLD = (cidr: string | undefined) => cidr !== undefined && parseCidr(cidr)?.prefix === 0;

/**
 * Summarises a state: every resource with the detail that matters to airlock (world-open ingress,
 * routes to gateways, endpoint access, public access block, Object Lock, item counts).
 *
 * @example
 * ```ts
 * for (const row of summarizeSimState(state)) console.log(row.kind, row.id, row.detail);
 * ```
 */
export function summarizeSimState(state: SimState): SimSummaryRow[] {
  const rows: SimSummaryRow[] = [];
  for (const [account, a] of Object.entries(state.accounts)) {
    for (const [name, b] of Object.entries(a.buckets)) {
      const pab = b.publicAccessBlock;
      const on = pab ? Object.values(pab).filter((v) => v === true).length : 0;
      const retention = b.objectLock?.Rule?.DefaultRetention;
      rows.push({
        account,
        region: b.region,
        kind: 's3 bucket',
        id: name,
        detail: [
          pab ? `public access block ${on}/4 on` : 'no public access block',
          b.objectLock
            ? `object lock${retention ? ` ${retention.Mode} ${retention.Days ?? ''}${retention.Days ? 'd' : ''}${retention.Years ? `${retention.Years}y` : ''}` : ''}`
            : '',
          `${b.objects.length} object(s)`,
        ]
          .filter(Boolean)
          .join(', '),
      });
    }
    for (const [region, r] of Object.entries(a.regions)) {
      const row = (kind: string, id: string, detail: string) =>
        rows.push({ account, region, kind, id, detail });
      for (const g of r.securityGroups) {
        const rules = g.Rules ?? [];
        const open = rules.filter((x) => !x.IsEgress && (WORLD(x.CidrIpv4) || WORLD(x.CidrIpv6))).length;
        row(
          'security group',
          g.GroupId,
          `${g.GroupName ?? ''} ${rules.filter((x) => !x.IsEgress).length} ingress / ${rules.filter((x) => x.IsEgress).length} egress rule(s)${open ? `, ${open} ingress from the world` : ''}`.trim(),
        );
      }
      for (const p of r.prefixLists)
        row('prefix list', p.PrefixListId, `${p.Entries.length} entr${p.Entries.length === 1 ? 'y' : 'ies'}`);
      for (const t of r.routeTables) {
        const routes = t.Routes ?? [];
        const gateways = routes
          .map(
            (x) =>
              x.NatGatewayId ??
              x.EgressOnlyInternetGatewayId ??
              (x.GatewayId?.startsWith('igw-') ? x.GatewayId : undefined),
          )
          .filter(Boolean);
        row(
          'route table',
          t.RouteTableId!,
          `${routes.length} route(s)${gateways.length ? `, to ${gateways.join(', ')}` : ''}`,
        );
      }
      for (const t of r.transitGatewayRouteTables) {
        const routes = effectiveTgwRoutes(t);
        const count = (type: string) => routes.filter((x) => x.Type === type).length;
        row(
          'tgw route table',
          t.TransitGatewayRouteTableId,
          `${count('static')} static, ${count('propagated')} propagated route(s) in effect`,
        );
      }
      for (const c of r.eksClusters) {
        const v = c.resourcesVpcConfig ?? {};
        row(
          'eks cluster',
          c.name,
          `${c.status ?? 'ACTIVE'}, public ${v.endpointPublicAccess ? 'on' : 'off'}, private ${v.endpointPrivateAccess ? 'on' : 'off'}${c.pending ? ', update in progress' : ''}`,
        );
      }
      for (const p of r.ssmParameters)
        row('ssm parameter', p.Name, `${p.Type ?? 'String'}, version ${p.Version ?? 1}`);
      const evaluations = r.config.evaluations;
      if (evaluations.length || r.config.rules.length) {
        const non = evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT').length;
        row(
          'config',
          `${new Set([...r.config.rules, ...evaluations.map((e) => e.ConfigRuleName)]).size} rule(s)`,
          `${evaluations.length} evaluation(s), ${non} NON_COMPLIANT`,
        );
      }
      for (const [name, t] of Object.entries(r.dynamodbTables))
        row('dynamodb table', name, `${t.items.length} item(s)`);
    }
  }
  return rows;
}
