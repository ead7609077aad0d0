// The demo's case (`airlock demo`): a cluster with a public API endpoint, beside a private-only one.
import { DEMO_VPC, type DemoCase } from '../../cli/demo/case.js';
import { eksCluster } from '../../cli/sim/index.js';

export const demo: DemoCase = {
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
