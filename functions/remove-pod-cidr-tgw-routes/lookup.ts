import type { TransitGatewayRoute } from '@aws-sdk/client-ec2';
import { type Cidr, parseCidr } from '../../shared/cidr.js';

/** Routes in effect: active or blackhole (pending, deleting and deleted routes carry nothing). */
const inEffect = (r: TransitGatewayRoute) => r.State === 'active' || r.State === 'blackhole';

/**
 * The route a transit gateway route table uses for one address, as the transit gateway decides:
 * the longest prefix that holds the address wins; for equal prefixes a static route (blackholes are
 * static) beats a propagated one. Undefined when no route holds the address. Pure.
 *
 * @example
 * ```ts
 * lookupRoute([staticRoute('100.0.0.0/8'), blackholeRoute('100.64.0.0/10')], parseCidr('100.64.1.1/32')!);
 * // the blackhole: the more specific route wins
 * ```
 */
export function lookupRoute(
  routes: readonly TransitGatewayRoute[],
  address: Pick<Cidr, 'family' | 'start'>,
): TransitGatewayRoute | undefined {
  let best: { route: TransitGatewayRoute; prefix: number } | undefined;
  for (const route of routes) {
    const c = inEffect(route) ? parseCidr(route.DestinationCidrBlock ?? '') : undefined;
    if (!c || c.family !== address.family || address.start < c.start || address.start > c.end) continue;
    const wins =
      !best ||
      c.prefix > best.prefix ||
      (c.prefix === best.prefix && route.Type === 'static' && best.route.Type !== 'static');
    if (wins) best = { route, prefix: c.prefix };
  }
  return best?.route;
}
