import { parseCidr } from '../shared/cidr.js';
import type { EndpointsContext } from './context.js';
import { ContextError, type Get, list } from './context-values.js';

/** The AWS services the functions call, by how the VPC reaches them. */
export const ENDPOINT_SERVICES = {
  /**
   * Interface endpoints (private DNS). Not CloudWatch Logs: Lambda ships the functions' logs outside
   * the VPC. KMS for `kms:Sign` only (one signature per audit record): S3, DynamoDB and SQS call KMS
   * themselves for the data keys. EventBridge for the published records (`events:PutEvents`), Security
   * Hub for the findings (`securityhub:BatchImportFindings`): each only when a function calls it.
   */
  interface: ['ec2', 'eks', 'ssm', 'sts', 'config', 'sqs', 'lambda', 'kms', 'events', 'securityhub'],
  /** Gateway endpoints (routes in the private route tables). */
  gateway: ['s3', 'dynamodb'],
} as const;

const ALL: readonly string[] = [...ENDPOINT_SERVICES.interface, ...ENDPOINT_SERVICES.gateway];
const ENDPOINT_ID = /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Which endpoints airlock creates and which it reuses. `existingEndpoints` (`ec2:vpce-…,s3:vpce-…`)
 * names those the VPC has; `createVpcEndpoints=false` reuses all of them. Reused interface endpoints
 * need `existingEndpointPeers` (their security groups, or the CIDRs of a central endpoints VPC): the
 * functions send HTTPS there and nowhere else.
 *
 * @example
 * ```ts
 * readEndpoints(get).create; // ['eks', 'ssm', 'sts', 'config', 'sqs', 'lambda', 'kms', 'events', 'securityhub', 'dynamodb'] with ec2 and s3 existing
 * ```
 */
export function readEndpoints(get: Get): EndpointsContext {
  const createAny = readBool(get, 'createVpcEndpoints');
  const existing: Record<string, string> = createAny ? {} : Object.fromEntries(ALL.map((s) => [s, '*']));
  for (const entry of list(get, 'existingEndpoints', [])) {
    const [service = '', id = ''] = entry.split(':').map((s) => s.trim());
    if (!ALL.includes(service)) {
      throw new ContextError(
        'existingEndpoints',
        `names ${JSON.stringify(service)}: services are ${ALL.join(', ')}`,
      );
    }
    if (!ENDPOINT_ID.test(id)) {
      throw new ContextError(
        'existingEndpoints',
        `must pair a service with its endpoint id (ec2:vpce-…), got ${JSON.stringify(entry)}`,
      );
    }
    existing[service] = id;
  }
  const existingPeers = list(get, 'existingEndpointPeers', []);
  for (const peer of existingPeers) {
    const cidr = parseCidr(peer);
    if (!SECURITY_GROUP_ID.test(peer) && !(cidr && cidr.text === peer && cidr.family === 4)) {
      throw new ContextError(
        'existingEndpointPeers',
        `must list security group ids (sg-…) or IPv4 CIDRs, got ${JSON.stringify(peer)}`,
      );
    }
  }
  const reusesInterface = ENDPOINT_SERVICES.interface.some((s) => s in existing);
  if (reusesInterface && existingPeers.length === 0) {
    throw new ContextError(
      'existingEndpointPeers',
      'is required when interface endpoints are reused: the security groups (sg-…) or CIDRs of those endpoints',
    );
  }
  return { create: ALL.filter((s) => !(s in existing)), existing, existingPeers };
}

function readBool(get: Get, key: string): boolean {
  const value = get(key);
  if (value === undefined || value === null || value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}
