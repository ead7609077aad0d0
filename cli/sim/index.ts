export { isWriteApi, type SimChange, type SimOptions, SimulatedCloud } from './cloud.js';
export { cloudTrailEventFor, type SimCaller } from './cloudtrail.js';
export type { SimFragment, SimWhere } from './kind.js';
export { configRule } from './kinds/config-rules.js';
export { dynamodbTable } from './kinds/dynamodb-tables.js';
export { eksCluster } from './kinds/eks-clusters.js';
export { deliveredEvents, eventBus } from './kinds/event-buses.js';
export { kmsKey, SAMPLE_SIGNING_KEY_ALIAS } from './kinds/kms-keys.js';
export { prefixList } from './kinds/prefix-lists.js';
export { role } from './kinds/roles.js';
export { localRoute, route, routeTable } from './kinds/route-tables.js';
export { bucket, type SimBucket } from './kinds/s3-buckets.js';
export { type RuleSpec, securityGroup } from './kinds/security-groups.js';
export { tgwAttachment, tgwRoute, tgwRouteTable } from './kinds/transit-gateways.js';
export { sampleSimState } from './sample.js';
export { placeResources, simState } from './scenario.js';
export {
  loadSimState,
  parseSimState,
  type SimAccount,
  type SimFault,
  type SimRegion,
  type SimState,
  SimStateError,
  type SimStateInput,
  SimStateSchema,
} from './state.js';
