import { DEMO_ATTACHMENTS, DEMO_TARGETS, DEMO_VPC, demoTgwAttachments } from '../cli/demo/scenario.js';
import {
  bucket,
  eksCluster,
  localRoute,
  placeResources,
  route,
  routeTable,
  type SimFragment,
  type SimState,
  securityGroup,
  simState,
  tgwRoute,
  tgwRouteTable,
} from '../cli/sim/index.js';
import { complianceEvent } from '../test/helpers/events.js';

/**
 * The benchmark's simulated account: `n` resources spread over the five remediations, each its own
 * resource. Four in five are violations (with compliant look-alike parts inside: private SSH,
 * HTTPS, local and peering routes, the node-CIDR TGW route); one in five is a wholly compliant
 * look-alike that still receives a NON_COMPLIANT event (a stale evaluation) and must end NOOP.
 * Shapes follow the demo scenario (cli/demo/scenario.ts).
 */

export const BENCH_ACCOUNT = '111122223333';
export const BENCH_REGION = 'eu-west-2';

export const REMEDIATION_IDS = [
  'revoke-open-ssh',
  'block-public-s3',
  'privatize-eks-endpoint',
  'strip-internet-routes',
  'remove-pod-cidr-tgw-routes',
] as const;
export type RemediationId = (typeof REMEDIATION_IDS)[number];

const RESOURCE_TYPE: Record<RemediationId, string> = {
  'revoke-open-ssh': 'AWS::EC2::SecurityGroup',
  'block-public-s3': 'AWS::S3::Bucket',
  'privatize-eks-endpoint': 'AWS::EKS::Cluster',
  'strip-internet-routes': 'AWS::EC2::RouteTable',
  'remove-pod-cidr-tgw-routes': 'AWS::EC2::TransitGatewayRouteTable',
};
const RULE: Record<RemediationId, string> = {
  'revoke-open-ssh': 'restricted-ssh',
  'block-public-s3': 's3-bucket-level-public-access-prohibited',
  'privatize-eks-endpoint': 'eks-endpoint-no-public-access',
  'strip-internet-routes': 'airlock-private-route-tables-no-internet-route',
  'remove-pod-cidr-tgw-routes': 'airlock-tgw-route-tables-no-pod-cidr',
};

/** Settings the benchmark deploys with (enforce; the pod CIDR named; public tier by tag). */
export const BENCH_SETTINGS = {
  mode: 'enforce',
  allowedAccounts: [BENCH_ACCOUNT],
  remediations: {
    'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['100.64.0.0/10'] } },
    // the public tier is named by a tag here (no tag counts unless configured)
    'strip-internet-routes': { settings: { publicRouteTableTag: { key: 'airlock:tier', value: 'public' } } },
  },
};

/** One resource of the scenario and the event AWS Config would send for it. */
export interface BenchResource {
  readonly remediation: RemediationId;
  readonly resourceId: string;
  /** True for a violation (exactly `expectedWrites` writes fix it); false for a compliant look-alike. */
  readonly violation: boolean;
  readonly expectedWrites: number;
  readonly event: ReturnType<typeof complianceEvent>;
}

export interface BenchScenario {
  readonly state: SimState;
  readonly resources: readonly BenchResource[];
}

const hex = (kind: number, i: number) => `${kind.toString(16)}${i.toString(16).padStart(16, '0')}`;

/** An id of the right AWS format for resource `i` of a remediation. */
export function resourceIdFor(remediation: RemediationId, i: number, lookAlike = false): string {
  const k = lookAlike ? 1 : 0;
  switch (remediation) {
    case 'revoke-open-ssh':
      return `sg-${hex(k, i)}`;
    case 'block-public-s3':
      return `airlock-bench-${lookAlike ? 'private' : 'public'}-${i}`;
    case 'privatize-eks-endpoint':
      return `${lookAlike ? 'ledger' : 'payments'}-${i}`;
    case 'strip-internet-routes':
      return `rtb-${hex(k, i)}`;
    case 'remove-pod-cidr-tgw-routes':
      return `tgw-rtb-${hex(k, i)}`;
  }
}

/** The id of rule `n` of a benchmark group (`sgr-` + the group's hex + `n`). */
const ruleId = (groupId: string, n: number) =>
  `sgr-${groupId.slice(3, 18)}${n.toString(16).padStart(2, '0')}`;

/**
 * Builds the scenario: `n` resources, round-robin over the remediations (or only `only`).
 *
 * @example
 * ```ts
 * const { state, resources } = buildScenario(100);
 * const sim = await SimulatedCloud.create(state);
 * ```
 */
export function buildScenario(n: number, only: readonly RemediationId[] = REMEDIATION_IDS): BenchScenario {
  const where = { account: BENCH_ACCOUNT, region: BENCH_REGION };
  const state = simState({ seed: 7, settings: { eksUpdateDelayMs: 0 } });
  placeResources(state, where, demoTgwAttachments());
  const resources: BenchResource[] = [];
  for (let k = 0; k < n; k++) {
    const remediation = only[k % only.length]!;
    const i = Math.floor(k / only.length);
    const lookAlike = i % 5 === 4;
    const id = resourceIdFor(remediation, i, lookAlike);
    placeResources(state, where, [resourceFor(remediation, id, !lookAlike)]);
    resources.push({
      remediation,
      resourceId: id,
      violation: !lookAlike,
      expectedWrites: lookAlike ? 0 : 1,
      event: complianceEvent({
        resourceType: RESOURCE_TYPE[remediation],
        resourceId: id,
        rule: RULE[remediation],
        account: BENCH_ACCOUNT,
        region: BENCH_REGION,
        id: `b1a9c0de-0000-4000-8000-${k.toString(16).padStart(12, '0')}`,
      }),
    });
  }
  return { state, resources };
}

/** The event for `resource`, as Config would send it (remediation id -> resource type and rule). */
export function eventFor(remediation: RemediationId, resourceId: string, id?: string) {
  return complianceEvent({
    resourceType: RESOURCE_TYPE[remediation],
    resourceId,
    rule: RULE[remediation],
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
    ...(id ? { id } : {}),
  });
}

/** Resource `id` of a remediation: a violation, or a wholly compliant look-alike. */
function resourceFor(remediation: RemediationId, id: string, violation: boolean): SimFragment {
  switch (remediation) {
    case 'revoke-open-ssh':
      return securityGroup({
        id,
        name: `bastion-${id}`,
        vpc: DEMO_VPC,
        rules: [
          ...(violation
            ? [{ id: ruleId(id, 1), ports: 22, cidr: '0.0.0.0/0', description: 'temporary debug access' }]
            : []),
          { id: ruleId(id, 2), ports: 22, cidr: '10.0.0.0/8', description: 'corporate network' },
          { id: ruleId(id, 3), ports: 443, cidr: '0.0.0.0/0' },
          { id: ruleId(id, 4), ports: 2222, cidr: '0.0.0.0/0' },
          { id: ruleId(id, 5), egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
        ],
      });
    case 'block-public-s3':
      return bucket(id, { publicAccessBlock: violation ? 'none' : 'all' });
    case 'privatize-eks-endpoint':
      return eksCluster({
        name: id,
        vpc: DEMO_VPC,
        publicAccess: violation,
        privateAccess: !violation,
        publicAccessCidrs: violation ? ['0.0.0.0/0'] : [],
      });
    case 'strip-internet-routes':
      return violation
        ? routeTable({
            id,
            vpc: DEMO_VPC,
            routes: [
              localRoute('10.0.0.0/16'),
              route('0.0.0.0/0', { NatGatewayId: DEMO_TARGETS.nat }),
              route('172.31.0.0/16', { VpcPeeringConnectionId: DEMO_TARGETS.peering }),
            ],
            tags: [{ Key: 'Name', Value: 'private' }],
          })
        : // a public-tier table (tagged): its IGW route is legitimate and stays
          routeTable({
            id,
            vpc: DEMO_VPC,
            routes: [
              localRoute('10.0.0.0/16'),
              route('0.0.0.0/0', { GatewayId: DEMO_TARGETS.internetGateway }),
            ],
            tags: [
              { Key: 'Name', Value: 'public-ingress' },
              { Key: 'airlock:tier', Value: 'public' },
            ],
          });
    case 'remove-pod-cidr-tgw-routes':
      return tgwRouteTable({
        id,
        transitGateway: DEMO_TARGETS.transitGateway,
        routes: [
          ...(violation ? [tgwRoute('100.64.0.0/16', DEMO_ATTACHMENTS.attachment)] : []),
          tgwRoute('10.0.0.0/16', DEMO_ATTACHMENTS.attachment, 'propagated'),
          tgwRoute('0.0.0.0/0', DEMO_ATTACHMENTS.inspection),
          // the platform's standing blackhole for the pod CIDR: the default route does not carry it
          { DestinationCidrBlock: '100.64.0.0/10', Type: 'static', State: 'blackhole' },
        ],
      });
  }
}

/** The part of the state a remediation must never touch for this resource (compared before/after). */
export function untouchable(state: SimState, r: BenchResource): unknown {
  const region = state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
  switch (r.remediation) {
    case 'revoke-open-ssh': {
      const g = region.securityGroups.find((x) => x.GroupId === r.resourceId);
      const ruleId = `sgr-${r.resourceId.slice(3, 18)}01`;
      return g?.Rules.filter((x) => x.SecurityGroupRuleId !== ruleId);
    }
    case 'block-public-s3':
      return r.violation ? undefined : state.accounts[BENCH_ACCOUNT]!.buckets[r.resourceId];
    case 'privatize-eks-endpoint':
      return r.violation
        ? region.eksClusters.find((c) => c.name === r.resourceId)?.resourcesVpcConfig?.vpcId
        : region.eksClusters.find((c) => c.name === r.resourceId)?.resourcesVpcConfig;
    case 'strip-internet-routes':
      return region.routeTables
        .find((t) => t.RouteTableId === r.resourceId)
        ?.Routes?.filter((x) => !('NatGatewayId' in x && x.NatGatewayId));
    case 'remove-pod-cidr-tgw-routes':
      return region.transitGatewayRouteTables
        .find((t) => t.TransitGatewayRouteTableId === r.resourceId)
        ?.Routes.filter((x) => x.DestinationCidrBlock !== '100.64.0.0/16');
  }
}
