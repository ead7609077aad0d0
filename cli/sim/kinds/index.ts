import { configRules } from './config-rules.js';
import { dynamodbTables } from './dynamodb-tables.js';
import { eksClusters } from './eks-clusters.js';
import { eventBuses } from './event-buses.js';
import { kmsKeys } from './kms-keys.js';
import { prefixLists } from './prefix-lists.js';
import { roles } from './roles.js';
import { routeTables } from './route-tables.js';
import { s3Buckets } from './s3-buckets.js';
import { securityGroups } from './security-groups.js';
import { securityHubFindings } from './security-hub-findings.js';
import { ssmParameters } from './ssm-parameters.js';
import { subnets } from './subnets.js';
import { transitGateways } from './transit-gateways.js';

/**
 * Every resource kind of the simulated account, in the order of the state file, `sim show` and
 * `sim snapshot`. The core builds the state schema, the empty region, the API dispatch table, the
 * sample account and the summary from this list: adding a kind is a module and a line here.
 */
export const SIM_KINDS = [
  roles,
  s3Buckets,
  securityGroups,
  prefixLists,
  routeTables,
  subnets,
  transitGateways,
  eksClusters,
  ssmParameters,
  kmsKeys,
  configRules,
  dynamodbTables,
  eventBuses,
  securityHubFindings,
] as const;
