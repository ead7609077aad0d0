import type { SimFragment } from '../../cli/sim/kind.js';
import { eksCluster } from '../../cli/sim/kinds/eks-clusters.js';
import { localRoute, route, routeTable } from '../../cli/sim/kinds/route-tables.js';
import { bucket } from '../../cli/sim/kinds/s3-buckets.js';
import { securityGroup } from '../../cli/sim/kinds/security-groups.js';
import { tgwRoute, tgwRouteTable } from '../../cli/sim/kinds/transit-gateways.js';
import { placeResources, simState } from '../../cli/sim/scenario.js';
import type { SimState } from '../../cli/sim/state.js';

export const SCAN_ACCOUNT = '111122223333';
export const SCAN_REGION = 'eu-west-2';
const VPC = 'vpc-0d3e4f5a6b7c8d9e0';
const ATTACHMENT = { id: 'tgw-attach-0a0a0a0a0a0a0a0a1', vpc: VPC };

/** One resource of the generated account, and what the planners must say about it. */
export interface ScanResource {
  readonly remediation: string;
  readonly id: string;
  readonly expected: 'change' | 'compliant';
}

const hex17 = (i: number) => i.toString(16).padStart(17, '0');

/** Resource i: a violation of its kind when i / 5 is even, else a compliant look-alike. */
function resourceAt(i: number): { resource: ScanResource; fragment: SimFragment } {
  const violation = Math.floor(i / 5) % 2 === 0;
  const expected = violation ? 'change' : 'compliant';
  switch (i % 5) {
    case 0: {
      const id = `sg-${hex17(i)}`;
      const cidr = violation ? '0.0.0.0/0' : '10.0.0.0/8';
      return {
        resource: { remediation: 'revoke-open-ssh', id, expected },
        fragment: securityGroup({
          id,
          name: `app-${i}`,
          vpc: VPC,
          rules: [{ id: `sgr-${hex17(i)}`, ports: 22, cidr }],
        }),
      };
    }
    case 1: {
      const id = `rtb-${hex17(i)}`;
      const target = violation
        ? { NatGatewayId: 'nat-0123456789abcdef0' }
        : { TransitGatewayId: 'tgw-0123456789abcdef0' };
      return {
        resource: { remediation: 'strip-internet-routes', id, expected },
        fragment: routeTable({
          id,
          vpc: VPC,
          routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', target)],
        }),
      };
    }
    case 2: {
      const id = `tgw-rtb-${hex17(i)}`;
      const cidr = violation ? '100.64.0.0/16' : '10.1.0.0/16';
      return {
        resource: { remediation: 'remove-pod-cidr-tgw-routes', id, expected },
        fragment: tgwRouteTable({
          id,
          transitGateway: 'tgw-0123456789abcdef0',
          routes: [tgwRoute(cidr, ATTACHMENT)],
        }),
      };
    }
    case 3: {
      const id = `scan-bucket-${String(i).padStart(6, '0')}`;
      return {
        resource: { remediation: 'block-public-s3', id, expected },
        fragment: bucket(id, { publicAccessBlock: violation ? 'none' : 'all' }),
      };
    }
    default: {
      const id = `cluster-${i}`;
      return {
        resource: { remediation: 'privatize-eks-endpoint', id, expected },
        fragment: eksCluster({
          name: id,
          vpc: VPC,
          publicAccess: violation,
          privateAccess: !violation,
          publicAccessCidrs: violation ? ['0.0.0.0/0'] : [],
        }),
      };
    }
  }
}

/**
 * A simulated account of `n` resources across the five remediations' kinds, half violations and half
 * look-alikes, built with the simulator's scenario builders.
 */
export function scanAccountState(n: number): { state: SimState; resources: ScanResource[] } {
  const built = Array.from({ length: n }, (_, i) => resourceAt(i));
  const state = placeResources(
    simState({ seed: 11, settings: { eksUpdateDelayMs: 0 } }),
    { account: SCAN_ACCOUNT, region: SCAN_REGION },
    built.map((b) => b.fragment),
  );
  return { state, resources: built.map((b) => b.resource) };
}
