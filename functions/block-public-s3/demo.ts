// The demo's case (`airlock demo`): a bucket with no public access block, beside a fully blocked one.
import { DEMO_ACCOUNT, type DemoCase, type ScaledCase } from '../../cli/demo/case.js';
import { bucket } from '../../cli/sim/index.js';

// at scale: a bucket with no public access block; its look-alike fully blocked
const scaled: ScaledCase = {
  resourceId: (i, violation) => `airlock-bench-${violation ? 'public' : 'private'}-${i}`,
  resource: (id, violation) => bucket(id, { publicAccessBlock: violation ? 'none' : 'all' }),
  untouched: (_r, s, id, violation) => (violation ? undefined : s.accounts[DEMO_ACCOUNT]?.buckets[id]),
};

export const demo: DemoCase = {
  scaled,
  violations: [
    { resourceId: 'airlock-demo-public-assets', what: 'bucket has no public access block at all' },
  ],
  lookAlikes: [
    {
      what: 'bucket already fully blocked',
      select: (_r, s) => s.accounts[DEMO_ACCOUNT]?.buckets['airlock-demo-private-data'],
    },
  ],
  resources: () => [
    bucket('airlock-demo-public-assets', { publicAccessBlock: 'none' }),
    bucket('airlock-demo-private-data', { publicAccessBlock: 'all' }),
  ],
};
