// The demo's case (`airlock demo`): a cluster with a public API endpoint, beside a private-only one.
import { DEMO_VPC, type DemoCase, type ScaledCase } from '../../cli/demo/case.js';
import { eksCluster, type SimRegion } from '../../cli/sim/index.js';

const cluster = (r: SimRegion, name: string) => r.eksClusters.find((c) => c.name === name);

// at scale: a cluster with a public endpoint; its look-alike private only
const scaled: ScaledCase = {
  resourceId: (i, violation) => `${violation ? 'payments' : 'ledger'}-${i}`,
  resource: (id, violation) =>
    eksCluster({
      name: id,
      vpc: DEMO_VPC,
      publicAccess: violation,
      privateAccess: !violation,
      publicAccessCidrs: violation ? ['0.0.0.0/0'] : [],
    }),
  untouched: (r, _s, id, violation) =>
    violation ? cluster(r, id)?.resourcesVpcConfig?.vpcId : cluster(r, id)?.resourcesVpcConfig,
};

export const demo: DemoCase = {
  scaled,
  violations: [{ resourceId: 'payments', what: 'EKS cluster API endpoint is public (0.0.0.0/0)' }],
  lookAlikes: [
    {
      what: 'private-only cluster "ledger"',
      select: (r) => r.eksClusters.find((c) => c.name === 'ledger')?.resourcesVpcConfig,
    },
  ],
  resources: () => [
    eksCluster({
      name: 'payments',
      vpc: DEMO_VPC,
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    }),
    eksCluster({
      name: 'ledger',
      vpc: DEMO_VPC,
      publicAccess: false,
      privateAccess: true,
      publicAccessCidrs: [],
    }),
  ],
};
